"""The whole verification run of DESIGN.md §1 on one machine, with the real binaries.

``manifest-worker`` and ``orchestrator`` (from ``--build-dir``, default ``.build/debug``)
run against the local AWS harness (moto + the AWS Backup stand-in) over HTTP. This
script plays the parts of AWS that do not exist locally: EventBridge (it builds each
event from the services' state and invokes the orchestrator with it), Fargate (it
runs the worker for every task the orchestrator started, with the container's EFS mount
mapped to a local directory), Lambda (the orchestrator is the ``bootstrap`` of AWS's
Runtime Interface Emulator; ``--runtime cli`` uses ``orchestrator handle`` instead) and the
restore itself (a copy of production under
``aws-backup-restore_<ts>/``).

    .venv/bin/python testenv/demo.py [--scenario pass|corrupt] [--keep] [--out DIR]

Exit status: 0 the run PASSED; 1 it did not (FAILED: findings of severity error, or
another alerted result such as task-failed) and everything was still cleaned up; 2 the
demo itself failed (a binary failed, the run got stuck, cleanup or production checks
failed).
Narrative on stdout, one line per step; the orchestrator's JSON logs in
``<out>/orchestrator.log`` (the emulator's own lines in ``<out>/lambda.log``), the worker's output in ``<out>/worker-<role>.log``
(a shard's in ``worker-<role>-<shard>.log``), every
event sent in ``<out>/events/``, and all the facts in ``<out>/result.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from demokit.harness import Harness  # noqa: E402
from demokit.run import MISSABLE, Demo  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=("pass", "corrupt", "window"), default="pass",
                        help="pass: the restore is an exact copy (exit 0); corrupt: one file silently altered, one lost "
                             "(exit 1); window: production changes between the baseline and the backup, which the "
                             "three-way diff classes as changed (info; exit 0)")
    parser.add_argument("--keep", action="store_true", help="keep the output directory (printed at the end)")
    parser.add_argument("--out", help="output directory (default: a new temporary one; implies --keep)")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, ".build", "debug"),
                        help="where manifest-worker and orchestrator are (default .build/debug)")
    parser.add_argument("--harness", help="the JSON line of an already running moto_server.py to use instead of starting one")
    parser.add_argument("--fail-restore", action="store_true",
                        help="the restore job FAILS while the post task runs: restore-failed (exit 1), the post task "
                             "is stopped, everything cleaned up")
    parser.add_argument("--trigger", choices=("backup-event", "verify"), default="backup-event",
                        help="what starts the run: the Backup Job State Change event (default), or the on-demand "
                             "{\"action\":\"verify\"} for the recovery point (no post manifest: a two-way diff)")
    parser.add_argument("--fail-task", action="append", default=[], choices=("post", "restored", "plan", "diff"),
                        help="this worker task is killed (exit 137, out of memory) before it writes its manifest: "
                             "the run ends task-failed (exit 1) and must still clean up; plan (with --shards): the run "
                             "walks unsharded; diff (with --shards or --diff-in-fargate): the run ends error")
    parser.add_argument("--miss-event", action="append", default=[], choices=MISSABLE,
                        help="lose this event (restore: Restore COMPLETED; post/restored: that task's STOPPED); "
                             "a reconcile tick must recover it")
    parser.add_argument("--runtime", choices=("lambda", "cli"), default="lambda",
                        help="lambda (default): the orchestrator runs as the bootstrap of AWS's Lambda Runtime Interface "
                             "Emulator and every event is an invocation over its HTTP API; cli: `orchestrator handle` "
                             "once per event")
    parser.add_argument("--faults", type=float, default=0.0, metavar="RATE",
                        help="the local AWS answers this share (0-1) of the binaries' requests with throttling "
                             "(429 ThrottlingException, S3 503 SlowDown) or a 5xx; the verdict must not change")
    parser.add_argument("--kill-bootstrap-at", metavar="REQUEST",
                        help="SIGKILL the bootstrap while this request is in flight (e.g. \"POST /2015-02-01/access-points\" "
                             "or an X-Amz-Target); Lambda then delivers the event again")
    parser.add_argument("--concurrency", type=int, default=1, metavar="N",
                        help="N Lambda execution environments; every event is delivered to all N at once")
    parser.add_argument("--diff-in-fargate", action="store_true",
                        help="EBV_DIFF_IN_LAMBDA_MAX_ENTRIES=1: the diff runs as a Fargate task of the worker "
                             "(manifest-worker diff s3://… --report-dir s3://…/)")
    parser.add_argument("--tamper-baseline", action="store_true",
                        help="flip one bit of the baseline manifest after it is written: it must be rejected "
                             "(no-baseline, alerted; exit 1)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="take no baseline manifest: the run ends no-baseline (alerted; exit 1)")
    parser.add_argument("--baseline-action", action="store_true",
                        help="ask the orchestrator for the baseline as the schedule does ({\"action\":\"baseline\"}): "
                             "its task runs the worker, its STOPPED event completes the baseline run")
    parser.add_argument("--shards", type=_shards, metavar="K",
                        help="EBV_SHARDS=K: every manifest of a run with a baseline is walked by K worker tasks from a "
                             "plan (a plan task, K tasks per role, set indexes, the diff as a task); with "
                             "--baseline-action the worker's baseline is taken first, to plan the sharded baseline from")
    parser.add_argument("--fail-shard", action="append", default=[], type=_fail_shard, metavar="ROLE:I[:twice]",
                        help="that shard's task (ROLE post, restored or baseline-manifest; I from 0) is killed (exit 137) "
                             "at its first start — it is started again and the run goes on; with :twice at its second "
                             "start too — the run ends task-failed naming it (exit 1)")
    parser.add_argument("--published-shape", action="store_true",
                        help="with --fail-restore: send the Restore Job FAILED event in AWS's published shape "
                             "(no sourceResourceArn)")
    parser.add_argument("--rie", default=os.path.join(ROOT, ".venv", "rie", "aws-lambda-rie"),
                        help="the Runtime Interface Emulator (scripts/setup installs it there)")
    args = parser.parse_args(argv)
    sharded = (args.shards or 1) > 1
    if (args.fail_shard or "plan" in args.fail_task) and not sharded:
        parser.error("--fail-shard and --fail-task plan need --shards 2 or more (an unsharded run has no plan or shards)")
    if "diff" in args.fail_task and not (sharded or args.diff_in_fargate):
        parser.error("--fail-task diff needs a diff task: --shards 2 or more, or --diff-in-fargate")
    return args


def _shards(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 1 and 100, got {value}")
    return value


def _fail_shard(text: str) -> tuple:
    """``ROLE:I`` or ``ROLE:I:twice`` → (role, shard, how many starts are killed)."""
    parts = text.split(":")
    if (len(parts) not in (2, 3) or parts[0] not in ("post", "restored", "baseline-manifest")
            or not parts[1].isdigit() or parts[2:] not in ([], ["twice"])):
        raise argparse.ArgumentTypeError(f"expected post|restored|baseline-manifest:SHARD[:twice], got {text!r}")
    return parts[0], int(parts[1]), 2 if parts[2:] else 1


def main(argv: list | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    keep = args.keep or args.out is not None
    out = os.path.abspath(args.out) if args.out else tempfile.mkdtemp(prefix="ebv-demo-")
    if args.out:
        if os.path.exists(out) and os.listdir(out):
            shutil.rmtree(out)
        os.makedirs(out, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupt)
    harness = None
    started = time.monotonic()
    try:
        harness = Harness(json.loads(args.harness)) if args.harness else Harness.start()
        status = Demo(args, harness, out).main()
    except KeyboardInterrupt:
        print("demo: interrupted", file=sys.stderr)
        status = 130
    except Exception as error:  # noqa: BLE001 — the demo reports any failure the same way
        print(f"demo: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        status = 2
    finally:
        if harness is not None:
            try:
                harness.hold_ecs_tasks(False)
            except OSError:
                pass
            harness.stop()
    if keep:
        print(f"output kept in {out} (orchestrator.log, worker-*.log, events/, result.json)")
    else:
        shutil.rmtree(out, ignore_errors=True)
    print(f"demo: scenario {args.scenario}: exit {status} in {time.monotonic() - started:.1f}s")
    return status


def _interrupt(signum, frame):
    """SIGTERM ends the demo like Ctrl-C: the harness is stopped and the output removed."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
