"""In-memory AWS Backup state and the eight operations the project uses.

Backup jobs and recovery points are seeded through controls; restore jobs are created by
StartRestoreJob (deduplicated on ``IdempotencyToken``) and moved through their statuses
by a control; a validation status can be set once (an identical repeat is accepted, a
change is ``InvalidRequestException``).
"""

from __future__ import annotations

import datetime

import threading
import time
import uuid
from typing import Callable

from .backup_model import BackupError

ACCOUNT_ID = "123456789012"
DEFAULT_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/service-role/AWSBackupDefaultServiceRole"
RESTORE_STATUSES = ("PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED")


class BackupState:
    """Thread-safe state of the stand-in. ``clock`` returns epoch seconds."""

    def __init__(self, region: str, clock: Callable[[], float] = time.time):
        self.region = region
        self.clock = clock
        self.lock = threading.RLock()
        # (operation name, output value) -> problems; set to the model's output validator.
        self.check_output: Callable[[str, dict], list[str]] = lambda operation, value: []
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.backup_jobs: dict[str, dict] = {}
            self.recovery_points: dict[str, dict] = {}
            self.restore_jobs: dict[str, dict] = {}
            self.restore_requests: dict[str, dict] = {}  # job id -> StartRestoreJob input
            self.tokens: dict[str, str] = {}  # IdempotencyToken -> job id
            self.calls: list[dict] = []

    def vault_arn(self, vault: str) -> str:
        return f"arn:aws:backup:{self.region}:{ACCOUNT_ID}:backup-vault:{vault}"

    # -- seeding (controls) --------------------------------------------------------------

    def seed_recovery_point(self, spec: dict) -> dict:
        """Add a recovery point. Keys: RecoveryPointArn, BackupVaultName, ResourceArn,
        ResourceType, CreationDate, CompletionDate (default: CreationDate), Status,
        BackupSizeBytes, RestoreMetadata (all optional except ResourceArn)."""
        if "ResourceArn" not in spec:
            raise BackupError("InvalidParameterValueException", "seed recovery point: ResourceArn is required")
        with self.lock:
            arn = spec.get("RecoveryPointArn") or f"arn:aws:backup:{self.region}:{ACCOUNT_ID}:recovery-point:{uuid.uuid4()}"
            resource = spec["ResourceArn"]
            point = {
                "RecoveryPointArn": arn,
                "BackupVaultName": spec.get("BackupVaultName", "Default"),
                "ResourceArn": resource,
                "ResourceType": spec.get("ResourceType", "EFS"),
                "CreationDate": float(spec.get("CreationDate", self.clock())),
                "Status": spec.get("Status", "COMPLETED"),
                "BackupSizeBytes": int(spec.get("BackupSizeBytes", 52428800)),
                "RestoreMetadata": dict(spec.get("RestoreMetadata") or {"file-system-id": resource.rsplit("/", 1)[-1]}),
            }
            point["CompletionDate"] = float(spec.get("CompletionDate", point["CreationDate"]))
            self.recovery_points[arn] = point
            return dict(point)

    def seed_backup_job(self, spec: dict) -> dict:
        """Add a backup job (any DescribeBackupJob output member may be given); its
        recovery point is seeded too unless it already exists."""
        with self.lock:
            now = self.clock()
            resource = spec.get("ResourceArn", f"arn:aws:elasticfilesystem:{self.region}:{ACCOUNT_ID}:file-system/fs-0123456789abcdef0")
            vault = spec.get("BackupVaultName", "Default")
            job = {
                "AccountId": ACCOUNT_ID,
                "BackupJobId": spec.get("BackupJobId") or str(uuid.uuid4()),
                "BackupVaultName": vault,
                "BackupVaultArn": self.vault_arn(vault),
                "RecoveryPointArn": spec.get("RecoveryPointArn") or f"arn:aws:backup:{self.region}:{ACCOUNT_ID}:recovery-point:{uuid.uuid4()}",
                "ResourceArn": resource,
                "CreationDate": now - 600,
                "CompletionDate": now,
                "State": "COMPLETED",
                "PercentDone": "100.0",
                "BackupSizeInBytes": 52428800,
                "IamRoleArn": DEFAULT_ROLE,
                "ResourceType": "EFS",
            }
            job.update({k: v for k, v in spec.items() if k not in ("BackupVaultName",)})
            job["BackupVaultName"] = vault
            self._require_valid("DescribeBackupJob", job)
            self.backup_jobs[job["BackupJobId"]] = job
            if job["RecoveryPointArn"] not in self.recovery_points:
                self.seed_recovery_point({
                    "RecoveryPointArn": job["RecoveryPointArn"], "BackupVaultName": vault,
                    "ResourceArn": job["ResourceArn"], "ResourceType": job.get("ResourceType", "EFS"),
                    "CreationDate": job.get("CompletionDate", now), "CompletionDate": job.get("CompletionDate", now),
                })
            return dict(job)

    def update_restore_job(self, job_id: str, status: str, fields: dict) -> dict:
        """Move a restore job to ``status`` and merge ``fields`` (output members)."""
        if status not in RESTORE_STATUSES:
            raise BackupError("InvalidParameterValueException", f"status must be one of {RESTORE_STATUSES}")
        with self.lock:
            job = dict(self._restore_job(job_id))
            job["Status"] = status
            if status == "RUNNING":
                job["PercentDone"] = "50.00%"
            if status in ("COMPLETED", "FAILED", "ABORTED"):
                job["CompletionDate"] = self.clock()
                job["PercentDone"] = "100.00%" if status == "COMPLETED" else job.get("PercentDone", "0.00%")
            job.update(fields)
            self._require_valid("DescribeRestoreJob", job)
            self.restore_jobs[job_id] = job
            return dict(job)

    def _require_valid(self, operation: str, value: dict) -> None:
        problems = self.check_output(operation, value)
        if problems:
            raise BackupError("InvalidParameterValueException", f"not a valid {operation} output: " + "; ".join(problems))

    # -- operations ----------------------------------------------------------------------

    def describe_backup_job(self, params: dict) -> dict:
        with self.lock:
            job = self.backup_jobs.get(params["BackupJobId"])
            if job is None:
                raise BackupError("ResourceNotFoundException", f"Backup job {params['BackupJobId']} not found")
            return dict(job)

    def start_restore_job(self, params: dict) -> dict:
        with self.lock:
            token = params.get("IdempotencyToken")
            if token and token in self.tokens:
                return {"RestoreJobId": self.tokens[token]}
            point = self.recovery_points.get(params["RecoveryPointArn"])
            if point is None:
                raise BackupError("ResourceNotFoundException", f"Recovery point {params['RecoveryPointArn']} not found")
            if params.get("ResourceType", point["ResourceType"]) != point["ResourceType"]:
                raise BackupError("InvalidRequestException", f"ResourceType must be {point['ResourceType']} for this recovery point")
            job_id = str(uuid.uuid4()).upper()
            self.restore_jobs[job_id] = {
                "AccountId": ACCOUNT_ID,
                "RestoreJobId": job_id,
                "RecoveryPointArn": point["RecoveryPointArn"],
                "SourceResourceArn": point["ResourceArn"],
                "BackupVaultArn": self.vault_arn(point["BackupVaultName"]),
                "CreationDate": self.clock(),
                "Status": "PENDING",
                "PercentDone": "0.00%",
                "BackupSizeInBytes": point["BackupSizeBytes"],
                "IamRoleArn": params.get("IamRoleArn", DEFAULT_ROLE),
                "ExpectedCompletionTimeMinutes": 10,
                "ResourceType": point["ResourceType"],
                "RecoveryPointCreationDate": point["CreationDate"],
            }
            self.restore_requests[job_id] = dict(params)
            if token:
                self.tokens[token] = job_id
            return {"RestoreJobId": job_id}

    def describe_restore_job(self, params: dict) -> dict:
        with self.lock:
            return dict(self._restore_job(params["RestoreJobId"]))

    def list_recovery_points_by_resource(self, params: dict) -> dict:
        with self.lock:
            points = sorted(
                (p for p in self.recovery_points.values() if p["ResourceArn"] == params["ResourceArn"]),
                key=lambda p: (-p["CreationDate"], p["RecoveryPointArn"]),
            )
        start = 0
        if params.get("NextToken"):
            try:
                start = int(params["NextToken"])
            except ValueError:
                raise BackupError("InvalidParameterValueException", "NextToken is not valid")
        limit = params.get("MaxResults", 100)
        page = points[start:start + limit]
        result = {"RecoveryPoints": [
            {k: p[k] for k in ("RecoveryPointArn", "CreationDate", "Status", "BackupSizeBytes", "BackupVaultName")}
            for p in page
        ]}
        if start + limit < len(points):
            result["NextToken"] = str(start + limit)
        return result

    def describe_recovery_point(self, params: dict) -> dict:
        with self.lock:
            point = self._point_in_vault(params)
            return {
                "RecoveryPointArn": point["RecoveryPointArn"],
                "BackupVaultName": point["BackupVaultName"],
                "BackupVaultArn": self.vault_arn(point["BackupVaultName"]),
                "ResourceArn": point["ResourceArn"],
                "ResourceType": point["ResourceType"],
                "Status": point["Status"],
                "CreationDate": point["CreationDate"],
                "CompletionDate": point["CompletionDate"],
                "BackupSizeInBytes": point["BackupSizeBytes"],
                "IamRoleArn": DEFAULT_ROLE,
                "IsEncrypted": True,
            }

    def _point_in_vault(self, params: dict) -> dict:
        point = self.recovery_points.get(params["RecoveryPointArn"])
        if point is None or point["BackupVaultName"] != params["BackupVaultName"]:
            raise BackupError("ResourceNotFoundException",
                              f"Recovery point {params['RecoveryPointArn']} not found in vault {params['BackupVaultName']}")
        return point

    def get_recovery_point_restore_metadata(self, params: dict) -> dict:
        with self.lock:
            point = self._point_in_vault(params)
            return {
                "BackupVaultArn": self.vault_arn(point["BackupVaultName"]),
                "RecoveryPointArn": point["RecoveryPointArn"],
                "RestoreMetadata": dict(point["RestoreMetadata"]),
                "ResourceType": point["ResourceType"],
            }

    def put_restore_validation_result(self, params: dict) -> dict:
        with self.lock:
            job = self._restore_job(params["RestoreJobId"])
            if job["Status"] != "COMPLETED":
                raise BackupError("InvalidRequestException", f"Restore job {job['RestoreJobId']} is {job['Status']}, not COMPLETED")
            if not job.get("CreatedBy", {}).get("RestoreTestingPlanArn"):
                raise BackupError("InvalidRequestException", f"Restore job {job['RestoreJobId']} was not started by a restore testing plan")
            new = (params["ValidationStatus"], params.get("ValidationStatusMessage"))
            if "ValidationStatus" in job:
                if (job["ValidationStatus"], job.get("ValidationStatusMessage")) != new:
                    raise BackupError("InvalidRequestException", "Validation status has already been set and cannot be changed")
                return {}
            job["ValidationStatus"] = new[0]
            if new[1] is not None:
                job["ValidationStatusMessage"] = new[1]
            return {}

    def list_restore_jobs(self, params: dict) -> dict:
        """Newest first; filters ``ByCreatedAfter``/``ByCreatedBefore`` (ISO 8601 in the
        query), ``ByResourceType``, ``ByStatus``; one page (no ``NextToken``)."""
        after, before = _instant(params.get("ByCreatedAfter")), _instant(params.get("ByCreatedBefore"))
        with self.lock:
            jobs = [dict(job) for job in self.restore_jobs.values()
                    if (after is None or job["CreationDate"] > after) and (before is None or job["CreationDate"] < before)
                    and params.get("ByResourceType") in (None, job["ResourceType"])
                    and params.get("ByStatus") in (None, job["Status"])]
        jobs.sort(key=lambda job: (-job["CreationDate"], job["RestoreJobId"]))
        return {"RestoreJobs": jobs}

    def _restore_job(self, job_id: str) -> dict:
        job = self.restore_jobs.get(job_id)
        if job is None:
            raise BackupError("ResourceNotFoundException", f"Restore job {job_id} not found")
        return job

    HANDLERS = {
        "DescribeBackupJob": describe_backup_job,
        "StartRestoreJob": start_restore_job,
        "DescribeRestoreJob": describe_restore_job,
        "ListRecoveryPointsByResource": list_recovery_points_by_resource,
        "DescribeRecoveryPoint": describe_recovery_point,
        "GetRecoveryPointRestoreMetadata": get_recovery_point_restore_metadata,
        "PutRestoreValidationResult": put_restore_validation_result,
        "ListRestoreJobs": list_restore_jobs,
    }


def _instant(value) -> float | None:
    """A query timestamp (ISO 8601 text, or already a datetime/number) as epoch seconds."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise BackupError("InvalidParameterValueException", f"not a timestamp: {value}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()
