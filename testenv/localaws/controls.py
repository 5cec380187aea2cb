"""Harness controls under ``/_harness/`` on the moto endpoint (unsigned, loopback only).

| method | path | body → answer |
|---|---|---|
| GET  | /_harness/health | → ``{"ok": true}`` |
| POST | /_harness/reset | wipe moto (every service) and the Backup stand-in; the IAM user is re-created with the SAME keys → ``{"ok": true}`` |
| POST | /_harness/ecs/task-exit-code | ``{"taskArn", "exitCode", "container"?, "reason"?, "stop"?: bool, "stoppedReason"?}`` → the task's containers and status |
| POST | /_harness/backup/recovery-points | seed spec → the recovery point |
| POST | /_harness/backup/backup-jobs | seed spec → the backup job (its recovery point is seeded too) |
| POST | /_harness/backup/restore-jobs/{id}/status | ``{"status", "createFileSystem"?: bool, "restoreTestingPlanArn"?, "fields"?: {...}}`` → the restore job |
| GET  | /_harness/backup/restore-jobs | → ``{"restoreJobs": [job + {"request": StartRestoreJob input}]}`` |
| GET  | /_harness/backup/calls | → ``{"calls": [{"operation", "status", "error", "input"}]}`` |
| POST | /_harness/s3/buckets | ``{"name"}`` → ``{"name"}`` (fixtures for clients that have no create call) |
| POST | /_harness/sns/topics | ``{"name"}`` → ``{"topicArn"}`` |
| POST | /_harness/ecs/clusters | ``{"name"}`` → ``{"clusterArn"}`` |
| POST | /_harness/efs/file-systems | ``{"creationToken", "tags"?: {k: v}}`` → ``{"fileSystemId", "fileSystemArn"}`` |
| GET  | /_harness/ec2/default-network | → ``{"vpcId", "subnetIds": [...], "securityGroupId"}`` (default VPC) |
| GET  | /_harness/sns/published | → ``{"messages": [{"topicArn", "messageId", "message", "subject", "messageAttributes"}]}`` in publish order per topic; attributes in moto's stored form ``{"Type", "Value"}`` (works while an S3 multipart upload is open, unlike ``/moto-api/data.json``) |

COMPLETED creates a real EFS file system in moto (``createFileSystem`` defaults to true
unless ``fields.CreatedResourceArn`` is given) and sets ``CreatedResourceArn`` to it; with
a restore testing plan the file system is tagged ``awsbackup-restore-test``.
Errors answer ``{"error": "..."}`` with 400 (bad request) or 404 (unknown path or id).
"""

from __future__ import annotations

import json
import re

from moto.core import DEFAULT_ACCOUNT_ID

from .backup_model import BackupError
from .backup_service import BackupState

_STATUS_PATH = re.compile(r"^/_harness/backup/restore-jobs/([^/]+)/status$")


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Controls:
    """WSGI-ish handler for ``/_harness/...``; ``reset_all`` wipes every service."""

    def __init__(self, backup: BackupState, region: str, reset_all, aws_client=None):
        self.backup = backup
        self.region = region
        self.reset_all = reset_all
        # service name -> boto3 client of this very server, signed with the harness key
        self.aws_client = aws_client

    def __call__(self, environ, body: bytes, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        try:
            spec = json.loads(body) if body.strip() else {}
            if not isinstance(spec, dict):
                raise ControlError(400, "body must be a JSON object")
            status, answer = 200, self._dispatch(method, path, spec)
        except ValueError as error:
            status, answer = 400, {"error": f"body is not JSON: {error}"}
        except ControlError as error:
            status, answer = error.status, {"error": str(error)}
        except BackupError as error:
            status, answer = 400 if error.status != 404 else 404, {"error": error.message}
        except Exception as error:  # a moto error from a fixture call (e.g. a duplicate name)
            if not hasattr(error, "response"):
                raise
            status, answer = 400, {"error": str(error)}
        payload = json.dumps(answer, default=str).encode()
        start_response(f"{status} {'OK' if status == 200 else 'Error'}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def _dispatch(self, method: str, path: str, spec: dict):
        if (method, path) == ("GET", "/_harness/health"):
            return {"ok": True}
        if (method, path) == ("POST", "/_harness/reset"):
            self.reset_all()
            return {"ok": True}
        if (method, path) == ("POST", "/_harness/ecs/task-exit-code"):
            return self._task_exit_code(spec)
        if (method, path) == ("POST", "/_harness/backup/recovery-points"):
            return self.backup.seed_recovery_point(spec)
        if (method, path) == ("POST", "/_harness/backup/backup-jobs"):
            return self.backup.seed_backup_job(spec)
        if (method, path) == ("GET", "/_harness/backup/restore-jobs"):
            with self.backup.lock:
                jobs = [dict(job, request=self.backup.restore_requests.get(job_id, {}))
                        for job_id, job in self.backup.restore_jobs.items()]
            return {"restoreJobs": jobs}
        if (method, path) == ("GET", "/_harness/backup/calls"):
            with self.backup.lock:
                return {"calls": list(self.backup.calls)}
        if method == "POST" and path in _FIXTURES:
            name = spec.get("name") or spec.get("creationToken")
            if not isinstance(name, str) or not name:
                raise ControlError(400, "name (or creationToken for a file system) is required")
            return _FIXTURES[path](self.aws_client, name, spec)
        if (method, path) == ("GET", "/_harness/ec2/default-network"):
            return _default_network(self.aws_client)
        if (method, path) == ("GET", "/_harness/sns/published"):
            return self._sns_published()
        match = _STATUS_PATH.match(path)
        if match and method == "POST":
            return self._restore_status(match.group(1), spec)
        raise ControlError(404, f"no harness control {method} {path}")

    def _task_exit_code(self, spec: dict) -> dict:
        task_arn = spec.get("taskArn")
        exit_code = spec.get("exitCode")
        if not isinstance(task_arn, str) or not isinstance(exit_code, int) or isinstance(exit_code, bool):
            raise ControlError(400, "taskArn (string) and exitCode (integer) are required")
        from moto.ecs.models import ecs_backends  # imported late: it pulls in EC2 (~1-2 s)

        backend = ecs_backends[DEFAULT_ACCOUNT_ID][self.region]
        for cluster_tasks in backend.tasks.values():
            for arn, task in cluster_tasks.items():
                if task_arn not in (arn, task.task_arn):
                    continue
                containers = [c for c in task.containers if spec.get("container") in (None, c.name)]
                if not containers:
                    raise ControlError(404, f"task {task_arn} has no container {spec.get('container')}")
                for container in containers:
                    container.exitCode = exit_code
                    if "reason" in spec:
                        container.reason = spec["reason"]
                    if spec.get("stop"):
                        container.last_status = "STOPPED"
                if spec.get("stop"):
                    task.last_status = "STOPPED"
                    task.desired_status = "STOPPED"
                    task.stopped_reason = spec.get("stoppedReason", "Essential container in task exited")
                return {"taskArn": task.task_arn, "lastStatus": task.last_status,
                        "containers": [{"name": c.name, "exitCode": c.exitCode} for c in task.containers]}
        raise ControlError(404, f"no task {task_arn}")

    def _sns_published(self) -> dict:
        from moto.sns.models import sns_backends

        backend = sns_backends[DEFAULT_ACCOUNT_ID][self.region]
        messages = []
        for arn in sorted(backend.topics):
            for message_id, message, subject, attributes, _group in backend.topics[arn].sent_notifications:
                messages.append({"topicArn": arn, "messageId": message_id, "message": message,
                                 "subject": subject, "messageAttributes": attributes or {}})
        return {"messages": messages}

    def _restore_status(self, job_id: str, spec: dict) -> dict:
        status = spec.get("status")
        fields = dict(spec.get("fields") or {})
        plan = spec.get("restoreTestingPlanArn")
        if plan:
            fields["CreatedBy"] = {"RestoreTestingPlanArn": plan}
        with self.backup.lock:
            if job_id not in self.backup.restore_jobs:
                raise ControlError(404, f"no restore job {job_id}")
            if status == "COMPLETED" and spec.get("createFileSystem", "CreatedResourceArn" not in fields):
                from moto.efs.models import efs_backends  # imported late: it pulls in EC2

                tags = []
                if plan:
                    tags.append({"Key": "awsbackup-restore-test", "Value": plan})
                file_system = efs_backends[DEFAULT_ACCOUNT_ID][self.region].create_file_system(
                    creation_token=f"awsbackup-restore-{job_id}", performance_mode="generalPurpose",
                    encrypted=True, kms_key_id=None, throughput_mode="bursting",
                    provisioned_throughput_in_mibps=None, availability_zone_name=None, backup=False, tags=tags)
                fields["CreatedResourceArn"] = file_system.file_system_arn
            return self.backup.update_restore_job(job_id, status, fields)


def _create_bucket(client, name: str, spec: dict) -> dict:
    client("s3").create_bucket(Bucket=name)
    return {"name": name}


def _create_topic(client, name: str, spec: dict) -> dict:
    return {"topicArn": client("sns").create_topic(Name=name)["TopicArn"]}


def _create_cluster(client, name: str, spec: dict) -> dict:
    return {"clusterArn": client("ecs").create_cluster(clusterName=name)["cluster"]["clusterArn"]}


def _create_file_system(client, name: str, spec: dict) -> dict:
    tags = [{"Key": k, "Value": v} for k, v in sorted((spec.get("tags") or {}).items())]
    answer = client("efs").create_file_system(CreationToken=name, Encrypted=True, Tags=tags)
    return {"fileSystemId": answer["FileSystemId"], "fileSystemArn": answer["FileSystemArn"]}


def _default_network(client) -> dict:
    ec2 = client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                   {"Name": "group-name", "Values": ["default"]}])
    return {"vpcId": vpc, "subnetIds": sorted(s["SubnetId"] for s in subnets),
            "securityGroupId": groups["SecurityGroups"][0]["GroupId"]}


_FIXTURES = {
    "/_harness/s3/buckets": _create_bucket,
    "/_harness/sns/topics": _create_topic,
    "/_harness/ecs/clusters": _create_cluster,
    "/_harness/efs/file-systems": _create_file_system,
}
