variable "name" {
  description = "Name prefix of the roles."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the verifier bucket."
  type        = string
}

variable "manifest_prefix" {
  description = "Key prefix of manifests (ends with /)."
  type        = string
}

variable "runs_prefix" {
  description = "Key prefix of run documents and reports (ends with /)."
  type        = string
}

variable "kms_key_arn" {
  description = "The customer-managed key of the bucket, topic, queue, logs and restored file systems."
  type        = string
}

variable "topic_arn" {
  description = "SNS topic the orchestrator publishes to."
  type        = string
}

variable "file_system_arn" {
  description = "ARN of the production file system (mounted read-only; never written, tagged or deleted)."
  type        = string
}

variable "access_point_arn" {
  description = "ARN of the production access point the worker mounts through."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the worker ECS cluster."
  type        = string
}

variable "worker_family" {
  description = "Task-definition family of the worker."
  type        = string
}

variable "restored_family" {
  description = "Task-definition family of the per-run restored revisions."
  type        = string
}

variable "worker_image" {
  description = "Worker image reference; an ECR image scopes the execution role's pull permissions to its repository."
  type        = string
}

variable "worker_log_group_arn" {
  description = "ARN of the worker's CloudWatch log group."
  type        = string
}

variable "function_name" {
  description = "Name of the orchestrator Lambda (its log group is /aws/lambda/<name>)."
  type        = string
}

variable "dead_letter_queue_arn" {
  description = "ARN of the orchestrator's on-failure destination queue."
  type        = string
}

variable "vault_kms_key_arns" {
  description = "KMS keys of the backup vaults whose recovery points are restored (when not the module's own key)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for k in var.vault_kms_key_arns : can(regex("^arn:[a-z-]+:kms:", k))])
    error_message = "vault_kms_key_arns must be KMS key ARNs."
  }
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}
