output "execution_role_arn" {
  description = "Worker task execution role (image pull, logs)."
  value       = aws_iam_role.execution.arn
}

output "worker_role_arn" {
  description = "Worker task role (S3 manifests; EFS ClientMount + ClientRootAccess, no ClientWrite)."
  value       = aws_iam_role.worker.arn
}

output "orchestrator_role_arn" {
  description = "Orchestrator Lambda role."
  value       = aws_iam_role.orchestrator.arn
}

output "restore_role_arn" {
  description = "Role AWS Backup assumes for the verification restores."
  value       = aws_iam_role.restore.arn
}

output "scheduler_role_arn" {
  description = "Role EventBridge Scheduler uses to invoke the orchestrator for a baseline."
  value       = aws_iam_role.scheduler.arn
}
