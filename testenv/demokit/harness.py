"""The local AWS harness (``testenv/moto_server.py``) as the demo uses it: start it (or
attach to a running one), its unsigned ``/_harness`` controls, and boto3 clients."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

TESTENV = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class HarnessError(Exception):
    pass


class Harness:
    """``info`` is the harness's JSON line (endpoint, backupEndpoint, keys, region)."""

    def __init__(self, info: dict, process: subprocess.Popen | None = None, startup_seconds: float = 0.0):
        self.info = info
        self.process = process
        self.startup_seconds = startup_seconds
        self._clients: dict[str, object] = {}

    @classmethod
    def start(cls, python: str = sys.executable) -> "Harness":
        started = time.monotonic()
        process = subprocess.Popen([python, os.path.join(TESTENV, "moto_server.py")],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = process.stdout.readline()
        if not line:
            process.wait(timeout=10)
            raise HarnessError(f"moto_server.py exited with status {process.returncode} before it was ready")
        return cls(json.loads(line), process, time.monotonic() - started)

    def stop(self) -> None:
        """Stops a harness this object started (closing its stdin ends it)."""
        if self.process is None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    @property
    def endpoint(self) -> str:
        return self.info["endpoint"]

    @property
    def region(self) -> str:
        return self.info["region"]

    def aws_environment(self) -> dict:
        """What an AWS SDK (AWSLite included) needs to talk to this harness."""
        return {
            "AWS_ENDPOINT_URL": self.info["endpoint"],
            "AWS_ENDPOINT_URL_BACKUP": self.info["backupEndpoint"],
            "AWS_ACCESS_KEY_ID": self.info["accessKeyId"],
            "AWS_SECRET_ACCESS_KEY": self.info["secretAccessKey"],
            "AWS_REGION": self.info["region"],
        }

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise HarnessError(f"{method} {path}: {error.code} {error.read().decode(errors='replace')}") from None

    def hold_ecs_tasks(self, hold: bool = True) -> None:
        """moto moves a task RUNNING → … → STOPPED by itself after a few DescribeTasks
        calls (its "manual" state progression, one step per describe); a Fargate task
        stops when its container exits. While held, tasks stay RUNNING until the
        exit-code control stops them. Not undone by a reset: release when done."""
        path = "set-transition" if hold else "unset-transition"
        body = {"model_name": "ecs::task"}
        if hold:
            body["transition"] = {"progression": "manual", "times": 1_000_000}
        request = urllib.request.Request(f"{self.endpoint}/moto-api/state-manager/{path}", data=json.dumps(body).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def client(self, service: str):
        if service not in self._clients:
            endpoint = self.info["backupEndpoint"] if service == "backup" else self.info["endpoint"]
            self._clients[service] = boto3.client(
                service, endpoint_url=endpoint, region_name=self.region,
                aws_access_key_id=self.info["accessKeyId"], aws_secret_access_key=self.info["secretAccessKey"],
                config=Config(retries={"max_attempts": 2}, s3={"addressing_style": "path"}))
        return self._clients[service]
