# Security groups: worker tasks, the mount targets of restored file systems (TCP 2049 only
# from the tasks), the orchestrator Lambda, and the optional VPC endpoints.

data "aws_region" "current" {}
data "aws_vpc" "this" {
  id = var.vpc_id
}

resource "aws_security_group" "tasks" {
  #checkov:skip=CKV2_AWS_5:Attached at run time: the baseline schedule's and the orchestrator's RunTask calls pass it (EBV_SECURITY_GROUPS), which checkov cannot see.
  name        = "${var.name}-tasks"
  description = "efs-backup-verifier worker tasks: NFS to mount targets, HTTPS to AWS APIs"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-tasks" })
}

resource "aws_security_group" "mount_targets" {
  #checkov:skip=CKV2_AWS_5:Attached at run time: the orchestrator passes this group to CreateMountTarget for each restored file system (EBV_SECURITY_GROUPS).
  name        = "${var.name}-mount-targets"
  description = "efs-backup-verifier restored file systems' mount targets: NFS from the worker tasks only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-mount-targets" })
}

resource "aws_security_group" "lambda" {
  #checkov:skip=CKV2_AWS_5:Attached to the orchestrator function by modules/lambda (vpc_config), through a module variable checkov does not follow.
  name        = "${var.name}-orchestrator"
  description = "efs-backup-verifier orchestrator Lambda: HTTPS to AWS APIs"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-orchestrator" })
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs (S3, ECR, logs) through NAT or endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_nfs" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "NFS to the restored file systems' mount targets"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.mount_targets.id
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_nfs_vpc" {
  security_group_id = aws_security_group.tasks.id
  description       = "NFS to the production file system's mount targets in the VPC"
  ip_protocol       = "tcp"
  from_port         = 2049
  to_port           = 2049
  cidr_ipv4         = data.aws_vpc.this.cidr_block
  tags              = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "mount_targets_nfs" {
  security_group_id            = aws_security_group.mount_targets.id
  description                  = "NFS from the worker tasks only"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.tasks.id
  tags                         = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "production_nfs" {
  count = var.production_mount_target_security_group_id == null ? 0 : 1

  security_group_id            = var.production_mount_target_security_group_id
  description                  = "NFS from the efs-backup-verifier worker tasks (read-only mount)"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.tasks.id
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "lambda_https" {
  security_group_id = aws_security_group.lambda.id
  description       = "HTTPS to AWS APIs through NAT or endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

# --- optional VPC endpoints ----------------------------------------------------------------

resource "aws_security_group" "endpoints" {
  count = var.vpc_endpoints.enabled ? 1 : 0

  name        = "${var.name}-endpoints"
  description = "efs-backup-verifier interface endpoints: HTTPS from the tasks and the Lambda"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints" {
  for_each = var.vpc_endpoints.enabled ? { tasks = aws_security_group.tasks.id, lambda = aws_security_group.lambda.id } : {}

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from the ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value
  tags                         = var.tags
}

resource "aws_vpc_endpoint" "s3" {
  count = var.vpc_endpoints.enabled ? 1 : 0

  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.vpc_endpoints.route_table_ids
  tags              = merge(var.tags, { Name = "${var.name}-s3" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = var.vpc_endpoints.enabled ? toset(var.interface_endpoint_services) : toset([])

  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true
  tags                = merge(var.tags, { Name = "${var.name}-${each.value}" })
}
