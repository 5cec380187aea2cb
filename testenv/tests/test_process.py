"""The harness process itself: the JSON line, controls, reset keeping keys, shutdown on EOF."""

import json
import os
import subprocess
import sys
import time

import pytest
from botocore.exceptions import ClientError

from conftest import TESTENV


def test_startup_line_names_loopback_endpoints_and_keys(harness):
    assert harness.endpoint.startswith("http://127.0.0.1:")
    assert harness.backup_endpoint.startswith("http://127.0.0.1:")
    assert harness.endpoint != harness.backup_endpoint
    assert harness.access_key_id.startswith("AKIA") and len(harness.access_key_id) == 20
    assert len(harness.secret_access_key) == 40
    assert harness.region == "us-east-1"
    print(f"harness startup {harness.startup_seconds:.2f}s")


def test_health_and_unknown_control(harness):
    assert harness.control("GET", "/_harness/health") == (200, {"ok": True})
    status, body = harness.control("POST", "/_harness/nope", {})
    assert status == 404
    assert body == {"error": "no harness control POST /_harness/nope"}


def test_moto_reset_wipes_state_but_keeps_the_same_keys(harness):
    s3 = harness.client("s3")
    s3.create_bucket(Bucket="before-reset")
    status, _ = harness.control("POST", "/moto-api/reset")
    assert status == 200
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == []
    s3.create_bucket(Bucket="after-reset")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["after-reset"]


def test_exits_when_stdin_closes():
    process = subprocess.Popen([sys.executable, os.path.join(TESTENV, "moto_server.py")],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    info = json.loads(process.stdout.readline())
    assert set(info) == {"endpoint", "backupEndpoint", "accessKeyId", "secretAccessKey", "region"}
    started = time.monotonic()
    process.stdin.close()
    assert process.wait(timeout=10) == 0
    assert time.monotonic() - started < 5


def test_moto_reset_also_wipes_the_backup_stand_in(harness):
    status, job = harness.control("POST", "/_harness/backup/backup-jobs", {"BackupJobId": "j-1"})
    assert (status, job["BackupJobId"]) == (200, "j-1")
    assert harness.client("backup").describe_backup_job(BackupJobId="j-1")["BackupJobId"] == "j-1"
    assert harness.control("POST", "/moto-api/reset")[0] == 200
    status, calls = harness.control("GET", "/_harness/backup/calls")
    assert (status, calls) == (200, {"calls": []})
    with pytest.raises(ClientError) as error:
        harness.client("backup").describe_backup_job(BackupJobId="j-1")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_fixture_controls_create_resources_the_clients_cannot(harness):
    assert harness.control("POST", "/_harness/s3/buckets", {"name": "fixture-bucket"}) == (200, {"name": "fixture-bucket"})
    assert [b["Name"] for b in harness.client("s3").list_buckets()["Buckets"]] == ["fixture-bucket"]
    status, topic = harness.control("POST", "/_harness/sns/topics", {"name": "results"})
    assert (status, topic) == (200, {"topicArn": "arn:aws:sns:us-east-1:123456789012:results"})
    status, cluster = harness.control("POST", "/_harness/ecs/clusters", {"name": "verify"})
    assert (status, cluster) == (200, {"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/verify"})
    status, fs = harness.control("POST", "/_harness/efs/file-systems", {"creationToken": "prod", "tags": {"env": "prod"}})
    assert status == 200
    tags = harness.client("efs").list_tags_for_resource(ResourceId=fs["fileSystemId"])["Tags"]
    assert tags == [{"Key": "env", "Value": "prod"}]
    assert fs["fileSystemArn"].endswith(":file-system/" + fs["fileSystemId"])
    status, again = harness.control("POST", "/_harness/efs/file-systems", {"creationToken": "prod"})
    assert status == 400 and "FileSystemAlreadyExists" in again["error"]
    status, network = harness.control("GET", "/_harness/ec2/default-network")
    assert status == 200
    subnets = harness.client("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [network["vpcId"]]}])
    assert network["subnetIds"] == sorted(s["SubnetId"] for s in subnets["Subnets"])
    assert network["securityGroupId"].startswith("sg-")
    assert harness.control("POST", "/_harness/sns/topics", {}) == (
        400, {"error": "name (or creationToken for a file system) is required"})
