output "vault_arn" {
  description = "ARN of the vault."
  value       = aws_backup_vault.this.arn
}

output "plan_id" {
  description = "Id of the backup plan."
  value       = aws_backup_plan.this.id
}

output "restore_testing_plan_arn" {
  description = "ARN of the restore-testing plan (null when off)."
  value       = try(aws_backup_restore_testing_plan.this[0].arn, null)
}
