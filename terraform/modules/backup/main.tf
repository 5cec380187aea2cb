# Optional: a KMS-encrypted vault (optionally locked), a daily plan for the verified file
# system (optionally copied to another region) and a restore-testing plan whose results the
# orchestrator reports (PutRestoreValidationResult).

data "aws_partition" "current" {}

resource "aws_backup_vault" "this" {
  name        = var.name
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}

resource "aws_backup_vault_lock_configuration" "this" {
  count = var.settings.vault_lock ? 1 : 0

  backup_vault_name  = aws_backup_vault.this.name
  min_retention_days = var.settings.min_retention_days
  max_retention_days = var.settings.max_retention_days
}

resource "aws_backup_plan" "this" {
  name = var.name

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.this.name
    schedule          = var.settings.schedule
    start_window      = 60
    completion_window = 720

    lifecycle {
      delete_after = var.settings.delete_after_days
    }

    dynamic "copy_action" {
      for_each = var.settings.copy_to_vault_arn == null ? [] : [var.settings.copy_to_vault_arn]
      content {
        destination_vault_arn = copy_action.value
        lifecycle {
          delete_after = var.settings.delete_after_days
        }
      }
    }
  }

  tags = var.tags
}

data "aws_iam_policy_document" "backup_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  name               = "${var.name}-backup"
  assume_role_policy = data.aws_iam_policy_document.backup_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}

resource "aws_backup_selection" "this" {
  name         = "${var.name}-efs"
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [var.file_system_arn]
}

resource "aws_backup_restore_testing_plan" "this" {
  count = var.settings.restore_testing ? 1 : 0

  name                = replace("${var.name}_restore_testing", "-", "_")
  schedule_expression = var.settings.restore_testing_start

  recovery_point_selection {
    algorithm             = "LATEST_WITHIN_WINDOW"
    include_vaults        = [aws_backup_vault.this.arn]
    recovery_point_types  = ["SNAPSHOT"]
    selection_window_days = 7
  }

  tags = var.tags
}

resource "aws_backup_restore_testing_selection" "this" {
  count = var.settings.restore_testing ? 1 : 0

  name                      = replace("${var.name}_efs", "-", "_")
  restore_testing_plan_name = aws_backup_restore_testing_plan.this[0].name
  protected_resource_type   = "EFS"
  protected_resource_arns   = [var.file_system_arn]
  iam_role_arn              = var.restore_role_arn
  validation_window_hours   = var.settings.restore_testing_window

  restore_metadata_overrides = {
    Encrypted = "true"
    KmsKeyId  = var.kms_key_arn
  }
}
