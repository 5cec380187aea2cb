variable "region" {
  description = "AWS Region of the file system."
  type        = string
  default     = "eu-west-1"
}

variable "file_system_id" {
  description = "The production EFS file system to back up and verify."
  type        = string
  default     = "fs-0123456789abcdef0"
}

variable "vpc_id" {
  description = "VPC of the file system."
  type        = string
  default     = "vpc-0123456789abcdef0"
}

variable "subnet_ids" {
  description = "Private subnets, one per Availability Zone."
  type        = list(string)
  default     = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}

variable "production_mount_target_security_group_id" {
  description = "Security group of the file system's mount targets."
  type        = string
  default     = "sg-0123456789abcdef0"
}

variable "worker_image" {
  description = "The pushed manifest-worker image (scripts/build-images prints it)."
  type        = string
  default     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/efs-backup-verifier/worker:0.1.0"
}

variable "orchestrator_package" {
  description = "Path of bootstrap.zip."
  type        = string
  default     = "../../../dist/bootstrap.zip"
}

variable "backup_vault_kms_key_arns" {
  description = "Customer-managed KMS keys of the vaults holding the file system's recovery points (empty for AWS-managed keys)."
  type        = list(string)
  default     = []
}

variable "notification_emails" {
  description = "Who gets the summaries and alarms."
  type        = list(string)
  default     = ["backup-team@example.com"]
}
