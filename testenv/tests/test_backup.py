"""The AWS Backup stand-in: every operation, its state rules, model validation, SigV4."""

import hashlib
import json
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from localaws.backup_model import BackupModel

MODEL = BackupModel()
FS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
PLAN_ARN = "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:efs_weekly-EXAMPLE"


def assert_model_valid(operation: str, response: dict) -> None:
    value = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    assert MODEL.validate_output(MODEL.service.operation_model(operation), value) == []


def error_of(excinfo):
    response = excinfo.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def seed_backup_job(harness, **spec):
    status, job = harness.control("POST", "/_harness/backup/backup-jobs", {"ResourceArn": FS_ARN, **spec})
    assert status == 200, job
    return job


def test_describe_backup_job_returns_the_seeded_job(harness):
    job = seed_backup_job(harness, BackupJobId="a827233a-d405-4a86-a440-759fa94f34dd", BackupVaultName="prod-vault")
    backup = harness.client("backup")
    answer = backup.describe_backup_job(BackupJobId=job["BackupJobId"])
    assert_model_valid("DescribeBackupJob", answer)
    assert answer["RecoveryPointArn"] == job["RecoveryPointArn"]
    assert answer["BackupVaultName"] == "prod-vault"
    assert answer["BackupVaultArn"] == "arn:aws:backup:us-east-1:123456789012:backup-vault:prod-vault"
    assert (answer["State"], answer["ResourceType"], answer["ResourceArn"]) == ("COMPLETED", "EFS", FS_ARN)
    with pytest.raises(ClientError) as error:
        backup.describe_backup_job(BackupJobId="missing")
    assert error_of(error) == (400, "ResourceNotFoundException")


def test_seed_rejects_values_outside_the_output_shape(harness):
    status, answer = harness.control("POST", "/_harness/backup/backup-jobs", {"ResourceArn": FS_ARN, "State": "DONE"})
    assert status == 400
    assert "State: 'DONE' is not one of" in answer["error"]


def test_list_recovery_points_by_resource_pages_newest_first(harness):
    for day in range(3):
        harness.control("POST", "/_harness/backup/recovery-points",
                        {"ResourceArn": FS_ARN, "CreationDate": 1_700_000_000 + day * 86400,
                         "RecoveryPointArn": f"arn:aws:backup:us-east-1:123456789012:recovery-point:rp-{day}"})
    harness.control("POST", "/_harness/backup/recovery-points", {"ResourceArn": FS_ARN + "-other"})
    backup = harness.client("backup")
    first = backup.list_recovery_points_by_resource(ResourceArn=FS_ARN, MaxResults=2)
    assert_model_valid("ListRecoveryPointsByResource", first)
    assert [p["RecoveryPointArn"][-4:] for p in first["RecoveryPoints"]] == ["rp-2", "rp-1"]
    second = backup.list_recovery_points_by_resource(ResourceArn=FS_ARN, MaxResults=2, NextToken=first["NextToken"])
    assert [p["RecoveryPointArn"][-4:] for p in second["RecoveryPoints"]] == ["rp-0"]
    assert "NextToken" not in second
    assert backup.list_recovery_points_by_resource(ResourceArn=FS_ARN + "x")["RecoveryPoints"] == []


def test_get_recovery_point_restore_metadata_needs_the_right_vault(harness):
    job = seed_backup_job(harness, BackupVaultName="prod-vault")
    backup = harness.client("backup")
    answer = backup.get_recovery_point_restore_metadata(BackupVaultName="prod-vault", RecoveryPointArn=job["RecoveryPointArn"])
    assert_model_valid("GetRecoveryPointRestoreMetadata", answer)
    assert answer["RestoreMetadata"] == {"file-system-id": "fs-0123456789abcdef0"}
    assert answer["RecoveryPointArn"] == job["RecoveryPointArn"]
    with pytest.raises(ClientError) as error:
        backup.get_recovery_point_restore_metadata(BackupVaultName="other-vault", RecoveryPointArn=job["RecoveryPointArn"])
    assert error_of(error) == (400, "ResourceNotFoundException")


def test_describe_recovery_point_gives_the_completion_in_the_right_vault(harness):
    job = seed_backup_job(harness, BackupVaultName="prod-vault", CreationDate=1_741_064_431.207, CompletionDate=1_741_066_865.921)
    backup = harness.client("backup")
    answer = backup.describe_recovery_point(BackupVaultName="prod-vault", RecoveryPointArn=job["RecoveryPointArn"])
    assert_model_valid("DescribeRecoveryPoint", answer)
    assert (answer["RecoveryPointArn"], answer["BackupVaultName"], answer["Status"], answer["ResourceType"], answer["ResourceArn"]) \
        == (job["RecoveryPointArn"], "prod-vault", "COMPLETED", "EFS", FS_ARN)
    assert answer["BackupVaultArn"] == "arn:aws:backup:us-east-1:123456789012:backup-vault:prod-vault"
    assert answer["CompletionDate"].timestamp() == 1_741_066_865.921
    with pytest.raises(ClientError) as error:
        backup.describe_recovery_point(BackupVaultName="other-vault", RecoveryPointArn=job["RecoveryPointArn"])
    assert error_of(error) == (400, "ResourceNotFoundException")
    status, point = harness.control("POST", "/_harness/backup/recovery-points",
                                    {"ResourceArn": FS_ARN, "CreationDate": 1_700_000_000, "Status": "PARTIAL"})
    assert status == 200, point
    answer = backup.describe_recovery_point(BackupVaultName="Default", RecoveryPointArn=point["RecoveryPointArn"])
    assert (answer["Status"], answer["CompletionDate"].timestamp()) == ("PARTIAL", 1_700_000_000)


def start_restore(harness, recovery_point_arn, token="run-1"):
    return harness.client("backup").start_restore_job(
        RecoveryPointArn=recovery_point_arn, IdempotencyToken=token, ResourceType="EFS",
        IamRoleArn="arn:aws:iam::123456789012:role/restore", CopySourceTagsToRestoredResource=False,
        Metadata={"file-system-id": "fs-0123456789abcdef0", "newFileSystem": "true", "Encrypted": "true",
                  "PerformanceMode": "generalPurpose", "CreationToken": token})


def test_start_restore_job_is_idempotent_on_the_token(harness):
    job = seed_backup_job(harness)
    first = start_restore(harness, job["RecoveryPointArn"])
    assert_model_valid("StartRestoreJob", first)
    assert start_restore(harness, job["RecoveryPointArn"])["RestoreJobId"] == first["RestoreJobId"]
    other = start_restore(harness, job["RecoveryPointArn"], token="run-2")
    assert other["RestoreJobId"] != first["RestoreJobId"]
    status, listed = harness.control("GET", "/_harness/backup/restore-jobs")
    assert status == 200
    assert sorted(j["request"]["IdempotencyToken"] for j in listed["restoreJobs"]) == ["run-1", "run-2"]
    with pytest.raises(ClientError) as error:
        start_restore(harness, "arn:aws:backup:us-east-1:123456789012:recovery-point:nope", token="run-3")
    assert error_of(error) == (400, "ResourceNotFoundException")


def test_restore_job_status_transitions_and_created_file_system(harness):
    job = seed_backup_job(harness)
    job_id = start_restore(harness, job["RecoveryPointArn"])["RestoreJobId"]
    backup = harness.client("backup")
    pending = backup.describe_restore_job(RestoreJobId=job_id)
    assert_model_valid("DescribeRestoreJob", pending)
    assert (pending["Status"], pending["SourceResourceArn"]) == ("PENDING", FS_ARN)
    status, running = harness.control("POST", f"/_harness/backup/restore-jobs/{job_id}/status", {"status": "RUNNING"})
    assert (status, running["Status"]) == (200, "RUNNING")
    status, done = harness.control("POST", f"/_harness/backup/restore-jobs/{job_id}/status",
                                   {"status": "COMPLETED", "restoreTestingPlanArn": PLAN_ARN})
    assert status == 200
    completed = backup.describe_restore_job(RestoreJobId=job_id)
    assert_model_valid("DescribeRestoreJob", completed)
    assert completed["Status"] == "COMPLETED"
    assert completed["CreatedBy"] == {"RestoreTestingPlanArn": PLAN_ARN}
    fs_id = completed["CreatedResourceArn"].rsplit("/", 1)[-1]
    efs = harness.client("efs")
    assert [f["FileSystemId"] for f in efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"]] == [fs_id]
    tags = {t["Key"]: t["Value"] for t in efs.list_tags_for_resource(ResourceId=fs_id)["Tags"]}
    assert tags == {"awsbackup-restore-test": PLAN_ARN}

    other = start_restore(harness, job["RecoveryPointArn"], token="run-2")["RestoreJobId"]
    status, failed = harness.control("POST", f"/_harness/backup/restore-jobs/{other}/status",
                                     {"status": "FAILED", "fields": {"StatusMessage": "Access denied to vault"}})
    assert (status, failed["Status"], failed["StatusMessage"]) == (200, "FAILED", "Access denied to vault")
    assert "CreatedResourceArn" not in failed
    status, answer = harness.control("POST", f"/_harness/backup/restore-jobs/{other}/status", {"status": "DONE"})
    assert status == 400
    assert harness.control("POST", "/_harness/backup/restore-jobs/nope/status", {"status": "RUNNING"}) == (
        404, {"error": "no restore job nope"})


def test_validation_result_is_set_once(harness):
    job = seed_backup_job(harness)
    job_id = start_restore(harness, job["RecoveryPointArn"])["RestoreJobId"]
    backup = harness.client("backup")
    with pytest.raises(ClientError) as error:
        backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="SUCCESSFUL")
    assert error_of(error) == (400, "InvalidRequestException")  # not COMPLETED yet
    harness.control("POST", f"/_harness/backup/restore-jobs/{job_id}/status",
                    {"status": "COMPLETED", "restoreTestingPlanArn": PLAN_ARN})
    answer = backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="SUCCESSFUL",
                                                  ValidationStatusMessage="42 files verified")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    again = backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="SUCCESSFUL",
                                                 ValidationStatusMessage="42 files verified")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as error:
        backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="FAILED")
    assert error_of(error) == (400, "InvalidRequestException")
    described = backup.describe_restore_job(RestoreJobId=job_id)
    assert (described["ValidationStatus"], described["ValidationStatusMessage"]) == ("SUCCESSFUL", "42 files verified")


def test_validation_result_needs_a_restore_testing_plan(harness):
    job = seed_backup_job(harness)
    job_id = start_restore(harness, job["RecoveryPointArn"])["RestoreJobId"]
    harness.control("POST", f"/_harness/backup/restore-jobs/{job_id}/status", {"status": "COMPLETED"})
    with pytest.raises(ClientError) as error:
        harness.client("backup").put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="SUCCESSFUL")
    assert error_of(error) == (400, "InvalidRequestException")


# -- model validation of input ----------------------------------------------------------

def unchecked(harness):
    return harness.client("backup", parameter_validation=False)


def test_missing_required_member_is_missing_parameter_value(harness):
    with pytest.raises(ClientError) as error:
        unchecked(harness).start_restore_job(RecoveryPointArn="arn:aws:backup:us-east-1:123456789012:recovery-point:x")
    assert error_of(error) == (400, "MissingParameterValueException")
    assert "Missing required parameter in input: \"Metadata\"" in error.value.response["Error"]["Message"]


def test_bad_enum_is_invalid_parameter_value(harness):
    with pytest.raises(ClientError) as error:
        unchecked(harness).put_restore_validation_result(RestoreJobId="j", ValidationStatus="PASSED")
    assert error_of(error) == (400, "InvalidParameterValueException")
    assert "ValidationStatus: 'PASSED' is not one of" in error.value.response["Error"]["Message"]


def test_wrong_types_are_invalid_parameter_value(harness):
    client = unchecked(harness)
    with pytest.raises(ClientError) as error:
        client.start_restore_job(RecoveryPointArn="rp", Metadata={"a": "b"}, CopySourceTagsToRestoredResource="yes")
    assert error_of(error) == (400, "InvalidParameterValueException")
    assert "CopySourceTagsToRestoredResource" in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as error:
        client.list_recovery_points_by_resource(ResourceArn=FS_ARN, MaxResults="many")
    assert error_of(error) == (400, "InvalidParameterValueException")
    with pytest.raises(ClientError) as error:
        client.list_recovery_points_by_resource(ResourceArn=FS_ARN, MaxResults=1001)
    assert error_of(error) == (400, "InvalidParameterValueException")


def test_pattern_and_unknown_members_are_rejected(harness):
    with pytest.raises(ClientError) as error:
        unchecked(harness).get_recovery_point_restore_metadata(BackupVaultName="bad vault!", RecoveryPointArn="rp")
    assert error_of(error) == (400, "InvalidParameterValueException")
    body = json.dumps({"RecoveryPointArn": "rp", "Metadata": {}, "Surprise": 1}).encode()
    status, headers, payload = harness.signed("backup", "PUT", harness.backup_endpoint + "/restore-jobs", body=body,
                                              headers={"Content-Type": "application/json"})
    assert (status, headers["x-amzn-ErrorType"]) == (400, "InvalidParameterValueException")
    assert b"Unknown parameter in input: \\\"Surprise\\\"" in payload


def test_unknown_routes_and_unimplemented_operations(harness):
    status, headers, _ = harness.signed("backup", "GET", harness.backup_endpoint + "/no-such-thing")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")
    status, headers, _ = harness.signed("backup", "DELETE", harness.backup_endpoint + "/restore-jobs/abc")
    assert (status, headers["x-amzn-ErrorType"]) == (405, "MethodNotAllowedException")
    status, headers, payload = harness.signed("backup", "GET", harness.backup_endpoint + "/backup-jobs/")
    assert (status, headers["x-amzn-ErrorType"]) == (400, "InvalidRequestException")
    assert json.loads(payload)["Message"] == "ListBackupJobs is not implemented by the harness stand-in"


# -- signatures -------------------------------------------------------------------------

def test_encoded_uri_labels_are_signed_with_double_encoding(harness):
    job = seed_backup_job(harness)
    url = (harness.backup_endpoint + "/backup-vaults/Default/recovery-points/"
           + quote(job["RecoveryPointArn"], safe="") + "/restore-metadata")
    status, _, payload = harness.signed("backup", "GET", url, headers={"User-Agent": "ebv-swift/1.0"})
    assert status == 200, payload
    assert json.loads(payload)["RecoveryPointArn"] == job["RecoveryPointArn"]


def test_wrong_secret_unknown_key_wrong_scope_and_missing_auth_are_403(harness):
    with pytest.raises(ClientError) as error:
        harness.client("backup", secret="q" * 40).describe_backup_job(BackupJobId="x")
    assert error_of(error) == (403, "InvalidSignatureException")
    status, headers, _ = harness.signed("backup", "GET", harness.backup_endpoint + "/backup-jobs/x", region="eu-west-1")
    assert (status, headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    status, headers, _ = harness.signed("ecs", "GET", harness.backup_endpoint + "/backup-jobs/x")
    assert (status, headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    with pytest.raises(urllib.error.HTTPError) as http_error:
        urllib.request.urlopen(harness.backup_endpoint + "/backup-jobs/x", timeout=10)
    assert (http_error.value.code, http_error.value.headers["x-amzn-ErrorType"]) == (403, "MissingAuthenticationTokenException")


def test_body_tampered_after_signing_is_rejected(harness):
    body = json.dumps({"ValidationStatus": "SUCCESSFUL"}).encode()
    request = AWSRequest(method="PUT", url=harness.backup_endpoint + "/restore-jobs/j/validations", data=body,
                         headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(harness.access_key_id, harness.secret_access_key), "backup", "us-east-1").add_auth(request)
    tampered = body.replace(b"SUCCESSFUL", b"FAILED")
    headers = {k: v for k, v in request.headers.items()}
    raw = urllib.request.Request(request.url, data=tampered, method="PUT", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(raw, timeout=10)
    assert (error.value.code, error.value.headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    assert hashlib.sha256(tampered).hexdigest() != hashlib.sha256(body).hexdigest()


def test_calls_are_recorded_for_assertions(harness):
    backup = harness.client("backup")
    with pytest.raises(ClientError):
        backup.describe_restore_job(RestoreJobId="nope")
    status, answer = harness.control("GET", "/_harness/backup/calls")
    assert status == 200
    assert answer == {"calls": [{"operation": "DescribeRestoreJob", "status": 400,
                                 "error": "ResourceNotFoundException", "input": {"RestoreJobId": "nope"}}]}
