# EventBridge rules that drive the orchestrator: backup and restore job state changes, task
# stops, and the reconcile tick (events are hints; the tick is the safety net).

locals {
  rules = {
    backup-job = {
      # Not filtered on resourceArn: only COMPLETED is sure to carry it; the orchestrator
      # ignores file systems it is not configured for (EBV_FILE_SYSTEMS).
      description = "AWS Backup job state changes of EFS file systems (terminal states)"
      pattern = {
        source        = ["aws.backup"]
        "detail-type" = ["Backup Job State Change"]
        detail = {
          resourceType = ["EFS"]
          state        = ["COMPLETED", "FAILED", "ABORTED", "EXPIRED", "PARTIAL"]
        }
      }
      schedule = null
      input    = null
    }
    restore-job = {
      description = "AWS Backup restore job state changes of EFS (matched to runs by restoreJobId)"
      pattern = {
        source        = ["aws.backup"]
        "detail-type" = ["Restore Job State Change"]
        detail = {
          resourceType = ["EFS"]
        }
      }
      schedule = null
      input    = null
    }
    task-stopped = {
      description = "Worker tasks the orchestrator started, once stopped"
      pattern = {
        source        = ["aws.ecs"]
        "detail-type" = ["ECS Task State Change"]
        detail = {
          clusterArn = [var.cluster_arn]
          lastStatus = ["STOPPED"]
          startedBy  = [var.started_by]
        }
      }
      schedule = null
      input    = null
    }
    reconcile = {
      description = "Reconcile tick: re-drives open runs and sweeps expired resources"
      pattern     = null
      schedule    = var.reconcile_schedule
      input       = jsonencode({ action = "reconcile" })
    }
  }
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.rules

  name                = "${var.name}-${each.key}"
  description         = each.value.description
  event_pattern       = each.value.pattern == null ? null : jsonencode(each.value.pattern)
  schedule_expression = each.value.schedule
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.rules

  rule  = aws_cloudwatch_event_rule.this[each.key].name
  arn   = var.function_arn
  input = each.value.input

  retry_policy {
    maximum_retry_attempts       = 10
    maximum_event_age_in_seconds = 3600
  }
}

resource "aws_lambda_permission" "this" {
  for_each = local.rules

  statement_id  = "${var.name}-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this[each.key].arn
}

# The baseline manifest, just before the backup window: the orchestrator plans it from the
# previous baseline, starts its shard tasks and writes the set index once all are in (a
# baseline counts only once complete). The schedule's time names the run, so a retried
# delivery is the same baseline.
resource "aws_scheduler_schedule" "baseline" {
  name                         = "${var.name}-baseline"
  schedule_expression          = var.baseline_schedule.expression
  schedule_expression_timezone = var.baseline_schedule.timezone
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.function_arn
    role_arn = var.scheduler_role_arn
    input = jsonencode({
      action        = "baseline"
      fileSystemId  = var.file_system_id
      scheduledTime = "<aws.scheduler.scheduled-time>"
    })

    retry_policy {
      maximum_retry_attempts       = 3
      maximum_event_age_in_seconds = 3600
    }
  }
}
