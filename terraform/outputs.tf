output "bucket" {
  description = "S3 bucket of manifests, run documents and reports."
  value       = module.s3_bucket.bucket_id
}

output "topic_arn" {
  description = "SNS topic of run summaries and alarms (subscribe to it)."
  value       = module.notifications.topic_arn
}

output "function_name" {
  description = "The orchestrator Lambda (aws lambda invoke --function-name ... for an on-demand verify)."
  value       = module.lambda.function_name
}

output "cluster_name" {
  description = "ECS cluster of the worker tasks."
  value       = module.ecs_manifest_generator.cluster_name
}

output "worker_task_family" {
  description = "Task-definition family of the worker (mounts production read-only)."
  value       = module.ecs_manifest_generator.task_family
}

output "task_security_group_id" {
  description = "Security group of the worker tasks: the production mount targets must allow TCP 2049 from it."
  value       = module.network.task_security_group_id
}

output "kms_key_arn" {
  description = "The customer-managed KMS key of everything this module stores."
  value       = aws_kms_key.this.arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of runs, durations, volumes and findings."
  value       = module.notifications.dashboard_name
}

output "restore_role_arn" {
  description = "IAM role AWS Backup assumes for the verification restores."
  value       = module.iam.restore_role_arn
}

output "backup_plan_id" {
  description = "The backup plan created by the optional backup module (null without it)."
  value       = try(module.backup[0].plan_id, null)
}

output "orchestrator_environment" {
  description = "The orchestrator's EBV_* settings as deployed."
  value       = local.orchestrator_environment
}
