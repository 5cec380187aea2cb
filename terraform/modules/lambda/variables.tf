variable "function_name" {
  description = "Name of the orchestrator function."
  type        = string
}

variable "package_path" {
  description = "Path of bootstrap.zip (the custom-runtime orchestrator)."
  type        = string
}

variable "architecture" {
  description = "arm64 or x86_64 (must match the binary in the zip)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "role_arn" {
  description = "Execution role of the function."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the function's network interfaces."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the function."
  type        = list(string)
}

variable "environment" {
  description = "The orchestrator's EBV_* settings (orchestrator config --list)."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "Key encrypting the environment, the log group and the on-failure queue."
  type        = string
}

variable "memory_size" {
  description = "Memory in MB (the diff streams; CPU grows with memory)."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be 128-10240 MB."
  }
}

variable "timeout" {
  description = "Seconds an invocation may run (the orchestrator stops starting steps near it)."
  type        = number
  default     = 900

  validation {
    condition     = var.timeout >= 60 && var.timeout <= 900
    error_message = "timeout must be 60-900 seconds."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions (bounds the AWS calls a burst of events can make)."
  type        = number
  default     = 5

  validation {
    condition     = var.reserved_concurrency >= 1
    error_message = "reserved_concurrency must be at least 1."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failed asynchronous invocation before it goes to the on-failure queue."
  type        = number
  default     = 2

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 2
    error_message = "maximum_retry_attempts must be 0-2."
  }
}

variable "log_retention_days" {
  description = "Days the function's logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}
