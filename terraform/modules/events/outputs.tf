output "rule_arns" {
  description = "ARNs of the rules, by purpose (backup-job, restore-job, task-stopped, reconcile)."
  value       = { for k, r in aws_cloudwatch_event_rule.this : k => r.arn }
}
