# The worker on ECS Fargate: cluster, log group, the access point and task definition that
# mount production read-only. (The scheduled baseline is started by the orchestrator: module events.)

data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  fargate_memory = {
    "256"   = [512, 1024, 2048]
    "512"   = [for m in range(1024, 4097, 1024) : m]
    "1024"  = [for m in range(2048, 8193, 1024) : m]
    "2048"  = [for m in range(4096, 16385, 1024) : m]
    "4096"  = [for m in range(8192, 30721, 1024) : m]
    "8192"  = [for m in range(16384, 61441, 4096) : m]
    "16384" = [for m in range(32768, 122881, 8192) : m]
  }
  cpu_architecture = var.architecture == "arm64" ? "ARM64" : "X86_64"
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.family}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# Production through an access point whose POSIX user is 0:0: the worker reads every file
# (root-owned included) without root in the container; the mount is read-only and the task
# role has no ClientWrite.
resource "aws_efs_access_point" "this" {
  #checkov:skip=CKV_AWS_329:The worker verifies the whole file system, so the access point's root is "/"; the mount is read-only and the task role has no ClientWrite.
  file_system_id = var.file_system_id

  posix_user {
    uid = 0
    gid = 0
  }

  root_directory {
    path = "/"
  }

  tags = merge(var.tags, { Name = "${var.name}-read-only" })
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = local.cpu_architecture
  }

  volume {
    name = var.volume_name

    efs_volume_configuration {
      file_system_id     = var.file_system_id
      transit_encryption = "ENABLED"

      authorization_config {
        access_point_id = aws_efs_access_point.this.id
        iam             = "ENABLED"
      }
    }
  }

  # The worker's settings: manifest-worker --list-settings (scripts/check-iac checks that
  # every name here is one). The orchestrator adds the per-run ones as overrides.
  container_definitions = jsonencode([
    {
      name                   = var.container_name
      image                  = var.image
      essential              = true
      readonlyRootFilesystem = true
      command                = ["--help"]
      environment = [
        { name = "EBV_CONCURRENCY", value = tostring(var.concurrency) },
        # stderr (CloudWatch Logs) as one JSON object per line, with a progress record
        # every minute of a walk and one at its end (or on SIGTERM: where it was).
        { name = "EBV_LOG_FORMAT", value = "json" },
        { name = "EBV_PROGRESS_INTERVAL", value = "60" },
      ]
      mountPoints = [
        { sourceVolume = var.volume_name, containerPath = var.mount_path, readOnly = true },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = aws_cloudwatch_log_group.this.name
          "awslogs-region"        = data.aws_region.current.region
          "awslogs-stream-prefix" = "worker"
        }
      }
    },
  ])

  tags = var.tags

  lifecycle {
    precondition {
      condition     = contains(lookup(local.fargate_memory, tostring(var.cpu), []), var.memory)
      error_message = "cpu and memory must be a Fargate pair."
    }
  }
}
