"""End to end: testenv/demo.py drives the REAL manifest-worker and orchestrator binaries
against the harness (DESIGN.md §1), and these tests check the outcome from outside the
driver: the run document and report in S3, the SNS message moto accepted, the EMF line
in the orchestrator's log, the restore jobs and tasks that exist (idempotency), and what
is left in EFS/ECS (cleanup).

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

    def s3_json(self, key: str) -> dict:
        return json.loads(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())

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


def test_pass_scenario_verifies_an_exact_copy(harness, tmp_path):
    demo = run_demo(harness, tmp_path)
    assert demo.status == 0, demo.stdout + demo.stderr
    assert demo.seconds < 60
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert run["tasks"]["post"]["exitCode"] == 0 and run["tasks"]["restored"]["exitCode"] == 0
    report = demo.report()
    assert report["passed"] is True and report["mode"] == "three-way"
    assert report["entriesCompared"] == ENTRIES
    assert (report["filesVerified"], report["bytesVerified"]) == (FILES, BYTES)
    assert {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES}
    assert demo.findings() == []
    summary = demo.s3.get_object(Bucket=BUCKET, Key=f"runs/{demo.fs}/{demo.run_id}/summary.txt")["Body"].read().decode()
    assert summary.startswith(f"PASS: no findings\nthree-way diff of {ENTRIES} paths: {FILES} files verified, {BYTES} bytes")
    # Each manifest's walk: in report.json, in summary.txt after the summary, in the SNS message.
    assert sorted(report["walks"]) == ["baseline", "post", "restored"]
    assert (report["walks"]["baseline"]["entries"], report["walks"]["baseline"]["files"]) == (ENTRIES, FILES)
    assert "\nwalks:\n  baseline: " in summary and "\n  post: " in summary and "\n  restored: " in summary
    messages = demo.sns()
    assert len(messages) == 1
    assert messages[0]["subject"] == f"[efs-backup-verifier] PASSED {demo.fs} run {demo.run_id}"
    body = messages[0]["message"]
    assert "\nWalks:\n  baseline: " in body and "\nwalks:" not in body
    assert body.startswith(f"Result: passed\nFile system: {demo.fs}\nRun: {demo.run_id} (backup)\n")
    assert f"Report: s3://{BUCKET}/runs/{demo.fs}/{demo.run_id}/report.json" in body
    metrics = emf(demo)
    assert metrics["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "EFSBackupVerifier"
    assert (metrics["Result"], metrics["RunPassed"], metrics["Runs"], metrics["FileSystemId"]) == ("passed", 1, 1, demo.fs)
    assert (metrics["FilesVerified"], metrics["BytesVerified"], metrics["FindingsError"]) == (FILES, BYTES, 0)
    # The narrative: one line per step, ending with the verdict and the cleanup proof.
    assert "VERDICT PASS" in demo.stdout and "production " + demo.fs + " present and untouched" in demo.stdout
    assert_one_restore_two_tasks(demo)
    assert_clean(demo)


def test_a_baseline_asked_of_the_orchestrator_serves_the_next_run(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--baseline-action")
    assert demo.status == 0, demo.stdout + demo.stderr
    baseline_run = demo.result["baselineRun"]
    assert (baseline_run["phase"], baseline_run["result"]) == ("done", "passed")
    document = demo.s3_json(f"runs/{demo.fs}/{baseline_run['runId']}.json")
    assert document["origin"] == "baseline"
    key = f"manifests/{demo.fs}/baseline/{baseline_run['runId']}.ndjson.gz"
    assert document["baselineOutputKey"] == key
    assert document["tasks"]["baseline-manifest"]["exitCode"] == 0
    assert demo.s3_json(f"runs/{demo.fs}/baseline-full.json")["key"] == key
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert run["baseline"]["key"] == key
    assert run["baseline"]["entries"] == ENTRIES
    # A completed baseline is not news: one summary (the run's), one EMF document.
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] PASSED {demo.fs} run {demo.run_id}"]
    assert emf(demo)["RunPassed"] == 1
    assert_clean(demo)


def test_corrupt_scenario_fails_with_corrupt_and_missing(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--scenario", "corrupt")
    assert demo.status == 1, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "failed")
    report = demo.report()
    assert report["passed"] is False
    assert {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES - 2, "corrupt": 1, "missing": 1}
    assert report["severities"]["error"] == 2
    assert (report["filesVerified"], report["bytesVerified"]) == (FILES - 2, BYTES - LEDGER_BYTES - LEAF_BYTES)
    assert [(f["class"], f["path"]) for f in demo.findings()] == [
        ("corrupt", "data/ledger.csv"), ("missing", "projects/alpha/src/deep/er/leaf.txt")]
    messages = demo.sns()
    assert [m["subject"] for m in messages] == [f"[efs-backup-verifier] FAILED {demo.fs} run {demo.run_id}"]
    assert messages[0]["message"].startswith("Result: failed\n")
    assert "corrupt data/ledger.csv: sha256 differs" in messages[0]["message"]
    assert "missing projects/alpha/src/deep/er/leaf.txt: absent from restored" in messages[0]["message"]
    metrics = emf(demo)
    assert (metrics["Result"], metrics["RunPassed"], metrics["FindingsError"]) == ("failed", 0, 2)
    assert "VERDICT FAIL" in demo.stdout
    page = demo.page()
    assert '<section class="banner fail" id="verdict">\n<h1>FAIL</h1>' in page
    assert '<tr><td class="mono">data/ledger.csv</td><td>file</td><td>sha256 differs:' in page
    assert '<tr><td class="mono">projects/alpha/src/deep/er/leaf.txt</td><td>file</td><td>absent from restored</td></tr>' in page
    assert "<td>EFS file system (restored)</td>" in page and "<td>deleted</td>" in page and "to be deleted" not in page
    assert "<td>verdict: failed</td>" in page and "time to verdict from backup completion: " in page
    assert f"report.html: s3://{BUCKET}/runs/{demo.fs}/{demo.run_id}/report.html (copy: " in demo.stdout
    with open(demo.result["page"]) as handle:
        assert handle.read() == page
    assert f"Report page: https://" in demo.sns()[0]["message"]
    assert_one_restore_two_tasks(demo)
    assert_clean(demo)


def test_duplicate_events_start_nothing_twice(harness, tmp_path):
    demo = run_demo(harness, tmp_path)
    assert demo.status == 0, demo.stdout + demo.stderr
    facts = demo.result
    one_each = {"restoreJobs": 1, "tasks": 1}
    assert facts["duplicateBackupEvent"] == {"before": one_each, "after": one_each}
    assert facts["duplicateTaskEvent"] == {"role": "post", "before": one_each, "after": one_each}
    # A STOPPED event re-delivered after the verdict publishes nothing more.
    assert facts["lateDuplicate"] == {"snsBefore": 1, "snsAfter": 1}
    calls = harness.control("GET", "/_harness/backup/calls")[1]["calls"]
    # The duplicate never reached StartRestoreJob (the run already records the restore).
    assert [c["input"]["IdempotencyToken"] for c in calls if c["operation"] == "StartRestoreJob"] == [
        f"ebv-restore-{demo.run_id}"]
    assert_one_restore_two_tasks(demo)


def test_reconcile_recovers_lost_events(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--miss-event", "restore", "--miss-event", "restored")
    assert demo.status == 0, demo.stdout + demo.stderr
    assert demo.result["reconciled"] == ["restore", "restored"]
    sent = sorted(os.listdir(os.path.join(demo.out, "events")))
    assert not any("restore-completed" in name or "task-stopped-restored" in name for name in sent), sent
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert run["restoreStatus"] == "COMPLETED" and run["tasks"]["restored"]["exitCode"] == 0
    assert "reconcile tick (recovers the lost restore event)" in demo.stdout
    assert "reconcile tick (recovers the lost restored event)" in demo.stdout
    assert len(demo.sns()) == 1
    assert_one_restore_two_tasks(demo)
    assert_clean(demo)


def test_killed_worker_fails_the_run_alerts_and_still_cleans_up(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--fail-task", "restored")
    assert demo.status == 1, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "task-failed")
    reason = "Essential container in task exited (OutOfMemoryError: Container killed due to memory usage)"
    assert run["resultMessage"] == f"restored manifest task exit code 137: {reason}"
    assert "report" not in run or run["report"] is None
    with pytest.raises(demo.s3.exceptions.NoSuchKey):
        demo.report()
    messages = demo.sns()
    assert [m["subject"] for m in messages] == [f"[efs-backup-verifier] TASK-FAILED {demo.fs} run {demo.run_id}"]
    assert f"Reason: restored manifest task exit code 137: {reason}\n" in messages[0]["message"]
    metrics = emf(demo)
    assert (metrics["Result"], metrics["RunPassed"]) == ("task-failed", 0)
    assert "VERDICT NONE" in demo.stdout
    assert_clean(demo)


def test_window_scenario_classes_changes_during_the_backup_as_changed(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--scenario", "window")
    assert demo.status == 0, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    report = demo.report()
    assert {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES - 1, "changed": 2}
    assert [(f["class"], f["severity"], f["path"]) for f in demo.findings()] == [
        ("changed", "info", "docs/guide/chapter-1.md"), ("changed", "info", "projects/beta/items/item-new.json")]
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] PASSED {demo.fs} run {demo.run_id}"]
    assert_clean(demo)


def test_on_demand_verify_is_two_way_and_catches_silent_corruption(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--trigger", "verify", "--scenario", "corrupt")
    assert demo.status == 1, demo.stdout + demo.stderr
    assert demo.run_id.startswith("verify-") and len(demo.run_id) == len("verify-") + 24
    run = demo.run_document()
    assert (run["origin"], run["phase"], run["result"]) == ("manual", "done", "failed")
    assert sorted(run["tasks"]) == ["restored"]
    report = demo.report()
    assert report["mode"] == "two-way"
    assert {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES - 2, "corrupt": 1, "missing": 1}
    # DescribeRecoveryPoint's CompletionDate closes the window (not the restore job's start).
    point = harness.client("backup").describe_recovery_point(BackupVaultName=run["backupVaultName"], RecoveryPointArn=run["recoveryPointArn"])
    completed_ns = round(point["CompletionDate"].timestamp() * 1_000_000) * 1000
    assert run["recoveryPointCompletedAt"] != run["restoreStartedAt"]
    assert abs(report["windowEndNs"] - completed_ns) < 1_000_000, (report["windowEndNs"], point["CompletionDate"])
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] FAILED {demo.fs} run {demo.run_id}"]
    status, answer = harness.control("GET", "/_harness/backup/restore-jobs")
    assert len(answer["restoreJobs"]) == 1
    assert_clean(demo)


def test_failed_restore_stops_the_post_task_alerts_and_cleans_up(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--fail-restore")
    assert demo.status == 1, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "restore-failed")
    assert run["resultMessage"] == f"restore job {run['restoreJobId']} FAILED: Access denied to KMS key"
    ecs = harness.client("ecs")
    stopped = ecs.describe_tasks(cluster="ebv-demo", tasks=[run["tasks"]["post"]["taskArn"]])["tasks"][0]
    assert (stopped["lastStatus"], stopped["stoppedReason"]) == ("STOPPED", f"efs-backup-verifier run {demo.run_id} finished")
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] RESTORE-FAILED {demo.fs} run {demo.run_id}"]
    assert (emf(demo)["Result"], emf(demo)["RunPassed"]) == ("restore-failed", 0)
    page = demo.page()
    assert "<h1>RESTORE-FAILED</h1>" in page and "Counts per class" not in page
    assert_clean(demo, restored=False)
