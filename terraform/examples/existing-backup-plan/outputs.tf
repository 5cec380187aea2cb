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
