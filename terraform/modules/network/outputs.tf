output "task_security_group_id" {
  description = "Security group of the worker tasks."
  value       = aws_security_group.tasks.id
}

output "mount_target_security_group_id" {
  description = "Security group of restored file systems' mount targets (TCP 2049 from the tasks only)."
  value       = aws_security_group.mount_targets.id
}

output "lambda_security_group_id" {
  description = "Security group of the orchestrator Lambda."
  value       = aws_security_group.lambda.id
}

output "vpc_endpoint_ids" {
  description = "Ids of the VPC endpoints created (empty when disabled)."
  value       = concat(aws_vpc_endpoint.s3[*].id, [for e in aws_vpc_endpoint.interface : e.id])
}
