variable "name" {
  description = "Name prefix of the rules."
  type        = string
}

variable "function_arn" {
  description = "ARN of the orchestrator function every rule targets."
  type        = string
}

variable "function_name" {
  description = "Name of the orchestrator function."
  type        = string
}

variable "cluster_arn" {
  description = "The worker cluster: only its task stops are forwarded."
  type        = string
}

variable "started_by" {
  description = "startedBy of the orchestrator's tasks (EBV_STARTED_BY)."
  type        = string
}

variable "reconcile_schedule" {
  description = "Schedule expression of the reconcile tick."
  type        = string
  default     = "rate(15 minutes)"

  validation {
    condition     = can(regex("^(rate|cron)\\(.+\\)$", var.reconcile_schedule))
    error_message = "reconcile_schedule must be rate(...) or cron(...)."
  }
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}

variable "file_system_id" {
  description = "The production file system whose baseline the schedule asks for."
  type        = string
}

variable "baseline_schedule" {
  description = "EventBridge Scheduler expression and time zone of the baseline manifest."
  type = object({
    expression = optional(string, "cron(0 1 * * ? *)")
    timezone   = optional(string, "UTC")
  })
  default = {}
}

variable "scheduler_role_arn" {
  description = "Role EventBridge Scheduler uses to invoke the orchestrator."
  type        = string
}

variable "kms_key_arn" {
  description = "Key of the schedule."
  type        = string
}
