"""The AWS side of the demo as Terraform would leave it: the bucket, the SNS topic, the
ECS cluster, the production EFS file system, the default network, the worker's task
definition (production, read-only), and the orchestrator's configuration."""

from __future__ import annotations

import dataclasses

from .events import ACCOUNT

BUCKET = "ebv-demo"
TOPIC = "ebv-demo-verdicts"
CLUSTER = "ebv-demo"
WORKER_FAMILY = "ebv-manifest-worker"
RESTORED_FAMILY = WORKER_FAMILY + "-restored"
CONTAINER = "manifest-worker"
MOUNT_PATH = "/mnt/efs"
PRODUCTION_TAGS = {"Name": "production"}


@dataclasses.dataclass
class World:
    fs: str
    fs_arn: str
    topic_arn: str
    subnets: list
    security_group: str
    region: str

    def orchestrator_environment(self) -> dict:
        """The orchestrator's EBV_* variables (docs/orchestrator.md); polls kept short."""
        return {
            "EBV_BUCKET": BUCKET, "EBV_TOPIC_ARN": self.topic_arn, "EBV_CLUSTER": CLUSTER,
            "EBV_WORKER_TASK_FAMILY": WORKER_FAMILY, "EBV_WORKER_CONTAINER": CONTAINER,
            "EBV_WORKER_VOLUME": "efs", "EBV_WORKER_MOUNT_PATH": MOUNT_PATH,
            "EBV_SUBNETS": ",".join(self.subnets), "EBV_SECURITY_GROUPS": self.security_group,
            "EBV_FILE_SYSTEMS": self.fs, "EBV_KMS_KEY_ID": f"arn:aws:kms:{self.region}:{ACCOUNT}:key/demo-key",
            "EBV_RESTORE_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/ebv-restore",
            "EBV_MOUNT_TARGET_POLL_SECONDS": "1", "EBV_INVOCATION_MARGIN_SECONDS": "5",
            "EBV_SIDE_EFFECT_RETRY_SECONDS": "1",
        }


def create(harness) -> World:
    """Creates the fixtures in the harness; ECS tasks are held RUNNING until stopped."""
    harness.control("POST", "/_harness/s3/buckets", {"name": BUCKET})
    topic_arn = harness.control("POST", "/_harness/sns/topics", {"name": TOPIC})["topicArn"]
    harness.control("POST", "/_harness/ecs/clusters", {"name": CLUSTER})
    harness.hold_ecs_tasks()
    created = harness.control("POST", "/_harness/efs/file-systems",
                              {"creationToken": "demo-production", "tags": PRODUCTION_TAGS})
    network = harness.control("GET", "/_harness/ec2/default-network")
    world = World(created["fileSystemId"], created["fileSystemArn"], topic_arn, network["subnetIds"][:2],
                  network["securityGroupId"], harness.region)
    harness.client("ecs").register_task_definition(
        family=WORKER_FAMILY, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="1024", memory="2048",
        taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ebv-worker", executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ebv-exec",
        containerDefinitions=[{"name": CONTAINER, "image": "ebv/manifest-worker:demo", "essential": True, "memory": 2048,
                               "environment": [{"name": "EBV_CONCURRENCY", "value": "8"}],
                               "mountPoints": [{"sourceVolume": "efs", "containerPath": MOUNT_PATH, "readOnly": True}]}],
        volumes=[{"name": "efs", "efsVolumeConfiguration": {
            "fileSystemId": world.fs, "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED"}}}])
    return world
