"""The Backup stand-in's ListRestoreJobs (the orchestrator finds a restore job by it when
StartRestoreJob answers a repeat without an id)."""

import datetime

from test_backup import assert_model_valid, seed_backup_job, start_restore


def test_list_restore_jobs_filters_by_creation_time_type_and_status(harness):
    job = seed_backup_job(harness)
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    first = start_restore(harness, job["RecoveryPointArn"], token="run-1")["RestoreJobId"]
    second = start_restore(harness, job["RecoveryPointArn"], token="run-2")["RestoreJobId"]
    backup = harness.client("backup")
    listed = backup.list_restore_jobs(ByCreatedAfter=before, ByResourceType="EFS")
    assert_model_valid("ListRestoreJobs", {k: v for k, v in listed.items() if k != "ResponseMetadata"})
    assert {j["RestoreJobId"] for j in listed["RestoreJobs"]} == {first, second}
    assert all(j["RecoveryPointArn"] == job["RecoveryPointArn"] for j in listed["RestoreJobs"])
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)
    assert backup.list_restore_jobs(ByCreatedAfter=later)["RestoreJobs"] == []
    assert backup.list_restore_jobs(ByResourceType="EBS")["RestoreJobs"] == []
    assert len(backup.list_restore_jobs(ByStatus="PENDING")["RestoreJobs"]) == 2
