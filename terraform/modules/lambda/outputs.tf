output "function_arn" {
  description = "ARN of the orchestrator function."
  value       = aws_lambda_function.this.arn
}

output "function_name" {
  description = "Name of the orchestrator function."
  value       = aws_lambda_function.this.function_name
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "dead_letter_queue_arn" {
  description = "ARN of the on-failure destination queue."
  value       = aws_sqs_queue.on_failure.arn
}

output "dead_letter_queue_name" {
  description = "Name of the on-failure destination queue."
  value       = aws_sqs_queue.on_failure.name
}
