"""The end-to-end tests' shared part: run testenv/demo.py against the session's harness
(``run_demo``), read what the run left (``DemoRun``: run document, report, findings, page,
SNS, logs) and the checks every scenario repeats (cleanup, one restore, the EMF line).

The binaries must be built (``scripts/test`` runs ``swift build`` first); set
``EBV_BUILD_DIR`` to use another build directory than ``.build/debug``."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time

import pytest

TESTENV = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTENV)
BUILD = os.environ.get("EBV_BUILD_DIR", os.path.join(ROOT, ".build", "debug"))
BUCKET = "ebv-demo"

# The demo's production tree (testenv/demokit/tree.py, seeded): 68 entries, 53 files.
ENTRIES, FILES, BYTES = 68, 53, 3217828
LEDGER_BYTES, LEAF_BYTES = 32000, 10  # the corrupt scenario's altered and lost files


class DemoRun:
    def __init__(self, harness, out: str, completed: subprocess.CompletedProcess, seconds: float):
        self.harness = harness
        self.out = out
        self.status = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.seconds = seconds
        if self.status not in (0, 1) or not os.path.exists(os.path.join(out, "result.json")):
            pytest.fail(f"demo.py exited {self.status}:\n{self.stdout}\n{self.stderr}")
        with open(os.path.join(out, "result.json")) as handle:
            self.result = json.load(handle)
        self.run_id = self.result["runId"]
        self.fs = self.result["run"]["fileSystemId"]
        self.s3 = harness.client("s3")

    def s3_bytes(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def s3_json(self, key: str) -> dict:
        return json.loads(self.s3_bytes(key))

    def keys(self, prefix: str) -> list:
        """Every object key under ``prefix``, sorted."""
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def tasks(self, run_id: str | None = None) -> dict:
        """The ECS tasks of a run (default: this one) by the part of their group after the
        run id (``post``, ``post:1``, ``plan``, …): each a list of exit codes, sorted
        (a task started again adds one)."""
        ecs = self.harness.client("ecs")
        arns = (ecs.list_tasks(cluster="ebv-demo", desiredStatus="STOPPED")["taskArns"]
                + ecs.list_tasks(cluster="ebv-demo", desiredStatus="RUNNING")["taskArns"])
        prefix = f"ebv:{self.fs}:{run_id or self.run_id}:"
        found: dict = {}
        for task in ecs.describe_tasks(cluster="ebv-demo", tasks=arns)["tasks"] if arns else []:
            if task["group"].startswith(prefix):
                found.setdefault(task["group"][len(prefix):], []).append(task["containers"][0].get("exitCode"))
        return {group: sorted(codes, key=lambda code: (code is None, code)) for group, codes in found.items()}

    def task_command(self, group: str) -> list:
        """The container command of this run's one task in ``group`` (e.g. ``diff``)."""
        ecs = self.harness.client("ecs")
        arns = ecs.list_tasks(cluster="ebv-demo", desiredStatus="STOPPED")["taskArns"]
        tasks = [t for t in ecs.describe_tasks(cluster="ebv-demo", tasks=arns)["tasks"]
                 if t["group"] == f"ebv:{self.fs}:{self.run_id}:{group}"]
        assert len(tasks) == 1, tasks
        return tasks[0]["overrides"]["containerOverrides"][0]["command"]

    def run_document(self) -> dict:
        return self.s3_json(f"runs/{self.fs}/{self.run_id}.json")

    def report(self) -> dict:
        return self.s3_json(f"runs/{self.fs}/{self.run_id}/report.json")

    def findings(self) -> list:
        body = self.s3.get_object(Bucket=BUCKET, Key=f"runs/{self.fs}/{self.run_id}/findings.ndjson.gz")["Body"].read()
        return [json.loads(line) for line in gzip.decompress(body).decode().splitlines() if line]

    def page(self) -> str:
        """runs/<fs>/<run>/report.html, checked to be served as HTML."""
        got = self.s3.get_object(Bucket=BUCKET, Key=f"runs/{self.fs}/{self.run_id}/report.html")
        assert got["ContentType"] == "text/html; charset=utf-8"
        return got["Body"].read().decode()

    def sns(self) -> list:
        status, answer = self.harness.control("GET", "/_harness/sns/published")
        assert status == 200
        return answer["messages"]

    def log_lines(self) -> list:
        with open(os.path.join(self.out, "orchestrator.log")) as handle:
            return [json.loads(line) for line in handle if line.strip()]


def run_demo(harness, tmp_path, *arguments) -> DemoRun:
    for name in ("manifest-worker", "orchestrator"):
        assert os.access(os.path.join(BUILD, name), os.X_OK), f"{BUILD}/{name} missing: run swift build first"
    info = {"endpoint": harness.endpoint, "backupEndpoint": harness.backup_endpoint, "accessKeyId": harness.access_key_id,
            "secretAccessKey": harness.secret_access_key, "region": harness.region}
    out = str(tmp_path / "out")
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, os.path.join(TESTENV, "demo.py"), "--harness", json.dumps(info), "--out", out,
         "--build-dir", BUILD, *arguments], capture_output=True, text=True, timeout=120)
    return DemoRun(harness, out, completed, time.monotonic() - started)


def assert_clean(demo: DemoRun, restored: bool = True) -> None:
    """Only production is left; the run's temporary resources are gone (``restored``: the
    restore created a file system and the run registered a revision for it)."""
    efs, ecs = demo.harness.client("efs"), demo.harness.client("ecs")
    assert [fs["FileSystemId"] for fs in efs.describe_file_systems()["FileSystems"]] == [demo.fs]
    production = efs.describe_file_systems(FileSystemId=demo.fs)["FileSystems"][0]
    assert {t["Key"]: t["Value"] for t in production["Tags"]} == {"Name": "production"}
    assert efs.describe_access_points()["AccessPoints"] == []
    assert efs.describe_mount_targets(FileSystemId=demo.fs)["MountTargets"] == []
    assert ecs.list_task_definitions(familyPrefix="ebv-manifest-worker-restored", status="ACTIVE")["taskDefinitionArns"] == []
    assert ecs.list_tasks(cluster="ebv-demo", desiredStatus="RUNNING")["taskArns"] == []
    assert demo.s3.list_objects_v2(Bucket=BUCKET, Prefix="runs/open/").get("KeyCount") == 0
    assert demo.result["cleanup"]["productionUnchanged"] is True
    run = demo.run_document()
    assert run["cleanup"].get("refusal") is None
    if not restored:
        assert "restoredFileSystemId" not in demo.result and run.get("restoredFileSystemId") is None
        return
    restored = demo.result["restoredFileSystemId"]
    with pytest.raises(efs.exceptions.FileSystemNotFound):
        efs.describe_file_systems(FileSystemId=restored)
    # Deregistered and deleted (DeleteTaskDefinitions): no INACTIVE revision is left behind.
    assert ecs.list_task_definitions(familyPrefix="ebv-manifest-worker-restored", status="INACTIVE")["taskDefinitionArns"] == []
    # The revision the restored task ran (as the Fargate stand-in described it): the
    # restored file system through the run's access point, transit encryption on, mounted
    # read-only; the rest copied from the worker's.
    revision = demo.result["restoredRevision"]
    assert revision["taskDefinitionArn"].rsplit("/", 1)[-1] == "ebv-manifest-worker-restored:1"
    assert revision["volumes"] == [{"name": "efs", "efsVolumeConfiguration": {
        "fileSystemId": restored, "rootDirectory": "/", "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": run["accessPointId"], "iam": "ENABLED"}}}]
    container = revision["containerDefinitions"][0]
    assert container["mountPoints"] == [{"sourceVolume": "efs", "containerPath": "/mnt/efs", "readOnly": True}]
    assert (container["memory"], container["environment"]) == (2048, [{"name": "EBV_CONCURRENCY", "value": "8"}])
    assert (revision["cpu"], revision["memory"], revision["taskRoleArn"]) == ("1024", "2048", "arn:aws:iam::123456789012:role/ebv-worker")
    cleanup = run["cleanup"]
    assert {k: cleanup[k] for k in ("tasksStopped", "taskDefinitionDeregistered", "accessPointDeleted",
                                    "mountTargetsDeleted", "mountTargetsGone", "fileSystemDeleted")} == dict.fromkeys(
        ("tasksStopped", "taskDefinitionDeregistered", "accessPointDeleted", "mountTargetsDeleted", "mountTargetsGone",
         "fileSystemDeleted"), True)


def assert_one_restore_two_tasks(demo: DemoRun) -> None:
    """Duplicate events started no second restore and no second task."""
    status, answer = demo.harness.control("GET", "/_harness/backup/restore-jobs")
    assert status == 200
    assert [job["RestoreJobId"] for job in answer["restoreJobs"]] == [demo.run_document()["restoreJobId"]]
    ecs = demo.harness.client("ecs")
    tasks = ecs.list_tasks(cluster="ebv-demo", desiredStatus="STOPPED")["taskArns"]
    described = ecs.describe_tasks(cluster="ebv-demo", tasks=tasks)["tasks"]
    assert sorted(t["group"] for t in described) == [f"ebv:{demo.fs}:{demo.run_id}:post", f"ebv:{demo.fs}:{demo.run_id}:restored"]
    assert all(t["containers"][0]["exitCode"] == 0 for t in described)


def emf(demo: DemoRun) -> dict:
    documents = [line for line in demo.log_lines() if "_aws" in line]
    assert len(documents) == 1, documents
    return documents[0]
