# The topic (summaries and alarms), its subscriptions, the alarms and the dashboard.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "AccountPublishes"
    actions   = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "AlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:alarm:${var.name}-*"]
    }
  }
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

# Error log lines of the orchestrator (a side effect that keeps failing, a safety refusal,
# a failed reconcile) become a metric.
resource "aws_cloudwatch_log_metric_filter" "errors" {
  name           = "${var.name}-error-lines"
  log_group_name = var.log_group_name
  pattern        = "{ $.level = \"error\" }"

  metric_transformation {
    name          = "ErrorLogLines"
    namespace     = var.metrics_namespace
    value         = "1"
    default_value = "0"
  }
}

locals {
  alarm_actions = [aws_sns_topic.this.arn]

  alarms = merge(
    {
      orchestrator-errors = {
        description = "The orchestrator Lambda returned errors."
        namespace   = "AWS/Lambda"
        metric      = "Errors"
        dimensions  = { FunctionName = var.function_name }
        statistic   = "Sum"
        period      = 300
        periods     = 1
        comparison  = "GreaterThanThreshold"
        threshold   = 0
        missing     = "notBreaching"
      }
      failed-invocations = {
        description = "Invocations that failed every retry wait in the on-failure queue."
        namespace   = "AWS/SQS"
        metric      = "ApproximateNumberOfMessagesVisible"
        dimensions  = { QueueName = var.dead_letter_queue_name }
        statistic   = "Maximum"
        period      = 300
        periods     = 1
        comparison  = "GreaterThanThreshold"
        threshold   = 0
        missing     = "notBreaching"
      }
      error-log-lines = {
        description = "The orchestrator logged errors (side effects failing, safety refusals, failed reconciles)."
        namespace   = var.metrics_namespace
        metric      = "ErrorLogLines"
        dimensions  = {}
        statistic   = "Sum"
        period      = 900
        periods     = 1
        comparison  = "GreaterThanThreshold"
        threshold   = 0
        missing     = "notBreaching"
      }
    },
    merge([for fs in var.file_system_ids : {
      "failed-run-${fs}" = {
        description = "A verification run of ${fs} did not pass."
        namespace   = var.metrics_namespace
        metric      = "RunPassed"
        dimensions  = { FileSystemId = fs }
        statistic   = "Minimum"
        period      = 3600
        periods     = 1
        comparison  = "LessThanThreshold"
        threshold   = 1
        missing     = "notBreaching"
      }
      "error-findings-${fs}" = {
        description = "A run of ${fs} found differences of error severity."
        namespace   = var.metrics_namespace
        metric      = "FindingsError"
        dimensions  = { FileSystemId = fs }
        statistic   = "Sum"
        period      = 3600
        periods     = 1
        comparison  = "GreaterThanThreshold"
        threshold   = 0
        missing     = "notBreaching"
      }
      "no-verified-backup-${fs}" = {
        description = "No run of ${fs} passed in ${var.no_verified_backup_hours} hours."
        namespace   = var.metrics_namespace
        metric      = "RunPassed"
        dimensions  = { FileSystemId = fs }
        statistic   = "Maximum"
        period      = 3600
        periods     = var.no_verified_backup_hours
        comparison  = "LessThanThreshold"
        threshold   = 1
        missing     = "breaching"
      }
    }]...),
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.periods
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

locals {
  region = data.aws_region.current.region
  ns     = var.metrics_namespace

  per_fs = [for fs in var.file_system_ids : fs]

  dashboard_widgets = [
    {
      type = "metric", x = 0, y = 0, width = 12, height = 6
      properties = {
        title   = "Runs by result"
        region  = local.region
        stat    = "Sum"
        period  = 86400
        view    = "timeSeries"
        stacked = true
        metrics = [[{ expression = "SEARCH('{${local.ns},FileSystemId,Result} MetricName=\"Runs\"', 'Sum', 86400)", id = "runs", label = "" }]]
      }
    },
    {
      type = "metric", x = 12, y = 0, width = 12, height = 6
      properties = {
        title  = "Time to verdict and restore duration (seconds)"
        region = local.region
        stat   = "Maximum"
        period = 86400
        view   = "timeSeries"
        metrics = concat(
          [for fs in local.per_fs : [local.ns, "TimeToVerdict", "FileSystemId", fs, { label = "time to verdict ${fs}" }]],
          [for fs in local.per_fs : [local.ns, "RestoreDuration", "FileSystemId", fs, { label = "restore ${fs}" }]],
        )
      }
    },
    {
      type = "metric", x = 0, y = 6, width = 12, height = 6
      properties = {
        title  = "Files and bytes verified"
        region = local.region
        stat   = "Sum"
        period = 86400
        view   = "timeSeries"
        metrics = concat(
          [for fs in local.per_fs : [local.ns, "FilesVerified", "FileSystemId", fs, { label = "files ${fs}" }]],
          [for fs in local.per_fs : [local.ns, "BytesVerified", "FileSystemId", fs, { label = "bytes ${fs}", yAxis = "right" }]],
        )
      }
    },
    {
      type = "metric", x = 12, y = 6, width = 12, height = 6
      properties = {
        title   = "Findings by severity"
        region  = local.region
        stat    = "Sum"
        period  = 86400
        view    = "timeSeries"
        stacked = true
        metrics = concat(
          [for fs in local.per_fs : [local.ns, "FindingsError", "FileSystemId", fs, { label = "error ${fs}" }]],
          [for fs in local.per_fs : [local.ns, "FindingsWarning", "FileSystemId", fs, { label = "warning ${fs}" }]],
          [for fs in local.per_fs : [local.ns, "FindingsInfo", "FileSystemId", fs, { label = "info ${fs}" }]],
        )
      }
    },
    {
      type = "alarm", x = 0, y = 12, width = 24, height = 3
      properties = {
        title  = "Alarms"
        alarms = [for a in aws_cloudwatch_metric_alarm.this : a.arn]
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
