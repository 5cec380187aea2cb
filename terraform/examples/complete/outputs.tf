output "topic_arn" {
  description = "Subscribe here (email subscriptions need confirming)."
  value       = module.efs_backup_verifier.topic_arn
}

output "function_name" {
  description = "The orchestrator, for an on-demand verify."
  value       = module.efs_backup_verifier.function_name
}

output "bucket" {
  description = "Where manifests and reports land."
  value       = module.efs_backup_verifier.bucket
}

output "dashboard_name" {
  description = "The CloudWatch dashboard."
  value       = module.efs_backup_verifier.dashboard_name
}

output "backup_plan_id" {
  description = "The backup plan created here."
  value       = module.efs_backup_verifier.backup_plan_id
}
