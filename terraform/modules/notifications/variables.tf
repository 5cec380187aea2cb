variable "name" {
  description = "Name of the topic and prefix of alarms and the dashboard."
  type        = string
}

variable "kms_key_arn" {
  description = "Key encrypting the topic (its policy must let CloudWatch use it)."
  type        = string
}

variable "emails" {
  description = "Email addresses subscribed to the topic."
  type        = list(string)
  default     = []
}

variable "function_name" {
  description = "The orchestrator function (Errors alarm)."
  type        = string
}

variable "dead_letter_queue_name" {
  description = "The on-failure queue (depth alarm)."
  type        = string
}

variable "log_group_name" {
  description = "The orchestrator's log group (error lines become a metric)."
  type        = string
}

variable "metrics_namespace" {
  description = "Namespace of the orchestrator's EMF metrics (EBV_METRICS_NAMESPACE)."
  type        = string
  default     = "EFSBackupVerifier"
}

variable "file_system_ids" {
  description = "File systems shown and alarmed on."
  type        = list(string)
}

variable "no_verified_backup_hours" {
  description = "Alarm when no run passed for this many hours (1-168)."
  type        = number
  default     = 36

  validation {
    condition     = var.no_verified_backup_hours >= 1 && var.no_verified_backup_hours <= 168
    error_message = "no_verified_backup_hours must be 1-168."
  }
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}
