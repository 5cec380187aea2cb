variable "name" {
  description = "Name prefix of every resource (letters, digits and hyphens; it also names the ECS cluster, task families, Lambda and topic)."
  type        = string
  default     = "efs-backup-verifier"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,31}$", var.name))
    error_message = "name must start with a letter and hold 1-32 letters, digits or hyphens."
  }
}

variable "file_system_id" {
  description = "The production EFS file system whose recovery points are verified (fs-...). One deployment verifies one file system: the worker task definition mounts it."
  type        = string

  validation {
    condition     = can(regex("^fs-[0-9a-f]{8,40}$", var.file_system_id))
    error_message = "file_system_id must be an EFS id such as fs-0123456789abcdef0."
  }
}

variable "vpc_id" {
  description = "VPC of the production file system's mount targets; tasks, restored mount targets and the orchestrator Lambda run in it."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC id such as vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnets (one per Availability Zone) for worker tasks, restored mount targets and the Lambda. They need a route to AWS APIs: NAT, or vpc_endpoints."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must be one or more subnet ids such as subnet-0123456789abcdef0."
  }
}

variable "production_mount_target_security_group_id" {
  description = "Security group of the production file system's mount targets; when set, a rule lets the worker tasks in on TCP 2049. Null: add that rule yourself."
  type        = string
  default     = null

  validation {
    condition     = var.production_mount_target_security_group_id == null || can(regex("^sg-[0-9a-f]{8,17}$", var.production_mount_target_security_group_id))
    error_message = "production_mount_target_security_group_id must be null or a security group id (sg-...)."
  }
}

variable "worker_image" {
  description = "The manifest-worker container image (ECR URI with tag or digest), built from docker/worker.Dockerfile by scripts/build-images."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$", var.worker_image))
    error_message = "worker_image must be a registry/repository reference with a tag or a sha256 digest."
  }
}

variable "orchestrator_package" {
  description = "Path of bootstrap.zip (the orchestrator built for provided.al2023 by scripts/build-images)."
  type        = string

  validation {
    condition     = endswith(var.orchestrator_package, ".zip")
    error_message = "orchestrator_package must be the path of a .zip file."
  }
}

variable "architecture" {
  description = "CPU architecture of both binaries (the Lambda and the worker task): arm64 or x86_64; build the images for the same one."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "worker" {
  description = "Worker task size and settings. cpu/memory must be a Fargate pair; concurrency is the hashing threads (EBV_CONCURRENCY)."
  type = object({
    cpu         = optional(number, 1024)
    memory      = optional(number, 2048)
    concurrency = optional(number, 32)
  })
  default = {}

  validation {
    condition = contains(lookup({
      "256"   = [512, 1024, 2048]
      "512"   = [for m in range(1024, 4097, 1024) : m]
      "1024"  = [for m in range(2048, 8193, 1024) : m]
      "2048"  = [for m in range(4096, 16385, 1024) : m]
      "4096"  = [for m in range(8192, 30721, 1024) : m]
      "8192"  = [for m in range(16384, 61441, 4096) : m]
      "16384" = [for m in range(32768, 122881, 8192) : m]
    }, tostring(var.worker.cpu), []), var.worker.memory)
    error_message = "worker.cpu and worker.memory must be a Fargate pair (e.g. 1024 CPU with 2048-8192 MB in 1024 steps)."
  }

  validation {
    condition     = var.worker.concurrency >= 1 && var.worker.concurrency <= 1024 && floor(var.worker.concurrency) == var.worker.concurrency
    error_message = "worker.concurrency must be an integer from 1 to 1024."
  }
}

variable "baseline_schedule" {
  description = "When the baseline manifest runs: an EventBridge Scheduler expression (before the backup window, leaving time for the walk) and its time zone."
  type = object({
    expression = optional(string, "cron(0 1 * * ? *)")
    timezone   = optional(string, "UTC")
  })
  default = {}

  validation {
    condition     = can(regex("^(cron|rate)\\(.+\\)$", var.baseline_schedule.expression))
    error_message = "baseline_schedule.expression must be cron(...) or rate(...)."
  }
}

variable "orchestrator" {
  description = "Orchestrator Lambda and run settings (the optional EBV_* settings it passes; see docs/orchestrator.md)."
  type = object({
    memory_size          = optional(number, 1024)
    reserved_concurrency = optional(number, 5)
    run_timeout_hours    = optional(number, 24)
    resource_grace_hours = optional(number, 6)
    post_manifest        = optional(bool, true)
    severities           = optional(map(string), {})
  })
  default = {}

  validation {
    condition     = var.orchestrator.reserved_concurrency >= 1 && var.orchestrator.memory_size >= 256 && var.orchestrator.memory_size <= 10240
    error_message = "orchestrator.reserved_concurrency must be at least 1 and memory_size 256-10240 MB."
  }

  validation {
    condition = alltrue([
      for k, v in var.orchestrator.severities :
      contains(["match", "changed", "torn", "missing", "extra", "corrupt", "metadata", "unverifiable", "omitted", "lost+found", "reuse-mismatch"], k) && contains(["ok", "info", "warning", "error"], v)
    ])
    error_message = "orchestrator.severities maps verdict classes (docs/verdicts.md) to ok, info, warning or error."
  }

  validation {
    condition     = var.orchestrator.run_timeout_hours > 0 && var.orchestrator.resource_grace_hours > 0
    error_message = "orchestrator.run_timeout_hours and resource_grace_hours must be positive."
  }
}

variable "retention" {
  description = "Days kept: manifests, reports and run documents in S3, and CloudWatch logs."
  type = object({
    manifest_days = optional(number, 90)
    report_days   = optional(number, 400)
    log_days      = optional(number, 365)
  })
  default = {}

  validation {
    condition     = var.retention.manifest_days >= 2 && var.retention.report_days >= 1
    error_message = "retention.manifest_days must be at least 2 (a baseline must outlive the backup after it) and report_days at least 1."
  }

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention.log_days)
    error_message = "retention.log_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ...)."
  }
}

variable "access_log_bucket" {
  description = "Bucket receiving S3 server access logs of the verifier bucket (null: off)."
  type        = string
  default     = null
}

variable "notification_emails" {
  description = "Email addresses subscribed to the topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "notification_emails must be email addresses."
  }
}

variable "no_verified_backup_hours" {
  description = "Alarm when no run has passed for this many hours (1-168; CloudWatch evaluates at most 7 days)."
  type        = number
  default     = 36

  validation {
    condition     = var.no_verified_backup_hours >= 1 && var.no_verified_backup_hours <= 168 && floor(var.no_verified_backup_hours) == var.no_verified_backup_hours
    error_message = "no_verified_backup_hours must be a whole number from 1 to 168."
  }
}

variable "vpc_endpoints" {
  description = "Create VPC endpoints for subnets without NAT: an S3 gateway on route_table_ids and interface endpoints (ECR api/dkr, logs, SNS, Backup, EFS, ECS, STS)."
  type = object({
    enabled         = optional(bool, false)
    route_table_ids = optional(list(string), [])
  })
  default = {}
}

variable "backup" {
  description = "Optional AWS Backup vault, plan and restore-testing plan, for accounts without one (examples/complete). Null: the account's own plan backs the file system up."
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
  default = null

  validation {
    condition     = var.backup == null || try(var.backup.restore_testing_window >= 1 && var.backup.restore_testing_window <= 168, false)
    error_message = "backup.restore_testing_window must be 1-168 hours (the validation window AWS Backup allows)."
  }

  validation {
    condition     = var.backup == null || try(var.backup.delete_after_days >= 1, false)
    error_message = "backup.delete_after_days must be at least 1."
  }
}

variable "backup_vault_kms_key_arns" {
  description = "KMS keys of the existing backup vaults holding the file system's recovery points (the restore role decrypts with them). Not needed for the vault of var.backup."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for k in var.backup_vault_kms_key_arns : can(regex("^arn:[a-z-]+:kms:", k))])
    error_message = "backup_vault_kms_key_arns must be KMS key ARNs."
  }
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}
