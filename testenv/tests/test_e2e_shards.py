"""End to end, sharded (docs/orchestrator.md "Sharded runs"): testenv/demo.py with
``--shards 3`` sets the orchestrator's EBV_SHARDS, and the REAL binaries do the rest — a
plan task (manifest-worker plan-shards), three worker tasks per manifest, each part read
by the orchestrator, the set indexes, the diff as a task reading the sets — with the
demo's Fargate stand-in running every task from its RunTask overrides. Checked from
outside: S3 (plan, parts, sets, report), the run document, ECS, SNS and cleanup.

The outcome must be the unsharded run's: the same walks, counts and findings (the
constants are the unsharded tests' numbers for the same tree). Also: a shard killed once
(started again) and twice (task-failed naming it), a killed plan task (walks unsharded), a
sharded scheduled baseline the next run uses, and three execution environments handling
every event at once."""

from __future__ import annotations

import gzip
import hashlib
import json
import re

from demo_runs import (BUCKET, BYTES, ENTRIES, FILES, LEAF_BYTES, LEDGER_BYTES, assert_clean, emf,
                       run_demo)

K = 3
KILLED = "Essential container in task exited (OutOfMemoryError: Container killed due to memory usage)"


def part_keys(prefix: str, role: str) -> list:
    return [f"{prefix}{role}/part-{i:04d}.ndjson.gz" for i in range(K)]


def part_objects(prefix: str, role: str) -> list:
    """The K parts of ``role`` and each part's ends (``<part>.ends.ndjson``)."""
    return [key + suffix for key in part_keys(prefix, role) for suffix in ("", ".ends.ndjson")]


def assert_plan(demo, run: dict, key: str, source: str) -> str:
    """The plan the plan task wrote, as the run recorded it: its digest, K shards of the
    source's entries, none empty. Returns the digest."""
    body = demo.s3_bytes(key)
    digest = hashlib.sha256(body).hexdigest()
    assert run["shardPlan"] == {"key": key, "sourceKey": source, "requested": K, "count": K, "digest": digest}
    plan = json.loads(body)
    assert plan["source"]["entries"] == ENTRIES
    assert [shard["index"] for shard in plan["shards"]] == list(range(K))
    assert all(shard["entries"] > 0 for shard in plan["shards"]), plan["shards"]
    assert sum(shard["entries"] for shard in plan["shards"]) == ENTRIES
    assert run["tasks"]["plan"]["exitCode"] == 0
    return digest


def assert_set(demo, run: dict, role: str, key: str, parts: list, digest: str, entries: int = ENTRIES) -> None:
    """The set index at ``key`` names the plan and the K parts in shard order; each part
    exists, says in its header that it is that shard of that plan, and matches what the
    orchestrator read of it when its task stopped (the run's shard records)."""
    records = run["shardTasks"][role]
    assert [(r["shard"], r["exitCode"], r["manifestKey"]) for r in records] == [(i, 0, parts[i]) for i in range(K)]
    assert run["manifestSets"][role] == key
    index = demo.s3_json(key)
    header_role = "baseline" if role == "baseline-manifest" else role
    assert (index["manifestSet"], index["plan"], index["role"]) == ("efs-backup-verifier/set-1", digest, header_role)
    assert [(p["index"], p["location"]) for p in index["parts"]] == [(i, f"s3://{BUCKET}/{parts[i]}") for i in range(K)]
    assert [(p["entries"], p["entriesSha256"]) for p in index["parts"]] == [
        (r["part"]["entries"], r["part"]["entriesSha256"]) for r in records]
    assert all(p["entries"] > 0 for p in index["parts"]) and sum(p["entries"] for p in index["parts"]) == entries
    for i, part in enumerate(parts):
        lines = gzip.decompress(demo.s3_bytes(part)).splitlines()
        header, trailer = json.loads(lines[0]), json.loads(lines[-1])["trailer"]
        assert header["role"] == header_role
        assert (header["shard"]["index"], header["shard"]["count"], header["shard"]["plan"]) == (i, K, digest)
        assert (trailer["entries"], trailer["entriesSha256"]) == (index["parts"][i]["entries"], index["parts"][i]["entriesSha256"])
        # The ends the orchestrator read instead of the part: its first and last line, byte for byte.
        assert demo.s3_bytes(part + ".ends.ndjson").splitlines() == [lines[0], lines[-1]]


def assert_walks(report: dict, restored: tuple = (ENTRIES, FILES)) -> None:
    """Each manifest's walk as the unsharded run reports it (a set's walk is its parts' together)."""
    assert {role: (walk["entries"], walk["files"]) for role, walk in report["walks"].items()} == {
        "baseline": (ENTRIES, FILES), "post": (ENTRIES, FILES), "restored": restored}


def test_three_shards_per_manifest_pass_like_one_task(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--shards", str(K))
    assert demo.status == 0, demo.stdout + demo.stderr
    assert demo.seconds < 60
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    prefix = f"manifests/{demo.fs}/runs/{demo.run_id}/"
    baseline = demo.result["baselineKey"]
    assert run["baseline"]["key"] == baseline
    digest = assert_plan(demo, run, prefix + "plan.json", source=baseline)
    for role in ("post", "restored"):
        assert_set(demo, run, role, f"{prefix}{role}.set.json", part_keys(prefix, role), digest)
    assert demo.keys(prefix) == sorted([prefix + "plan.json", prefix + "post.set.json", prefix + "restored.set.json",
                                        *part_objects(prefix, "post"), *part_objects(prefix, "restored")])
    # No unsharded manifest task; the plan and the diff ran as tasks, each once.
    assert sorted(run["tasks"]) == ["diff", "plan"] and run["tasks"]["diff"]["exitCode"] == 0
    groups = ["plan", "diff"] + [f"{role}:{i}" for role in ("post", "restored") for i in range(K)]
    assert demo.tasks() == {group: [0] for group in groups}
    # The diff task read the two sets as manifests.
    assert demo.task_command("diff")[:5] == ["diff", f"s3://{BUCKET}/{baseline}", "--post",
                                             f"s3://{BUCKET}/{prefix}post.set.json", f"s3://{BUCKET}/{prefix}restored.set.json"]
    # The report of an unsharded run of the same tree.
    report = demo.report()
    assert report["passed"] is True and report["mode"] == "three-way"
    assert (report["entriesCompared"], report["filesVerified"], report["bytesVerified"]) == (ENTRIES, FILES, BYTES)
    assert {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES}
    assert_walks(report)
    assert demo.findings() == []
    messages = demo.sns()
    assert [m["subject"] for m in messages] == [f"[efs-backup-verifier] PASSED {demo.fs} run {demo.run_id}"]
    body = messages[0]["message"]
    assert body.startswith(f"Result: passed\nFile system: {demo.fs}\nRun: {demo.run_id} (backup)\n")
    assert f"PASS: no findings\nthree-way diff of {ENTRIES} paths: {FILES} files verified, {BYTES} bytes" in body
    assert f"\nWalks:\n  baseline: " in body and f"\n  post: 0s, {ENTRIES} entries, {FILES} files, {BYTES} bytes" in body
    assert f"\n  restored: 0s, {ENTRIES} entries, {FILES} files, {BYTES} bytes" in body
    # Under each sharded role: the balance, then every shard's walk with its task's run time
    # (from the task state change event's startedAt and stoppedAt).
    for role in ("post", "restored"):
        lines = body.split(f"\n  {role}: ", 1)[1].split("\n")[1:K + 2]
        assert lines[0].startswith(f"    shards: {K}, balance "), lines
        for i, line in enumerate(lines[1:]):
            assert re.fullmatch(rf"    shard {i} of {K}: \d+s, \d+ entries, .* \(task ran \d+s\)", line), line
    assert (emf(demo)["Result"], emf(demo)["FilesVerified"]) == ("passed", FILES)
    status, answer = harness.control("GET", "/_harness/backup/restore-jobs")
    assert [job["RestoreJobId"] for job in answer["restoreJobs"]] == [run["restoreJobId"]]
    assert "Fargate: task post shard 2 " in demo.stdout and "VERDICT PASS" in demo.stdout
    assert_clean(demo)


def test_three_shards_find_the_corrupt_and_the_missing_file(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--shards", str(K), "--scenario", "corrupt")
    assert demo.status == 1, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"], run["shardPlan"]["count"]) == ("done", "failed", K)
    prefix = f"manifests/{demo.fs}/runs/{demo.run_id}/"
    digest = run["shardPlan"]["digest"]
    assert_set(demo, run, "restored", f"{prefix}restored.set.json", part_keys(prefix, "restored"), digest, ENTRIES - 1)
    report = demo.report()
    assert report["passed"] is False
    assert {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES - 2, "corrupt": 1, "missing": 1}
    assert (report["filesVerified"], report["bytesVerified"]) == (FILES - 2, BYTES - LEDGER_BYTES - LEAF_BYTES)
    assert_walks(report, restored=(ENTRIES - 1, FILES - 1))
    assert [(f["class"], f["path"]) for f in demo.findings()] == [
        ("corrupt", "data/ledger.csv"), ("missing", "projects/alpha/src/deep/er/leaf.txt")]
    messages = demo.sns()
    assert [m["subject"] for m in messages] == [f"[efs-backup-verifier] FAILED {demo.fs} run {demo.run_id}"]
    assert "corrupt data/ledger.csv: sha256 differs" in messages[0]["message"]
    assert "missing projects/alpha/src/deep/er/leaf.txt: absent from restored" in messages[0]["message"]
    assert_clean(demo)


def test_a_shard_killed_once_is_started_again_and_the_run_passes(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--shards", str(K), "--fail-shard", "post:1")
    assert demo.status == 0, demo.stdout + demo.stderr
    assert demo.result["killedShards"] == ["post:1"]
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    again = run["shardTasks"]["post"][1]
    assert (again["exitCode"], again["startAttempt"], again["restartedAfterExit"]) == (0, 2, True)
    assert again["clientToken"] == f"ebv-post-s1-2-{demo.run_id}"
    tasks = demo.tasks()
    assert tasks.pop("post:1") == [0, 137]
    assert tasks == {group: [0] for group in ["plan", "diff", "post:0", "post:2", "restored:0", "restored:1", "restored:2"]}
    report = demo.report()
    assert report["passed"] is True and {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES}
    assert_walks(report)
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] PASSED {demo.fs} run {demo.run_id}"]
    assert_clean(demo)


def test_a_shard_killed_twice_fails_the_run_naming_it(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--shards", str(K), "--fail-shard", "restored:2:twice")
    assert demo.status == 1, demo.stdout + demo.stderr
    assert demo.result["killedShards"] == ["restored:2", "restored:2"]
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "task-failed")
    # Human text counts shards from 0, as --shard and the set index do: shard 2 is the third of three.
    reason = f"restored shard 2 of 3 manifest task exit code 137: {KILLED} (start 2)"
    assert run["resultMessage"] == reason
    assert "restored" not in (run.get("manifestSets") or {})
    tasks = demo.tasks()
    assert tasks.pop("restored:2") == [137, 137]
    assert tasks == {group: [0] for group in ["plan", "post:0", "post:1", "post:2", "restored:0", "restored:1"]}
    assert demo.keys(f"runs/{demo.fs}/{demo.run_id}/report.json") == []
    messages = demo.sns()
    assert [m["subject"] for m in messages] == [f"[efs-backup-verifier] TASK-FAILED {demo.fs} run {demo.run_id}"]
    assert f"Reason: {reason}\n" in messages[0]["message"]
    assert (emf(demo)["Result"], emf(demo)["RunPassed"]) == ("task-failed", 0)
    assert_clean(demo)


def test_a_failed_plan_walks_each_manifest_with_one_task(harness, tmp_path):
    """The plan task is killed: not a failure of the run — it walks unsharded."""
    demo = run_demo(harness, tmp_path, "--shards", str(K), "--fail-task", "plan")
    assert demo.status == 0, demo.stdout + demo.stderr
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert (run["shardPlan"]["requested"], run["shardPlan"]["count"], run["shardPlan"].get("digest")) == (K, 1, None)
    assert run.get("shardTasks") is None and run.get("manifestSets") is None
    assert demo.tasks() == {"plan": [137], "post": [0], "restored": [0]}
    assert any(line.endswith(f" plan task exit code 137: {KILLED}; walking with one task per manifest")
               for line in run["history"]), run["history"]
    assert "shard plan failed; walking with one task per manifest" in [line.get("message") for line in demo.log_lines()]
    report = demo.report()
    assert report["passed"] is True and {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES}
    assert_walks(report)
    assert_clean(demo)


def test_a_sharded_scheduled_baseline_is_a_set_the_next_run_uses(harness, tmp_path):
    demo = run_demo(harness, tmp_path, "--baseline-action", "--shards", str(K))
    assert demo.status == 0, demo.stdout + demo.stderr
    previous = demo.result["previousBaselineKey"]
    baseline_id = demo.result["baselineRun"]["runId"]
    document = demo.s3_json(f"runs/{demo.fs}/{baseline_id}.json")
    assert (document["origin"], document["phase"], document["result"]) == ("baseline", "done", "passed")
    # Planned from the previous baseline; every file read (no full read recorded yet).
    assert document["baseline"]["key"] == previous and document.get("reuseFrom") is None
    shards = f"manifests/{demo.fs}/baseline-shards/{baseline_id}/"
    digest = assert_plan(demo, document, shards + "plan.json", source=previous)
    key = f"manifests/{demo.fs}/baseline/{baseline_id}.set.json"
    assert document["baselineOutputKey"] == key
    assert_set(demo, document, "baseline-manifest", key, part_keys(shards, "baseline-manifest"), digest)
    assert demo.keys(shards) == sorted([shards + "plan.json", *part_objects(shards, "baseline-manifest")])
    assert demo.keys(f"manifests/{demo.fs}/baseline/") == sorted([previous, key])
    assert demo.tasks(baseline_id) == {group: [0] for group in ["plan"] + [f"baseline-manifest:{i}" for i in range(K)]}
    full = demo.s3_json(f"runs/{demo.fs}/baseline-full.json")
    assert (full["key"], full["runId"]) == (key, baseline_id)
    assert document["resultMessage"] == f"baseline {key} complete (full read, {K} shards)"
    # The backup's run found the set as its baseline, planned from it, and passed.
    run = demo.run_document()
    assert (run["phase"], run["result"]) == ("done", "passed")
    assert (run["baseline"]["key"], run["baseline"]["entries"]) == (key, ENTRIES)
    assert (run["shardPlan"]["sourceKey"], run["shardPlan"]["count"]) == (key, K)
    assert demo.task_command("diff")[:2] == ["diff", f"s3://{BUCKET}/{key}"]
    report = demo.report()
    assert report["passed"] is True and {k: v for k, v in report["counts"].items() if v} == {"match": ENTRIES}
    assert_walks(report)
    # A completed baseline is not news: one summary (the run's).
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] PASSED {demo.fs} run {demo.run_id}"]
    assert_clean(demo)


def test_three_environments_handling_every_shard_event_do_everything_once(harness, tmp_path):
    """A sharded run's events arrive together (K tasks stop at about the same time), so
    invocations racing on one run are its normal case: here every event goes to three
    environments at once. One task per shard (and one more for the shard killed once), one
    revision, one summary, one EMF line; none of it left waiting on a claim."""
    demo = run_demo(harness, tmp_path, "--shards", str(K), "--concurrency", "3", "--fail-shard", "post:2")
    assert demo.status == 0, demo.stdout + demo.stderr
    assert all(len(answers) == 3 for answers in demo.result["concurrentAnswers"])
    run = demo.run_document()
    assert (run["phase"], run["result"], run["shardPlan"]["count"]) == ("done", "passed", K)
    assert (run["notified"], run["metricsEmitted"]) == (True, True)
    tasks = demo.tasks()
    assert tasks.pop("post:2") == [0, 137]
    assert tasks == {group: [0] for group in ["plan", "diff", "post:0", "post:1", "restored:0", "restored:1", "restored:2"]}
    assert run["taskDefinitionArn"].endswith(":task-definition/ebv-manifest-worker-restored:1")
    assert [m["subject"] for m in demo.sns()] == [f"[efs-backup-verifier] PASSED {demo.fs} run {demo.run_id}"]
    assert emf(demo)["RunPassed"] == 1
    assert_walks(demo.report())
    assert_clean(demo)
