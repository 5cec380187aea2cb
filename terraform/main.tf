# efs-backup-verifier: verifies every AWS Backup recovery point of one EFS file system at
# file-content level (see README.md "Deploy to AWS" and DESIGN.md §1).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  tags       = merge(var.tags, { "efs-backup-verifier:deployment" = var.name })

  file_system_arn  = "arn:${local.partition}:elasticfilesystem:${local.region}:${local.account_id}:file-system/${var.file_system_id}"
  worker_family    = "${var.name}-worker"
  restored_family  = "${var.name}-worker-restored"
  worker_container = "manifest-worker"
  worker_volume    = "efs"
  worker_mount     = "/mnt/efs"
  manifest_prefix  = "manifests/"
  runs_prefix      = "runs/"
  started_by       = var.name
  metrics_ns       = "EFSBackupVerifier"
  function_name    = "${var.name}-orchestrator"

  # The orchestrator's settings (orchestrator config --list; scripts/check-iac checks that
  # every required one is set here and none is unknown).
  orchestrator_environment = merge(
    {
      EBV_BUCKET               = module.s3_bucket.bucket_id
      EBV_MANIFEST_PREFIX      = local.manifest_prefix
      EBV_RUNS_PREFIX          = local.runs_prefix
      EBV_TOPIC_ARN            = module.notifications.topic_arn
      EBV_CLUSTER              = module.ecs_manifest_generator.cluster_name
      EBV_WORKER_TASK_FAMILY   = local.worker_family
      EBV_WORKER_CONTAINER     = local.worker_container
      EBV_WORKER_VOLUME        = local.worker_volume
      EBV_WORKER_MOUNT_PATH    = local.worker_mount
      EBV_RESTORED_TASK_FAMILY = local.restored_family
      EBV_SUBNETS              = join(",", var.subnet_ids)
      EBV_SECURITY_GROUPS      = module.network.task_security_group_id
      EBV_MOUNT_TARGET_SECURITY_GROUPS = module.network.mount_target_security_group_id
      EBV_FILE_SYSTEMS         = var.file_system_id
      EBV_KMS_KEY_ID           = aws_kms_key.this.arn
      EBV_RESTORE_ROLE_ARN     = module.iam.restore_role_arn
      EBV_RUN_TIMEOUT_HOURS    = tostring(var.orchestrator.run_timeout_hours)
      EBV_RESOURCE_GRACE_HOURS = tostring(var.orchestrator.resource_grace_hours)
      EBV_POST_MANIFEST        = tostring(var.orchestrator.post_manifest)
      EBV_STARTED_BY           = local.started_by
      EBV_METRICS_NAMESPACE    = local.metrics_ns
      EBV_ENTRIES_PER_SHARD    = tostring(var.orchestrator.entries_per_shard)
      EBV_MAX_SHARDS           = tostring(var.orchestrator.max_shards)
      EBV_FULL_BASELINE_EVERY_DAYS = tostring(var.orchestrator.full_baseline_every_days)
      EBV_REUSE                = tostring(var.orchestrator.reuse)
    },
    var.orchestrator.shards == null ? {} : {
      EBV_SHARDS = tostring(var.orchestrator.shards)
    },
    length(var.orchestrator.severities) == 0 ? {} : {
      EBV_SEVERITY = join(",", [for k in sort(keys(var.orchestrator.severities)) : "${k}=${var.orchestrator.severities[k]}"])
    },
    # The plan's selections say the validation window (ListRestoreTestingSelections); this is
    # the fallback when they cannot be read.
    try(var.backup.restore_testing, false) ? {
      EBV_RESTORE_TESTING_WINDOW_HOURS = tostring(var.backup.restore_testing_window)
    } : {},
  )
}

# One customer-managed key for the bucket, topic, queue, logs, schedules and the restored
# (temporary) file systems.
resource "aws_kms_key" "this" {
  description             = "${var.name}: manifests, reports, notifications, logs and restored file systems"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_111:A key policy's resource "*" is this key alone; writes are granted to the account root (administration through IAM) and to services under conditions.
  #checkov:skip=CKV_AWS_356:A key policy's resource "*" is this key alone.
  #checkov:skip=CKV_AWS_109:A key policy's resource "*" is this key alone; the account root administers it as AWS's default key policy does.
  # The account administers the key; IAM policies grant its use (module iam).
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  # CloudWatch alarms publish to the encrypted topic.
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

module "s3_bucket" {
  source = "./modules/s3_bucket"

  name                     = "${var.name}-${local.account_id}-${local.region}"
  kms_key_arn              = aws_kms_key.this.arn
  manifest_prefix          = local.manifest_prefix
  runs_prefix              = local.runs_prefix
  manifest_expiration_days = var.retention.manifest_days
  report_expiration_days   = var.retention.report_days
  access_log_bucket        = var.access_log_bucket
  tags                     = local.tags
}

module "network" {
  source = "./modules/network"

  name                                      = var.name
  vpc_id                                    = var.vpc_id
  subnet_ids                                = var.subnet_ids
  production_mount_target_security_group_id = var.production_mount_target_security_group_id
  vpc_endpoints                             = var.vpc_endpoints
  tags                                      = local.tags
}

module "notifications" {
  source = "./modules/notifications"

  name                     = var.name
  kms_key_arn              = aws_kms_key.this.arn
  emails                   = var.notification_emails
  function_name            = local.function_name
  dead_letter_queue_name   = module.lambda.dead_letter_queue_name
  log_group_name           = module.lambda.log_group_name
  metrics_namespace        = local.metrics_ns
  file_system_ids          = [var.file_system_id]
  no_verified_backup_hours = var.no_verified_backup_hours
  tags                     = local.tags
}

module "iam" {
  source = "./modules/iam"

  name                  = var.name
  bucket_arn            = module.s3_bucket.bucket_arn
  manifest_prefix       = local.manifest_prefix
  runs_prefix           = local.runs_prefix
  kms_key_arn           = aws_kms_key.this.arn
  topic_arn             = module.notifications.topic_arn
  file_system_arn       = local.file_system_arn
  access_point_arn      = module.ecs_manifest_generator.access_point_arn
  cluster_arn           = module.ecs_manifest_generator.cluster_arn
  worker_family         = local.worker_family
  restored_family       = local.restored_family
  worker_image          = var.worker_image
  worker_log_group_arn  = module.ecs_manifest_generator.log_group_arn
  function_name         = local.function_name
  dead_letter_queue_arn = module.lambda.dead_letter_queue_arn
  vault_kms_key_arns    = var.backup_vault_kms_key_arns
  tags                  = local.tags
}

module "lambda" {
  source = "./modules/lambda"

  function_name        = local.function_name
  package_path         = var.orchestrator_package
  architecture         = var.architecture
  role_arn             = module.iam.orchestrator_role_arn
  subnet_ids           = var.subnet_ids
  security_group_ids   = [module.network.lambda_security_group_id]
  environment          = local.orchestrator_environment
  kms_key_arn          = aws_kms_key.this.arn
  memory_size          = var.orchestrator.memory_size
  reserved_concurrency = var.orchestrator.reserved_concurrency
  log_retention_days   = var.retention.log_days
  tags                 = local.tags
}

module "ecs_manifest_generator" {
  source = "./modules/ecs_manifest_generator"

  name               = var.name
  family             = local.worker_family
  container_name     = local.worker_container
  volume_name        = local.worker_volume
  mount_path         = local.worker_mount
  image              = var.worker_image
  architecture       = var.architecture
  cpu                = var.worker.cpu
  memory             = var.worker.memory
  concurrency        = var.worker.concurrency
  file_system_id     = var.file_system_id
  execution_role_arn = module.iam.execution_role_arn
  task_role_arn      = module.iam.worker_role_arn
  subnet_ids         = var.subnet_ids
  security_group_ids = [module.network.task_security_group_id]
  kms_key_arn        = aws_kms_key.this.arn
  log_retention_days = var.retention.log_days
  tags               = local.tags
}

module "events" {
  source = "./modules/events"

  name          = var.name
  function_arn  = module.lambda.function_arn
  function_name = module.lambda.function_name
  cluster_arn   = module.ecs_manifest_generator.cluster_arn
  started_by    = local.started_by
  tags          = local.tags

  # The baseline schedule invokes the orchestrator ({"action":"baseline"}), which plans,
  # shards and reuses like a run's manifests and counts the baseline once complete.
  file_system_id     = var.file_system_id
  baseline_schedule  = var.baseline_schedule
  scheduler_role_arn = module.iam.scheduler_role_arn
  kms_key_arn        = aws_kms_key.this.arn
}

module "backup" {
  source = "./modules/backup"
  count  = var.backup == null ? 0 : 1

  name             = var.name
  kms_key_arn      = aws_kms_key.this.arn
  file_system_arn  = local.file_system_arn
  settings         = var.backup
  restore_role_arn = module.iam.restore_role_arn
  tags             = local.tags
}
