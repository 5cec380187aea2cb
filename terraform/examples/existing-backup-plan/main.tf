# The account already backs the file system up (its own plan and vault): the verifier only
# reacts to those backups. Subnets reach AWS APIs through NAT.

provider "aws" {
  region = var.region
}

module "efs_backup_verifier" {
  source = "../.."

  file_system_id                            = var.file_system_id
  vpc_id                                    = var.vpc_id
  subnet_ids                                = var.subnet_ids
  production_mount_target_security_group_id = var.production_mount_target_security_group_id
  worker_image                              = var.worker_image
  orchestrator_package                      = var.orchestrator_package
  notification_emails                       = var.notification_emails
  backup_vault_kms_key_arns                 = var.backup_vault_kms_key_arns

  baseline_schedule = {
    expression = "cron(30 0 * * ? *)"
    timezone   = "Europe/Dublin"
  }
}
