"""End to end under AWS's Lambda Runtime Interface Emulator, with faults: a busy AWS
(throttling, 5xx), a bootstrap killed mid-invocation, several execution environments
handling every event at once, a tampered baseline, no baseline, and AWS's published
Restore Job FAILED event. The verdict must not change and nothing may leak."""

from __future__ import annotations

import calendar
import re
import time

import pytest

from demo_runs import assert_clean, assert_one_restore_two_tasks, emf, run_demo

ACCESS_POINTS = "POST /2015-02-01/access-points"


def assert_one_of_each(demo) -> None:
    """No duplicate side effect: one restore, one task per role, one revision, one SNS
    message, one EMF document."""
    assert_one_restore_two_tasks(demo)
    run = demo.run_document()
    assert run["taskDefinitionArn"].endswith(":task-definition/ebv-manifest-worker-restored:1")
    ecs = demo.harness.client("ecs")
    with pytest.raises(ecs.exceptions.ClientException):
        ecs.describe_task_definition(taskDefinition="ebv-manifest-worker-restored:2")
    assert len(demo.sns()) == 1
    emf(demo)


def test_throttling_and_5xx_change_nothing(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--faults", "0.15")
    assert demo.status == 0, demo.stdout + demo.stderr
    assert demo.result["faultsInjected"] > 0
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert demo.report()["passed"] is True
    assert_one_of_each(demo)
    assert_clean(demo)


def test_bootstrap_killed_mid_invocation_and_redelivered(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--kill-bootstrap-at", ACCESS_POINTS)
    assert demo.status == 0, demo.stdout + demo.stderr
    assert demo.result["killed"]["at"] == ACCESS_POINTS
    assert demo.result["bootstrapExits"] == 1
    # The emulator answered the killed invocation 502; Lambda delivered the event again.
    assert [e["status"] for e in demo.result["functionErrors"]] == [502]
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert_one_of_each(demo)
    assert_clean(demo)


def test_concurrent_handlers_one_killed_leak_nothing(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--concurrency", "3", "--kill-bootstrap-at", ACCESS_POINTS)
    assert demo.status == 0, demo.stdout + demo.stderr
    assert demo.result["killed"]["at"] == ACCESS_POINTS
    assert demo.result["bootstrapExits"] == 1
    assert all(len(answers) == 3 for answers in demo.result["concurrentAnswers"])
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert_one_of_each(demo)
    assert_clean(demo)


def rfc3339_ns(text):
    """`YYYY-MM-DDTHH:MM:SS[.fraction]Z` as nanoseconds since the epoch."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z", text)
    assert match, text
    seconds = calendar.timegm(time.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S"))
    return seconds * 1_000_000_000 + int((match.group(2) or "").ljust(9, "0"))


def test_a_diff_too_big_for_lambda_runs_as_a_fargate_task(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--diff-in-fargate")
    assert demo.status == 0, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert sorted(run["tasks"]) == ["diff", "post", "restored"]
    assert run["tasks"]["diff"]["exitCode"] == 0
    assert "pendingReport" not in run or run["pendingReport"] is None
    report = demo.report()
    assert report["passed"] is True and report["mode"] == "three-way"
    ecs = demo.harness.client("ecs")
    stopped = ecs.describe_tasks(cluster="ebv-demo", tasks=ecs.list_tasks(cluster="ebv-demo", desiredStatus="STOPPED")["taskArns"])
    diff = [t for t in stopped["tasks"] if t["group"].endswith(":diff")]
    assert len(diff) == 1 and diff[0]["taskDefinitionArn"].endswith("task-definition/ebv-manifest-worker:1")
    command = diff[0]["overrides"]["containerOverrides"][0]["command"]
    assert command[0] == "diff" and command[-5:-2] == ["--report-dir", f"s3://ebv-demo/runs/{demo.fs}/{demo.run_id}/", "--quiet"]
    # The backup window ends when the backup job completed, as for a diff in Lambda.
    assert command[-2] == "--window-end"
    window_end_ns = rfc3339_ns(command[-1])
    assert abs(window_end_ns - rfc3339_ns(run["backupCompletedAt"])) < 1000, (command[-1], run["backupCompletedAt"])
    assert report["windowEndNs"] == window_end_ns
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] PASSED {demo.fs} run {demo.run_id}"]
    assert_clean(demo)


def test_tampered_baseline_is_rejected_and_alerted(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--tamper-baseline")
    assert demo.status == 1, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "no-baseline")
    assert run.get("baseline") is None and run.get("restoreJobId") is None
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] NO-BASELINE {demo.fs} run {demo.run_id}"]
    assert "VERDICT NONE (no valid baseline)" in demo.stdout
    assert_clean(demo, restored=False)


def test_no_baseline_is_its_own_verdict(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--no-baseline")
    assert demo.status == 1, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "no-baseline")
    assert run["resultMessage"] == "no valid baseline manifest completed before the backup started"
    assert (emf(demo)["Result"], emf(demo)["RunPassed"]) == ("no-baseline", 0)
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] NO-BASELINE {demo.fs} run {demo.run_id}"]
    assert_clean(demo, restored=False)


def test_published_restore_failed_event_fails_the_run_at_once(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--fail-restore", "--published-shape")
    assert demo.status == 1, demo.stdout + demo.stderr
    assert "reconciled" not in demo.result
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "restore-failed")
    assert_clean(demo, restored=False)
