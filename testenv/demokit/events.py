"""EventBridge events as AWS sends them to the orchestrator, built from the state the
services report (DescribeBackupJob, DescribeRestoreJob, DescribeTasks)."""

from __future__ import annotations

import datetime as _dt
import uuid

ACCOUNT = "123456789012"


def rfc3339(value) -> str:
    """A boto3 datetime (or epoch seconds) as EventBridge writes times: UTC, milliseconds."""
    if isinstance(value, (int, float)):
        value = _dt.datetime.fromtimestamp(value, _dt.timezone.utc)
    value = value.astimezone(_dt.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _envelope(source: str, detail_type: str, region: str, resources: list, detail: dict) -> dict:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": detail_type, "source": source,
            "account": ACCOUNT, "time": rfc3339(_dt.datetime.now(_dt.timezone.utc)), "region": region,
            "resources": resources, "detail": detail}


def backup_job_state_change(job: dict, region: str) -> dict:
    """From DescribeBackupJob's output."""
    detail = {
        "backupJobId": job["BackupJobId"],
        "backupSizeInBytes": str(job.get("BackupSizeInBytes", 0)),
        "backupVaultArn": job["BackupVaultArn"],
        "backupVaultName": job["BackupVaultName"],
        "bytesTransferred": str(job.get("BackupSizeInBytes", 0)),
        "creationDate": rfc3339(job["CreationDate"]),
        "iamRoleArn": job["IamRoleArn"],
        "resourceArn": job["ResourceArn"],
        "resourceType": job["ResourceType"],
        "state": job["State"],
        "completionDate": rfc3339(job["CompletionDate"]),
        "percentDone": 100,
    }
    return _envelope("aws.backup", "Backup Job State Change", region, [job["RecoveryPointArn"]], detail)


def restore_job_state_change(job: dict, region: str) -> dict:
    """From DescribeRestoreJob's output."""
    detail = {
        "restoreJobId": job["RestoreJobId"],
        "recoveryPointArn": job["RecoveryPointArn"],
        "backupSizeInBytes": str(job.get("BackupSizeInBytes", 0)),
        "creationDate": rfc3339(job["CreationDate"]),
        "iamRoleArn": job["IamRoleArn"],
        "percentDone": 100,
        "resourceType": job["ResourceType"],
        "status": job["Status"],
    }
    if "SourceResourceArn" in job:
        detail["sourceResourceArn"] = job["SourceResourceArn"]
    if "CreatedResourceArn" in job:
        detail["createdResourceArn"] = job["CreatedResourceArn"]
    if "CompletionDate" in job:
        detail["completionDate"] = rfc3339(job["CompletionDate"])
    if job.get("StatusMessage"):
        detail["statusMessage"] = job["StatusMessage"]
    return _envelope("aws.backup", "Restore Job State Change", region, [job["RecoveryPointArn"]], detail)


def task_state_change(task: dict, region: str) -> dict:
    """From DescribeTasks' output for one task."""
    containers = [{"containerArn": c.get("containerArn", ""), "name": c["name"], "lastStatus": c.get("lastStatus", "STOPPED"),
                   "taskArn": task["taskArn"], **({"exitCode": c["exitCode"]} if c.get("exitCode") is not None else {}),
                   **({"reason": c["reason"]} if c.get("reason") else {})}
                  for c in task.get("containers", [])]
    detail = {
        "clusterArn": task["clusterArn"],
        "containers": containers,
        "desiredStatus": task.get("desiredStatus", "STOPPED"),
        "group": task.get("group"),
        "launchType": task.get("launchType", "FARGATE"),
        "lastStatus": task["lastStatus"],
        "startedBy": task.get("startedBy"),
        "stopCode": task.get("stopCode", "EssentialContainerExited"),
        "stoppedReason": task.get("stoppedReason", "Essential container in task exited"),
        "taskArn": task["taskArn"],
        "taskDefinitionArn": task["taskDefinitionArn"],
        "version": task.get("version", 1),
    }
    for key in ("createdAt", "startedAt", "stoppedAt"):
        if task.get(key):
            detail[key] = rfc3339(task[key])
    detail = {k: v for k, v in detail.items() if v is not None}
    return _envelope("aws.ecs", "ECS Task State Change", region, [task["taskArn"]], detail)
