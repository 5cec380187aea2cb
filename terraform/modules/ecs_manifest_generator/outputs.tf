output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ECS cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "task_family" {
  description = "Worker task-definition family."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "Current worker task-definition revision."
  value       = aws_ecs_task_definition.this.arn
}

output "access_point_arn" {
  description = "The production access point (POSIX user 0:0, root /)."
  value       = aws_efs_access_point.this.arn
}

output "log_group_arn" {
  description = "ARN of the worker's log group."
  value       = aws_cloudwatch_log_group.this.arn
}
