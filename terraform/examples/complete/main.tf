# Everything: the verifier, VPC endpoints for subnets without NAT, and a backup plan with a
# restore-testing plan whose results the orchestrator reports.

provider "aws" {
  region = var.region
}

module "efs_backup_verifier" {
  source = "../.."

  name                                      = "efs-backup-verifier"
  file_system_id                            = var.file_system_id
  vpc_id                                    = var.vpc_id
  subnet_ids                                = var.subnet_ids
  production_mount_target_security_group_id = var.production_mount_target_security_group_id
  worker_image                              = var.worker_image
  orchestrator_package                      = var.orchestrator_package
  architecture                              = "arm64"
  notification_emails                       = var.notification_emails

  worker = {
    cpu         = 2048
    memory      = 4096
    concurrency = 64
  }

  orchestrator = {
    severities = { metadata = "error" }
  }

  vpc_endpoints = {
    enabled         = true
    route_table_ids = var.route_table_ids
  }

  backup = {
    schedule               = "cron(0 3 * * ? *)"
    delete_after_days      = 35
    vault_lock             = true
    restore_testing        = true
    restore_testing_window = 24
  }

  tags = {
    Project = "efs-backup-verifier"
  }
}
