"""End to end: testenv/demo.py drives the REAL manifest-worker and orchestrator binaries
against the harness (DESIGN.md §1), and these tests check the outcome from outside the
driver: the run document and report in S3, the SNS message moto accepted, the EMF line
in the orchestrator's log, the restore jobs and tasks that exist (idempotency), and what
is left in EFS/ECS (cleanup).

The helpers are in demo_runs.py (shared with the other end-to-end tests)."""

from __future__ import annotations

import os

import pytest

from demo_runs import (BUCKET, BYTES, ENTRIES, FILES, LEAF_BYTES, LEDGER_BYTES, assert_clean,
                       assert_one_restore_two_tasks, emf, run_demo)


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
