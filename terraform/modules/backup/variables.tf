variable "name" {
  description = "Name prefix of the vault, plan and restore-testing plan."
  type        = string
}

variable "kms_key_arn" {
  description = "Key of the vault."
  type        = string
}

variable "file_system_arn" {
  description = "The file system backed up (and verified)."
  type        = string
}

variable "restore_role_arn" {
  description = "Role AWS Backup assumes for restore testing."
  type        = string
}

variable "settings" {
  description = "Plan settings: schedule, retention, vault lock, cross-region copy, restore testing."
  type = object({
    schedule               = optional(string, "cron(0 3 * * ? *)")
    delete_after_days      = optional(number, 35)
    vault_lock             = optional(bool, false)
    copy_to_vault_arn      = optional(string)
    restore_testing        = optional(bool, false)
    restore_testing_window = optional(number, 24)
    restore_testing_start  = optional(string, "cron(0 6 ? * SUN *)")
    min_retention_days     = optional(number, 7)
    max_retention_days     = optional(number, 365)
  })
  default = {}

  validation {
    condition     = var.settings.restore_testing_window >= 1 && var.settings.restore_testing_window <= 168
    error_message = "settings.restore_testing_window must be 1-168 hours."
  }

  validation {
    condition     = var.settings.min_retention_days <= var.settings.delete_after_days && var.settings.delete_after_days <= var.settings.max_retention_days
    error_message = "settings.delete_after_days must lie between min_retention_days and max_retention_days (the vault lock's bounds)."
  }
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}
