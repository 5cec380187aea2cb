variable "name" {
  description = "Bucket name (globally unique; 3-63 lower-case letters, digits, dots and hyphens)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be a valid S3 bucket name."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for SSE-KMS."
  type        = string
}

variable "manifest_prefix" {
  description = "Key prefix of manifests (ends with /)."
  type        = string
  default     = "manifests/"

  validation {
    condition     = endswith(var.manifest_prefix, "/") && !startswith(var.manifest_prefix, "/")
    error_message = "manifest_prefix must end with / and not start with /."
  }
}

variable "runs_prefix" {
  description = "Key prefix of run documents and reports (ends with /)."
  type        = string
  default     = "runs/"

  validation {
    condition     = endswith(var.runs_prefix, "/") && !startswith(var.runs_prefix, "/")
    error_message = "runs_prefix must end with / and not start with /."
  }
}

variable "manifest_expiration_days" {
  description = "Days after which manifests expire."
  type        = number
  default     = 90

  validation {
    condition     = var.manifest_expiration_days >= 1
    error_message = "manifest_expiration_days must be at least 1."
  }
}

variable "report_expiration_days" {
  description = "Days after which run documents and reports expire."
  type        = number
  default     = 400

  validation {
    condition     = var.report_expiration_days >= 1
    error_message = "report_expiration_days must be at least 1."
  }
}

variable "access_log_bucket" {
  description = "Bucket receiving server access logs (null: access logging off)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}
