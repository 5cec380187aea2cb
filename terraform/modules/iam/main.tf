# The roles: worker task execution, worker task, orchestrator, AWS Backup restore, and the
# baseline schedule. Every action the orchestrator and the worker are granted is one their
# code calls (scripts/check-iac derives those from Sources/ and compares), plus the
# documented extras in scripts/iac/iam_extras.json.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  run_tag          = "efs-backup-verifier:run"
  restore_test_tag = "awsbackup-restore-test"
  file_systems     = "arn:${local.partition}:elasticfilesystem:${local.region}:${local.account_id}:file-system/*"
  access_points    = "arn:${local.partition}:elasticfilesystem:${local.region}:${local.account_id}:access-point/*"
  # RunTask names the worker by family alone (the latest revision) or by revision.
  worker_task_definitions = [
    "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.worker_family}",
    "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.worker_family}:*",
  ]
  task_definitions = concat(local.worker_task_definitions, [
    "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.restored_family}",
    "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.restored_family}:*",
  ])
  cluster_tasks         = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${element(split("/", var.cluster_arn), 1)}/*"
  function_arn          = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${var.function_name}"
  function_logs         = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${var.function_name}:*"
  recovery_point        = "arn:${local.partition}:backup:${local.region}:${local.account_id}:recovery-point:*"
  restore_jobs          = "arn:${local.partition}:backup:${local.region}:${local.account_id}:restore-job:*"
  restore_testing_plans = "arn:${local.partition}:backup:${local.region}:${local.account_id}:restore-testing-plan:*"

  # An ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>) scopes pulls to its repository.
  ecr_match      = try(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com[^/]*/([^:@]+)", var.worker_image), null)
  ecr_repository = local.ecr_match == null ? null : "arn:${local.partition}:ecr:${local.ecr_match[1]}:${local.ecr_match[0]}:repository/${local.ecr_match[2]}"
}

# --- trust ------------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

# aws:SourceAccount only: AWS documents no aws:SourceArn in the context of Lambda assuming an
# execution role, and a condition on a key that is absent would lock the function out.
data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "backup_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule-group/default"]
    }
  }
}

# --- worker task execution role (pulls the image, writes logs) ---------------------------

resource "aws_iam_role" "execution" {
  name               = "${var.name}-task-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "EcrToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
    # These actions have no resource-level permissions: "*" is bounded to this region
    # (sentinel/iam-no-wildcards: no "*" resource without a condition).
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [coalesce(local.ecr_repository, "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/*")]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.worker_log_group_arn}:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-and-log"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# --- worker task role --------------------------------------------------------------------

resource "aws_iam_role" "worker" {
  name               = "${var.name}-worker"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "worker" {
  # Manifests, shard parts and each part's ends (<part>.ends.ndjson, read by the
  # orchestrator instead of the part) all live under these prefixes.
  statement {
    sid     = "ManifestObjects"
    actions = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    resources = [
      "${var.bucket_arn}/${var.manifest_prefix}*",
      "${var.bucket_arn}/${var.runs_prefix}*",
    ]
  }

  # A retried CreateMultipartUpload lists the key's open uploads to abort one a lost
  # answer left behind (docs/cli.md, "Retries").
  statement {
    sid       = "FindLostUploads"
    actions   = ["s3:ListBucketMultipartUploads"]
    resources = [var.bucket_arn]
  }

  # Before it walks, the worker checks the bucket of its s3:// output with HeadBucket,
  # which S3 authorises with s3:ListBucket on the bucket: a wrong bucket or a missing
  # permission fails at once, not hours later at the upload (docs/cli.md, "S3").
  statement {
    sid       = "CheckOutputBucket"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
  }

  statement {
    sid       = "BucketKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  # Read-only on production: ClientMount and ClientRootAccess, never ClientWrite, only
  # through the access point terraform made.
  statement {
    sid       = "MountProductionReadOnly"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"]
    resources = [var.file_system_arn]
    condition {
      test     = "StringEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [var.access_point_arn]
    }
  }

  # The restored copies: file systems carrying a run tag, or AWS Backup's restore-testing tag.
  statement {
    sid       = "MountRestoredReadOnly"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"]
    resources = [local.file_systems]
    condition {
      test     = "Null"
      variable = "aws:ResourceTag/${local.run_tag}"
      values   = ["false"]
    }
  }

  statement {
    sid       = "MountRestoreTestingReadOnly"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"]
    resources = [local.file_systems]
    condition {
      test     = "Null"
      variable = "aws:ResourceTag/${local.restore_test_tag}"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role_policy" "worker" {
  name   = "manifests"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}

# --- orchestrator role -------------------------------------------------------------------

resource "aws_iam_role" "orchestrator" {
  name               = "${var.name}-orchestrator"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "orchestrator" {
  #checkov:skip=CKV_AWS_111:Resource "*" only where the API has no resource-level permission (ecs:DescribeTaskDefinition/ListTaskDefinitions/DeregisterTaskDefinition, backup:Describe*/PutRestoreValidationResult/ListRestoreJobs, elasticfilesystem:Describe*, ec2 network interfaces) or where a tag condition bounds it (ecs:RegisterTaskDefinition with aws:RequestTag).
  #checkov:skip=CKV_AWS_356:As above: "*" only for actions without resource-level permissions or bounded by a tag or cluster condition.
  statement {
    sid     = "RunsManifestsReports"
    actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = [
      "${var.bucket_arn}/${var.manifest_prefix}*",
      "${var.bucket_arn}/${var.runs_prefix}*",
    ]
  }

  # A retried CreateMultipartUpload lists the key's open uploads to abort one a lost
  # answer left behind (docs/cli.md, "Retries").
  statement {
    sid       = "FindLostUploads"
    actions   = ["s3:ListBucketMultipartUploads"]
    resources = [var.bucket_arn]
  }

  # Unconditional on purpose. The orchestrator lists runs and manifests, and it reads
  # objects that may not exist yet (a run document, the plan, a part's ends, the
  # full-baseline marker), where it takes 404 NoSuchKey for "absent". S3 answers a GetObject
  # of a missing key with 404 only when the caller holds s3:ListBucket on the bucket, and
  # 403 AccessDenied otherwise (GetObject API reference, "Permissions"). A grant
  # conditioned on s3:prefix does not count for that check, because a GetObject request
  # carries no s3:prefix. Every absent object would then read as "denied" and fail the run.
  statement {
    sid       = "ListRunsAndManifests"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
  }

  statement {
    sid       = "Key"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "Publish"
    actions   = ["sns:Publish"]
    resources = [var.topic_arn]
  }

  statement {
    sid       = "BackupJobs"
    actions   = ["backup:DescribeBackupJob", "backup:DescribeRestoreJob", "backup:PutRestoreValidationResult"]
    resources = ["*"]
    # These actions have no resource-level permissions: "*" is bounded to this region
    # (sentinel/iam-no-wildcards: no "*" resource without a condition).
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid       = "Restore"
    actions   = ["backup:StartRestoreJob"]
    resources = [local.recovery_point]
  }

  # The recovery point's CompletionDate closes the diff's window on restore-testing and
  # verify runs (only DescribeRecoveryPoint returns it).
  statement {
    sid       = "DescribeRecoveryPoint"
    actions   = ["backup:DescribeRecoveryPoint"]
    resources = [local.recovery_point]
  }

  # StartRestoreJob answering a repeat of our token without a job id: the job is found by
  # listing (no resource-level permission).
  statement {
    sid       = "FindRestoreJob"
    actions   = ["backup:ListRestoreJobs"]
    resources = ["*"]
    # No resource-level permissions: "*" is bounded to this region
    # (sentinel/iam-no-wildcards: no "*" resource without a condition).
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # The validation window of a restore-testing run, as the plan's selections set it.
  statement {
    sid       = "RestoreTestingSelections"
    actions   = ["backup:ListRestoreTestingSelections"]
    resources = [local.restore_testing_plans]
  }

  statement {
    sid       = "RecoveryPoints"
    actions   = ["backup:ListRecoveryPointsByResource"]
    resources = [var.file_system_arn]
  }

  statement {
    sid       = "DescribeFileSystems"
    actions   = ["elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeAccessPoints"]
    resources = ["*"]
    # These actions have no resource-level permissions: "*" is bounded to this region
    # (sentinel/iam-no-wildcards: no "*" resource without a condition).
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # Tagging the restored file system and tagged creation of access points: only with our run tag.
  statement {
    sid       = "TagWithRunTag"
    actions   = ["elasticfilesystem:TagResource", "elasticfilesystem:CreateAccessPoint"]
    resources = [local.file_systems, local.access_points]
    condition {
      test     = "Null"
      variable = "aws:RequestTag/${local.run_tag}"
      values   = ["false"]
    }
  }

  # Mount targets, access points and deletion: only on resources carrying our run tag ...
  statement {
    sid       = "ChangeRunTagged"
    actions   = ["elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:DeleteAccessPoint", "elasticfilesystem:DeleteFileSystem"]
    resources = [local.file_systems, local.access_points]
    condition {
      test     = "Null"
      variable = "aws:ResourceTag/${local.run_tag}"
      values   = ["false"]
    }
  }

  # ... or, for mount targets, on AWS Backup's restore-testing copies (never deleted by us).
  statement {
    sid       = "MountRestoreTesting"
    actions   = ["elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget"]
    resources = [local.file_systems]
    condition {
      test     = "Null"
      variable = "aws:ResourceTag/${local.restore_test_tag}"
      values   = ["false"]
    }
  }

  # Production is never changed, whatever its tags say.
  statement {
    sid       = "NeverChangeProduction"
    effect    = "Deny"
    actions   = ["elasticfilesystem:TagResource", "elasticfilesystem:CreateMountTarget", "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:CreateAccessPoint", "elasticfilesystem:DeleteAccessPoint", "elasticfilesystem:DeleteFileSystem", "elasticfilesystem:ClientWrite"]
    resources = [var.file_system_arn]
  }

  statement {
    sid       = "MountTargetNetworkInterfaces"
    actions   = ["ec2:DescribeSubnets", "ec2:DescribeNetworkInterfaces", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
    resources = ["*"]
    # These actions have no resource-level permissions: "*" is bounded to this region
    # (sentinel/iam-no-wildcards: no "*" resource without a condition).
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid       = "TaskDefinitionsRead"
    actions   = ["ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions"]
    resources = ["*"]
    # These actions have no resource-level permissions: "*" is bounded to this region
    # (sentinel/iam-no-wildcards: no "*" resource without a condition).
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid       = "RegisterRestoredRevision"
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = ["*"]
    condition {
      test     = "Null"
      variable = "aws:RequestTag/${local.run_tag}"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DeregisterRevision"
    actions   = ["ecs:DeregisterTaskDefinition"]
    resources = ["*"]
    # These actions have no resource-level permissions: "*" is bounded to this region
    # (sentinel/iam-no-wildcards: no "*" resource without a condition).
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # Only the per-run revisions (deregistered first) are deleted.
  statement {
    sid       = "DeleteRestoredRevision"
    actions   = ["ecs:DeleteTaskDefinitions"]
    resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.restored_family}:*"]
  }

  statement {
    sid       = "RunWorker"
    actions   = ["ecs:RunTask"]
    resources = local.task_definitions
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid       = "Tasks"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = [local.cluster_tasks]
  }

  statement {
    sid       = "ListTasks"
    actions   = ["ecs:ListTasks"]
    resources = ["*"]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid       = "TagOnCreate"
    actions   = ["ecs:TagResource"]
    resources = concat(local.task_definitions, [local.cluster_tasks])
    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask", "RegisterTaskDefinition"]
    }
  }

  statement {
    sid       = "PassWorkerRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.worker.arn, aws_iam_role.execution.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "PassRestoreRole"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.restore.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["backup.amazonaws.com"]
    }
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.function_logs]
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
    # These actions have no resource-level permissions: "*" is bounded to this region
    # (sentinel/iam-no-wildcards: no "*" resource without a condition).
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [var.dead_letter_queue_arn]
  }
}

resource "aws_iam_role_policy" "orchestrator" {
  name   = "orchestrate"
  role   = aws_iam_role.orchestrator.id
  policy = data.aws_iam_policy_document.orchestrator.json
}

# --- the role AWS Backup assumes to restore into a new, encrypted file system -------------

resource "aws_iam_role" "restore" {
  name               = "${var.name}-restore"
  assume_role_policy = data.aws_iam_policy_document.backup_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "restore" {
  statement {
    sid       = "RestoreIntoNewFileSystem"
    actions   = ["elasticfilesystem:Restore", "elasticfilesystem:CreateFilesystem", "elasticfilesystem:DescribeFilesystems"]
    resources = [local.file_systems]
  }

  # Restore testing: AWS Backup tags its restored copy and deletes it when the validation
  # window closes, with this role; only copies carrying its restore-testing tag.
  statement {
    sid       = "TagRestoreTestingCopy"
    actions   = ["elasticfilesystem:TagResource"]
    resources = [local.file_systems]
    condition {
      test     = "Null"
      variable = "aws:RequestTag/${local.restore_test_tag}"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DeleteRestoreTestingCopy"
    actions   = ["elasticfilesystem:DeleteFilesystem"]
    resources = [local.file_systems]
    condition {
      test     = "Null"
      variable = "aws:ResourceTag/${local.restore_test_tag}"
      values   = ["false"]
    }
  }

  statement {
    sid       = "EncryptRestored"
    actions   = ["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = concat([var.kms_key_arn], var.vault_kms_key_arns)
  }

  statement {
    sid       = "GrantForEFS"
    actions   = ["kms:CreateGrant"]
    resources = concat([var.kms_key_arn], var.vault_kms_key_arns)
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role_policy" "restore" {
  name   = "restore-efs"
  role   = aws_iam_role.restore.id
  policy = data.aws_iam_policy_document.restore.json
}

# --- the role EventBridge Scheduler uses to ask the orchestrator for a baseline ------------------------

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-baseline-schedule"
  assume_role_policy = data.aws_iam_policy_document.scheduler_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  # The baseline schedule invokes the orchestrator ({"action":"baseline"}); the
  # orchestrator starts the worker tasks with its own role.
  statement {
    sid       = "InvokeOrchestrator"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.function_arn, "${local.function_arn}:*"]
  }

  statement {
    sid       = "ScheduleKey"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-baseline"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}
