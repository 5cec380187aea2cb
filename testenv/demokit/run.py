"""The demo's run: plays EventBridge, Fargate and AWS Backup around the real binaries
until the orchestrator's run is terminal, then reads the verdict and proves cleanup.
``testenv/demo.py`` is the command line around it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import tempfile
import threading
import time

from . import events, outcome, tree, world
from .fargate import Fargate, slot_name, task_slot
from .lambda_runtime import LambdaRuntime
from .world import BUCKET, CLUSTER, CONTAINER, MOUNT_PATH, TOPIC

MISSABLE = ("restore", "post", "restored")
RESTORE_FAILURE = "Access denied to KMS key"


class DemoError(Exception):
    pass


class Demo:
    def __init__(self, args, harness, out: str):
        self.args = args
        self.harness = harness
        self.out = out
        self.build = os.path.abspath(args.build_dir)
        self.worker = os.path.join(self.build, "manifest-worker")
        self.orchestrator = os.path.join(self.build, "orchestrator")
        self.started = time.monotonic()
        self.sent = 0
        self.facts: dict = {"scenario": args.scenario, "missedEvents": sorted(args.miss_event), "steps": []}
        #: ``--fail-shard``: (role, shard) → how many of its starts are still to be killed.
        self.shard_kills = {(role, shard): times for role, shard, times in args.fail_shard}
        self.base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": out, "LANG": "C.UTF-8",
                         **harness.aws_environment()}

    # -- narrative -------------------------------------------------------------------------

    def say(self, text: str) -> None:
        line = f"[{time.monotonic() - self.started:5.1f}s] {text}"
        self.facts["steps"].append(text)
        print(line, flush=True)

    # -- the binaries ----------------------------------------------------------------------

    def orchestrate(self, name: str, event: dict | None) -> dict:
        """Delivers one event (None: a reconcile tick) to the orchestrator: by default an
        invocation of the bootstrap under the Lambda Runtime Interface Emulator
        (``--runtime lambda``); with ``--runtime cli``, ``orchestrator handle --event FILE``
        (or ``reconcile``), whose stderr (JSON logs) and stdout (EMF, response) go to
        orchestrator.log."""
        self.sent += 1
        if self.runtime is not None:
            return self.invoke(name, event if event is not None else {"action": "reconcile"})
        if event is None:
            argv = [self.orchestrator, "reconcile", "--timeout", "120"]
        else:
            path = os.path.join(self.out, "events", f"{self.sent:02d}-{name}.json")
            with open(path, "w") as handle:
                json.dump(event, handle, indent=1)
            argv = [self.orchestrator, "handle", "--event", path, "--timeout", "120"]
        completed = subprocess.run(argv, env={**self.base_env, **self.orchestrator_env}, capture_output=True, text=True)
        with open(os.path.join(self.out, "orchestrator.log"), "a") as log:
            log.write(completed.stderr)
            log.write(completed.stdout)
        if completed.returncode != 0:
            raise DemoError(f"orchestrator {' '.join(argv[1:])} exited {completed.returncode}: {completed.stderr.strip()[-800:]}")
        lines = [line for line in completed.stdout.splitlines() if line.strip()]
        responses = [json.loads(line) for line in lines if line.startswith("{") and '"_aws"' not in line]
        return responses[-1] if responses else {}

    def invoke(self, name: str, event: dict) -> dict:
        """One asynchronous invocation as Lambda makes it: a function error (or a bootstrap
        that died) is retried twice with the same event; ``--kill-bootstrap-at`` kills the
        bootstrap while its call is held by the harness, then lets the call complete."""
        path = os.path.join(self.out, "events", f"{self.sent:02d}-{name}.json")
        with open(path, "w") as handle:
            json.dump(event, handle, indent=1)
        for attempt in range(3):
            status, answer = self.invoke_once(event)
            if status == 200 and "errorType" not in answer:
                return answer
            self.facts.setdefault("functionErrors", []).append(
                {"event": name, "attempt": attempt + 1, "status": status, "errorType": answer.get("errorType")})
            self.say(f"Lambda: invocation {name} failed (HTTP {status}, {answer.get('errorType')}); "
                     + ("retrying with the same event" if attempt < 2 else "giving up"))
        raise DemoError(f"invocation {name}: HTTP {status}: {answer.get('errorType')}: {str(answer.get('errorMessage'))[-800:]}")

    def invoke_once(self, event: dict) -> tuple[int, dict]:
        """Delivers ``event`` to every execution environment at once (``--concurrency``, as
        Lambda may run duplicates side by side); the first good answer counts."""
        arm_kill = bool(self.args.kill_bootstrap_at) and not self.facts.get("killed")
        if len(self.runtimes) == 1 and not arm_kill:
            return self.runtime.invoke(event)
        answers: list = [None] * len(self.runtimes)

        def call(index: int) -> None:
            answers[index] = self.runtimes[index].invoke(event)

        callers = [threading.Thread(target=call, args=(i,), daemon=True) for i in range(len(self.runtimes))]
        for caller in callers:
            caller.start()
        while any(caller.is_alive() for caller in callers):
            # The gate: every call finished, or the harness holds the chosen request.
            faults = self.harness.control("GET", "/_harness/faults") if arm_kill else {}
            if faults.get("holding"):
                # The environment whose bootstrap made the held request.
                holder = next((i for i, runtime in enumerate(self.runtimes)
                               if faults.get("heldPort") and runtime.owns_connection(faults["heldPort"])), None)
                if holder is None:
                    raise DemoError(f"no bootstrap owns the held request's connection (port {faults.get('heldPort')})")
                pids = self.runtimes[holder].kill_bootstrap()
                self.facts["killed"] = {"at": self.args.kill_bootstrap_at, "pids": pids, "environment": holder}
                self.say(f"Lambda: bootstrap {pids} (environment {holder}) SIGKILLed while its "
                         f"{self.args.kill_bootstrap_at} was in flight")
                self.harness.control("POST", "/_harness/faults/release")
                arm_kill = False
            for caller in callers:
                caller.join(0.02)
        if len(self.runtimes) > 1:
            self.facts.setdefault("concurrentAnswers", []).append(
                [(a[0], a[1].get("errorType") or a[1].get("status")) if a else None for a in answers])
        good = [a for a in answers if a and a[0] == 200 and "errorType" not in a[1]]
        return good[0] if good else next((a for a in answers if a), (0, {"errorType": "Invoke.NoAnswer"}))

    def start_runtime(self) -> None:
        """The bootstrap under the Runtime Interface Emulator (``--runtime lambda``)."""
        self.runtime = None
        if self.args.runtime == "lambda":
            for _ in range(self.args.concurrency):
                self.runtimes.append(LambdaRuntime(self.orchestrator, {**self.base_env, **self.orchestrator_env}, self.out,
                                                   rie=self.args.rie))
            self.runtime = self.runtimes[0]
            self.say(f"Lambda: orchestrator as the bootstrap of the Runtime Interface Emulator at "
                     + ", ".join(f"127.0.0.1:{r.port}" for r in self.runtimes)
                     + (f" ({len(self.runtimes)} execution environments, each event delivered to all)" if len(self.runtimes) > 1 else ""))
        elif self.args.concurrency > 1:
            raise DemoError("--concurrency needs --runtime lambda")
        elif self.args.kill_bootstrap_at:
            raise DemoError("--kill-bootstrap-at needs --runtime lambda")

    def start_faults(self) -> None:
        """``--faults RATE`` / ``--kill-bootstrap-at REQUEST``: the harness misbehaves for the SDK."""
        spec = {}
        if self.args.faults:
            spec.update(rate=self.args.faults, seed=7)
        if self.args.kill_bootstrap_at:
            spec["hold"] = self.args.kill_bootstrap_at
        if spec:
            self.harness.control("POST", "/_harness/faults", spec)
            self.say("local AWS: " + ", ".join(filter(None, [
                f"{self.args.faults:.0%} of SDK requests answered with throttling or a 5xx" if self.args.faults else "",
                f"holding the first {self.args.kill_bootstrap_at}" if self.args.kill_bootstrap_at else ""])))

    def stop_faults(self) -> None:
        if self.args.faults or self.args.kill_bootstrap_at:
            state = self.harness.control("GET", "/_harness/faults")
            self.harness.control("POST", "/_harness/faults/release")
            self.harness.control("POST", "/_harness/faults", {})
            self.facts["faultsInjected"] = len(state["injected"])
            self.say(f"local AWS: faults off ({len(state['injected'])} injected)")

    def send(self, name: str, event: dict) -> dict:
        response = self.orchestrate(name, event)
        kind = event.get("detail-type") or f"{{\"action\":\"{event.get('action')}\"}}"
        self.say(f"event {kind} {name} -> orchestrator: {_brief(response)}")
        return response

    # -- state -----------------------------------------------------------------------------

    def run_document(self) -> dict | None:
        try:
            body = self.harness.client("s3").get_object(Bucket=BUCKET, Key=f"runs/{self.fs}/{self.run_id}.json")["Body"]
        except self.harness.client("s3").exceptions.NoSuchKey:
            return None
        return json.loads(body.read())

    def restore_jobs(self) -> list:
        return self.harness.control("GET", "/_harness/backup/restore-jobs")["restoreJobs"]

    def counts(self) -> dict:
        return {"restoreJobs": len(self.restore_jobs()), "tasks": len(self.fargate.all_tasks())}

    # -- the steps -------------------------------------------------------------------------

    def fixtures(self) -> None:
        self.world = world.create(self.harness)
        self.fs, self.fs_arn = self.world.fs, self.world.fs_arn
        self.orchestrator_env = self.world.orchestrator_environment()
        # The orchestrator passes --reuse-from (EBV_REUSE) only to a worker that has it.
        listed = subprocess.run([self.worker, "--list-settings"], capture_output=True, text=True, check=True).stdout
        if "EBV_REUSE_FROM" not in listed:
            self.orchestrator_env["EBV_REUSE"] = "false"
        if self.args.diff_in_fargate:
            self.orchestrator_env["EBV_DIFF_IN_LAMBDA_MAX_ENTRIES"] = "1"
        if self.args.shards is not None:
            self.orchestrator_env["EBV_SHARDS"] = str(self.args.shards)
        self.say(f"fixtures: bucket {BUCKET}, topic {TOPIC}, cluster {CLUSTER}, production file system {self.fs}, "
                 f"subnets {','.join(self.world.subnets)}, security group {self.world.security_group}, "
                 f"worker task definition {world.WORKER_FAMILY}:1 (production, read-only)")
        self.volumes = {self.fs: os.path.join(self.out, "efs", self.fs)}
        self.fargate = Fargate(self.harness, CLUSTER, self.worker, CONTAINER, self.volumes, self.base_env, self.out)

    def production(self) -> None:
        root = os.fsencode(self.volumes[self.fs])
        counts = tree.build_production(root)
        self.production_fingerprint = tree.fingerprint(root)
        self.say(f"production tree {self.volumes[self.fs]}: {counts['entries']} entries ({counts['files']} files, "
                 f"{counts['dirs']} dirs, {counts['symlinks']} symlinks; a hard link, an empty file, a non-UTF-8 name), "
                 f"{counts['bytes']} bytes")

    def baseline_by_action(self) -> str:
        """``--baseline-action``: the schedule's event; the orchestrator starts the baseline
        task, Fargate runs it, its STOPPED event completes the baseline run. The key."""
        scheduled = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        event = {"action": "baseline", "fileSystemId": self.fs, "scheduledTime": scheduled}
        run_id = self.send("baseline", event)["runId"]
        self.send("baseline-duplicate", event)
        for _ in range(8):  # sharded: the plan task, then the shards (a failed one started again)
            pending = self.fargate.pending()
            if not pending:
                break
            for task in pending:
                self.send(_stopped_name(task), self.run_task(task))
        body = self.harness.client("s3").get_object(Bucket=BUCKET, Key=f"runs/{self.fs}/{run_id}.json")["Body"]
        run = json.loads(body.read())
        self.facts["baselineRun"] = {"runId": run_id, "phase": run["phase"], "result": run.get("result")}
        if run.get("result") != "passed":
            raise DemoError(f"baseline run {run_id}: {run.get('result')}: {run.get('resultMessage')}")
        return run["baselineOutputKey"]

    def baseline(self) -> None:
        if self.args.baseline_action:
            if (self.args.shards or 1) > 1:
                # A sharded baseline is planned from the previous one: take that first.
                self.worker_baseline()
                self.facts["previousBaselineKey"] = self.facts["baselineKey"]
            key = self.baseline_by_action()
            self.facts["baselineKey"] = key
            self.say(f"baseline: by the orchestrator ({{\"action\":\"baseline\"}}) -> s3://{BUCKET}/{key}")
            return
        self.worker_baseline()

    def worker_baseline(self) -> None:
        """The baseline manifest written by the worker itself (unsharded), as a schedule
        outside the orchestrator would."""
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
        key = f"manifests/{self.fs}/baseline/{stamp}.ndjson.gz"
        argv = [self.worker, "generate", self.volumes[self.fs], "-o", f"s3://{BUCKET}/{key}",
                "--role", "baseline", "--file-system-id", self.fs]
        completed = subprocess.run(argv, env=self.base_env, capture_output=True, text=True)
        with open(os.path.join(self.out, "worker-baseline.log"), "a") as log:
            log.write("$ " + " ".join(argv) + "\n" + completed.stdout + completed.stderr)
        if completed.returncode != 0:
            raise DemoError(f"baseline manifest-worker exited {completed.returncode}: {completed.stderr.strip()}")
        self.facts["baselineKey"] = key
        if self.args.tamper_baseline:
            s3 = self.harness.client("s3")
            body = bytearray(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
            body[len(body) // 2] ^= 0x01
            s3.put_object(Bucket=BUCKET, Key=key, Body=bytes(body))
            self.say(f"baseline TAMPERED: one bit of s3://{BUCKET}/{key} flipped after it was written")
        summary = _first_line(completed.stdout).partition(": ")[2] or _first_line(completed.stdout)
        self.say(f"baseline: manifest-worker generate {self.volumes[self.fs]} -o s3://{BUCKET}/{key}: {summary}")

    def change_during_window(self) -> None:
        """The window scenario: production changes after the baseline, before the backup."""
        root = os.fsencode(self.volumes[self.fs])
        tree.change(root)
        self.production_fingerprint = tree.fingerprint(root)
        self.say(f"production changes during the backup window: {tree.CHANGED_PATH.decode()} rewritten, "
                 f"{tree.ADDED_PATH.decode()} created")

    def backup(self) -> dict:
        now = time.time()
        job = self.harness.control("POST", "/_harness/backup/backup-jobs", {
            "ResourceArn": self.fs_arn, "BackupVaultName": "demo-vault", "CreationDate": now, "CompletionDate": now + 0.5})
        self.run_id = job["BackupJobId"]
        self.facts["runId"] = self.run_id
        self.say(f"AWS Backup: job {self.run_id} COMPLETED, recovery point {job['RecoveryPointArn'].rsplit(':', 1)[-1]}")
        described = self.harness.client("backup").describe_backup_job(BackupJobId=self.run_id)
        return events.backup_job_state_change(described, self.harness.region)

    def complete_restore(self, job: dict) -> dict:
        done = self.harness.control("POST", f"/_harness/backup/restore-jobs/{job['RestoreJobId']}/status", {"status": "COMPLETED"})
        restored_fs = done["CreatedResourceArn"].rsplit("/", 1)[-1]
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H-%M-%S-%f")[:-3] + "Z"
        volume = os.path.join(self.out, "efs", restored_fs)
        data = os.path.join(volume, f"aws-backup-restore_{stamp}")
        tree.copy_tree(os.fsencode(self.volumes[self.fs]), os.fsencode(data))
        if self.args.scenario == "corrupt":
            tree.damage(os.fsencode(data))
        self.volumes[restored_fs] = volume
        self.facts["restoredFileSystemId"] = restored_fs
        what = {"pass": "an exact copy", "window": "an exact copy (of the changed file's new version)"}.get(
            self.args.scenario,
            f"a copy with {tree.CORRUPT_PATH.decode()} altered (same size and mtime) and {tree.MISSING_PATH.decode()} lost")
        self.say(f"AWS Backup: restore {job['RestoreJobId']} COMPLETED into new file system {restored_fs}: "
                 f"{what}, under aws-backup-restore_{stamp}/")
        described = self.harness.client("backup").describe_restore_job(RestoreJobId=job["RestoreJobId"])
        return events.restore_job_state_change(described, self.harness.region)

    def run_task(self, task: dict) -> dict:
        role, shard = task_slot(task)
        killed = role in self.args.fail_task if shard is None else self.kill_shard(role, shard)
        ran = self.fargate.run(task, killed=killed)
        if ran.role == "restored":
            self.facts["restoredRevision"] = ran.definition
        mode = "read-only" if ran.read_only else "READ-WRITE"
        did = "was killed" if killed else f"ran manifest-worker {' '.join(ran.argv[1:3])} ..."
        self.say(f"Fargate: task {slot_name(role, shard)} ({ran.task_definition.rsplit('/', 1)[-1]}, {ran.file_system_id} "
                 f"{mode} at {MOUNT_PATH}) {did} -> exit {ran.exit_code}: {_first_line(ran.output)}")
        described = self.fargate.describe(task["taskArn"])
        # What Fargate's event says of a task that ran: when it started and stopped.
        described.setdefault("startedAt", ran.started_at)
        described.setdefault("stoppedAt", ran.stopped_at)
        return events.task_state_change(described, self.harness.region)

    def kill_shard(self, role: str, shard: int) -> bool:
        """``--fail-shard ROLE:I[:twice]``: whether this start of that shard is killed (its
        first start; with ``twice`` its first two)."""
        left = self.shard_kills.get((role, shard), 0)
        if left:
            self.shard_kills[(role, shard)] = left - 1
            self.facts.setdefault("killedShards", []).append(f"{role}:{shard}")
        return left > 0

    def deliver(self, what: str, name: str, event: dict, label: str | None = None) -> bool:
        """Sends the event, unless ``--miss-event`` loses it (``what``: restore, post,
        restored; ``label`` names it in the narrative, e.g. ``post shard 1``); True when sent."""
        if what in self.args.miss_event:
            self.missed.append(label or what)
            self.say(f"event {event['detail-type']} {name} is LOST (not sent)")
            return False
        self.send(name, event)
        return True

    def tasks_round(self, pending: list) -> None:
        """Fargate runs every pending task; EventBridge delivers each STOPPED event (the
        first one twice, to show a duplicate changes nothing)."""
        for task in pending:
            event = self.run_task(task)
            role, shard = task_slot(task)
            name = _stopped_name(task)
            if not self.deliver(role, name, event, slot_name(role, shard)):
                continue
            if "duplicateTaskEvent" not in self.facts:
                before = self.counts()
                self.send(f"{name}-duplicate", event)
                after = self.counts()
                self.facts["duplicateTaskEvent"] = {"role": role, "before": before, "after": after}
                self.say(f"duplicate STOPPED event ({role}): restore jobs {before['restoreJobs']} -> "
                         f"{after['restoreJobs']}, tasks {before['tasks']} -> {after['tasks']}")
            self.last_stopped = (name, event)

    def restore_fails(self, job: dict) -> None:
        """``--fail-restore``: the restore job FAILS while the post task still runs; the
        orchestrator must stop that task, alert, and clean up."""
        self.harness.control("POST", f"/_harness/backup/restore-jobs/{job['RestoreJobId']}/status",
                             {"status": "FAILED", "fields": {"StatusMessage": RESTORE_FAILURE}})
        self.say(f"AWS Backup: restore {job['RestoreJobId']} FAILED: {RESTORE_FAILURE}")
        described = self.harness.client("backup").describe_restore_job(RestoreJobId=job["RestoreJobId"])
        event = events.restore_job_state_change(described, self.harness.region)
        if self.args.published_shape:
            # AWS Backup's published FAILED sample carries only these (no sourceResourceArn,
            # no recoveryPointArn): the run must be found by restoreJobId.
            keep = ("restoreJobId", "resourceType", "status", "statusMessage", "percentDone", "creationDate", "iamRoleArn")
            event["detail"] = {k: v for k, v in event["detail"].items() if k in keep}
            event["resources"] = []
        self.deliver("restore", "restore-failed", event)
        # ECS reports the tasks the orchestrator stopped.
        for task in self.fargate.all_tasks():
            if task["lastStatus"] == "STOPPED" and task["taskArn"] not in self.fargate.reported:
                self.fargate.reported.add(task["taskArn"])
                role, shard = task_slot(task)
                self.say(f"ECS: task {slot_name(role, shard)} stopped by the orchestrator ({task.get('stoppedReason')})")
                self.deliver(role, _stopped_name(task), events.task_state_change(task, self.harness.region),
                             slot_name(role, shard))

    def drive(self, backup_event: dict) -> dict:
        """Plays AWS until the run is terminal; returns the final run document."""
        if self.args.trigger == "verify":
            # On-demand verification of the recovery point: no post manifest, a two-way diff.
            first = {"action": "verify", "recoveryPointArn": backup_event["resources"][0], "fileSystemId": self.fs}
            name, kind = "verify", "verify action"
        else:
            first, name, kind = backup_event, "backup-completed", "Backup event"
        response = self.send(name, first)
        self.run_id = response.get("runId", self.run_id)
        self.facts["runId"] = self.run_id
        before = self.counts()
        self.send(f"{name}-duplicate", first)
        after = self.counts()
        self.facts["duplicateBackupEvent"] = {"before": before, "after": after}
        self.say(f"duplicate {kind}: restore jobs {before['restoreJobs']} -> {after['restoreJobs']}, "
                 f"tasks {before['tasks']} -> {after['tasks']}")
        self.missed: list[str] = []
        self.last_stopped = None
        for _ in range(12):
            run = self.run_document()
            if run is None:
                raise DemoError(f"no run document runs/{self.fs}/{self.run_id}.json")
            if run["phase"] == "done":
                break
            pending = self.fargate.pending()
            jobs = [j for j in self.restore_jobs() if j["RestoreJobId"] == run.get("restoreJobId")]
            restore_open = bool(jobs) and jobs[0]["Status"] not in ("COMPLETED", "FAILED", "ABORTED")
            if restore_open and self.args.fail_restore:
                self.restore_fails(jobs[0])
            elif pending:
                self.tasks_round(pending)
            elif restore_open:
                event = self.complete_restore(jobs[0])
                self.deliver("restore", "restore-completed", event)
            elif run["phase"] == "finishing" and self.retry_wait(run) is not None:
                time.sleep(self.retry_wait(run))  # the orchestrator's own backoff before it retries a side effect
                response = self.orchestrate("reconcile", None)
                self.say(f"reconcile tick (retries a failed side effect) -> orchestrator: {_brief(response)}")
            elif self.missed:
                response = self.orchestrate("reconcile", None)
                self.say(f"reconcile tick (recovers the lost {', '.join(self.missed)} "
                         f"event{'s' if len(self.missed) > 1 else ''}) -> orchestrator: {_brief(response)}")
                self.facts.setdefault("reconciled", []).extend(self.missed)
                self.missed = []
            else:
                self.facts["stuckRun"] = run  # in result.json, to see what it waits for
                raise DemoError(f"the run is stuck in phase {run['phase']}: nothing for AWS to do")
        else:
            raise DemoError("the run did not finish within 12 rounds")
        if self.last_stopped is not None:
            published = len(self.sns_messages())
            name, event = self.last_stopped
            self.send(f"{name}-late-duplicate", event)
            self.facts["lateDuplicate"] = {"snsBefore": published, "snsAfter": len(self.sns_messages())}
        return self.run_document()

    @staticmethod
    def retry_wait(run: dict) -> float | None:
        """Seconds until the first failed side effect of ``run`` may be retried, if any."""
        pending = [f for f in (run.get("sideEffectFailures") or {}).values() if not f.get("gaveUp")]
        if not pending:
            return None
        due = min(dt.datetime.fromisoformat(f["retryAt"].replace("Z", "+00:00")) for f in pending)
        return max(0.0, (due - dt.datetime.now(dt.timezone.utc)).total_seconds()) + 0.05

    def sns_messages(self) -> list:
        return outcome.sns_messages(self.harness, self.world.topic_arn)

    def verdict(self, run: dict) -> None:
        found = outcome.read(self.harness, self.world, self.run_id)
        self.facts.update(run=run, report=found["report"], summary=found["summary"], sns=found["sns"])
        verdict = {"passed": "PASS", "failed": "FAIL", "no-baseline": "NONE (no valid baseline)"}.get(
            run.get("result"), "NONE (no diff)")
        self.say(f"run {self.run_id}: phase {run['phase']}, result {run.get('result')} ({run.get('resultMessage')}) "
                 f"— VERDICT {verdict}")
        outcome.print_outcome(found)
        self.save_page(found)

    def save_page(self, found: dict) -> None:
        """Copies the run's report.html out of S3 to a file people can open: into the output
        directory when it is kept, else beside it in the temporary directory."""
        if found["page"] is None:
            self.say(f"report.html: none at {found['pageKey']}")
            return
        kept = self.args.keep or self.args.out is not None
        path = (os.path.join(self.out, "report.html") if kept
                else os.path.join(tempfile.gettempdir(), f"ebv-demo-{self.args.scenario}-report.html"))
        with open(path, "wb") as handle:
            handle.write(found["page"])
        self.facts["page"] = path
        self.say(f"report.html: {found['pageKey']} (copy: {path})")

    def cleanup_proof(self) -> dict:
        unchanged = tree.fingerprint(os.fsencode(self.volumes[self.fs])) == self.production_fingerprint
        proof = outcome.cleanup_proof(self.harness, self.world, self.fargate.all_tasks(), unchanged)
        self.facts["cleanup"] = proof
        self.say(outcome.describe_proof(proof, self.fs))
        return proof

    def main(self) -> int:
        for name in ("orchestrator", "manifest-worker"):
            if not os.access(os.path.join(self.build, name), os.X_OK):
                raise DemoError(f"{os.path.join(self.build, name)} is missing: run swift build first")
        os.makedirs(os.path.join(self.out, "events"), exist_ok=True)
        self.say(f"local AWS: moto at {self.harness.endpoint}, AWS Backup stand-in at {self.harness.info['backupEndpoint']}"
                 + (f" (started in {self.harness.startup_seconds:.1f}s)" if self.harness.process else ""))
        self.runtime = None
        self.runtimes: list[LambdaRuntime] = []
        try:
            self.fixtures()
            self.start_runtime()
            self.production()
            if not self.args.no_baseline:
                self.baseline()
            if self.args.scenario == "window":
                self.change_during_window()
            backup = self.backup()
            self.start_faults()
            try:
                run = self.drive(backup)
            finally:
                self.stop_faults()
            self.verdict(run)
            proof = self.cleanup_proof()
        finally:
            if self.runtimes:
                self.facts["bootstrapExits"] = sum(runtime.exits for runtime in self.runtimes)
            for runtime in self.runtimes:
                runtime.stop()
            self.facts["seconds"] = round(time.monotonic() - self.started, 2)
            with open(os.path.join(self.out, "result.json"), "w") as handle:
                json.dump(self.facts, handle, indent=1, default=str)
        if not proof["clean"]:
            raise DemoError("cleanup or production check failed: " + json.dumps(proof, default=str))
        return 0 if run.get("result") == "passed" else 1


def _brief(response: dict) -> str:
    keys = ("status", "phase", "result", "reason", "openRuns", "advanced", "failed", "swept")
    return ", ".join(f"{k}={v}" for k, v in sorted(response.items()) if k in keys) or "{}"


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _stopped_name(task: dict) -> str:
    """The name of a task's STOPPED event in events/: ``task-stopped-post`` or ``task-stopped-post-1``."""
    role, shard = task_slot(task)
    return f"task-stopped-{role}" if shard is None else f"task-stopped-{role}-{shard}"
