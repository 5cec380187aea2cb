"""Starts testenv/moto_server.py once per session (as the Swift tests do) and hands out
boto3 clients against it; every test starts from a reset harness."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

TESTENV = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTENV)


@dataclass
class Harness:
    endpoint: str
    backup_endpoint: str
    access_key_id: str
    secret_access_key: str
    region: str
    startup_seconds: float

    def client(self, service: str, secret: str | None = None, **config):
        endpoint = self.backup_endpoint if service == "backup" else self.endpoint
        cfg = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}, **config)
        return boto3.client(
            service, endpoint_url=endpoint, region_name=self.region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=secret or self.secret_access_key, config=cfg)

    def control(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def signed(self, service: str, method: str, url: str, body: bytes = b"", headers: dict | None = None,
               secret: str | None = None, region: str | None = None):
        """Send a hand-built request signed with botocore's SigV4Auth; (status, headers, body)."""
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
        creds = Credentials(self.access_key_id, secret or self.secret_access_key)
        SigV4Auth(creds, service, region or self.region).add_auth(request)
        prepared = request.prepare()
        raw = urllib.request.Request(prepared.url, data=body or None, method=method, headers=dict(prepared.headers))
        try:
            with urllib.request.urlopen(raw, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="session")
def harness_process():
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, os.path.join(TESTENV, "moto_server.py")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    info = json.loads(line)
    harness = Harness(info["endpoint"], info["backupEndpoint"], info["accessKeyId"],
                      info["secretAccessKey"], info["region"], time.monotonic() - started)
    yield harness, process
    process.stdin.close()
    process.wait(timeout=10)


@pytest.fixture
def harness(harness_process):
    harness, _ = harness_process
    status, _ = harness.control("POST", "/_harness/reset")
    assert status == 200
    return harness
