output "rule_arns" {
  description = "ARNs of the rules, by purpose (backup-job, restore-job, task-stopped, reconcile)."
  value       = { for k, r in aws_cloudwatch_event_rule.this : k => r.arn }
}

output "baseline_schedule_arn" {
  description = "ARN of the baseline schedule (invokes the orchestrator with {\"action\":\"baseline\"})."
  value       = aws_scheduler_schedule.baseline.arn
}
