variable "name" {
  description = "Name of the cluster and prefix of the log group and schedule."
  type        = string
}

variable "family" {
  description = "Task-definition family of the worker (EBV_WORKER_TASK_FAMILY)."
  type        = string
}

variable "container_name" {
  description = "Name of the worker container (EBV_WORKER_CONTAINER)."
  type        = string
  default     = "manifest-worker"
}

variable "volume_name" {
  description = "Name of the production EFS volume (EBV_WORKER_VOLUME)."
  type        = string
  default     = "efs"
}

variable "mount_path" {
  description = "Where the container mounts the volume (EBV_WORKER_MOUNT_PATH)."
  type        = string
  default     = "/mnt/efs"

  validation {
    condition     = startswith(var.mount_path, "/")
    error_message = "mount_path must be an absolute path."
  }
}

variable "image" {
  description = "The manifest-worker image."
  type        = string
}

variable "architecture" {
  description = "arm64 or x86_64 (must match the image)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "cpu" {
  description = "Task CPU units (a Fargate value: 256, 512, 1024, 2048, 4096, 8192, 16384)."
  type        = number
  default     = 1024

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Task memory in MB; with cpu a Fargate pair (checked by a precondition)."
  type        = number
  default     = 2048
}

variable "concurrency" {
  description = "Hashing threads of the worker (EBV_CONCURRENCY)."
  type        = number
  default     = 32

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1024
    error_message = "concurrency must be 1-1024."
  }
}

variable "file_system_id" {
  description = "The production file system, mounted read-only through a new access point."
  type        = string
}

variable "execution_role_arn" {
  description = "Task execution role."
  type        = string
}

variable "task_role_arn" {
  description = "Worker task role."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the worker tasks."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the worker tasks."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "Key of the log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days the worker's logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}
