"""Runs ``manifest-worker`` as a container would, with one fallback while the worker
cannot write to ``s3://`` yet: generate to a local file, then upload it with boto3."""

from __future__ import annotations

import os
import subprocess
import tempfile

NOT_SUPPORTED = "s3:// not supported yet"


def output_argument(argv: list) -> tuple[int, str] | None:
    """The index and value of ``-o``/``--output``'s value, if any."""
    for index, arg in enumerate(argv[:-1]):
        if arg in ("-o", "--output"):
            return index + 1, argv[index + 1]
    for index, arg in enumerate(argv):
        if arg.startswith("--output="):
            return index, arg
    return None


def run_worker(argv: list, env: dict, s3_client) -> subprocess.CompletedProcess:
    """Runs ``argv``; when the worker refuses an ``s3://`` output, writes locally and uploads."""
    completed = subprocess.run(argv, env=env, capture_output=True, text=True)
    found = output_argument(argv)
    if completed.returncode != 2 or NOT_SUPPORTED not in completed.stderr or found is None:
        return completed
    index, target = found
    target = target.removeprefix("--output=")
    bucket, _, key = target.removeprefix("s3://").partition("/")
    with tempfile.TemporaryDirectory() as scratch:
        local = os.path.join(scratch, os.path.basename(key))
        local_argv = list(argv)
        local_argv[index] = local if argv[index] == target else "--output=" + local
        local_env = dict(env)
        local_env.pop("EBV_OUTPUT", None)
        completed = subprocess.run(local_argv, env=local_env, capture_output=True, text=True)
        if completed.returncode == 0:
            s3_client.upload_file(local, bucket, key)
            completed.stdout = completed.stdout.replace(local, target) + "(uploaded with boto3: this worker cannot write s3:// yet)\n"
    return completed
