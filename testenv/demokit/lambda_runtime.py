"""The orchestrator as a Lambda function: the real binary as the ``bootstrap`` of AWS's
Lambda Runtime Interface Emulator (from the aws-sam-cli wheel; ``scripts/setup`` puts it
in ``.venv/rie/``), invoked over the emulator's HTTP API exactly as Lambda invokes it.

The emulator starts the bootstrap on the first invocation and again after it died. Its
output interleaves its own lines (``START``/``END``/``REPORT``, ``Process … exited``) with
the bootstrap's JSON log and EMF lines: JSON lines go to ``orchestrator.log``, the rest
to ``lambda.log``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

TESTENV = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_RIE = os.path.join(os.path.dirname(TESTENV), ".venv", "rie", "aws-lambda-rie")
INVOKE_PATH = "/2015-03-31/functions/function/invocations"


class LambdaRuntimeError(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LambdaRuntime:
    def __init__(self, bootstrap: str, environment: dict, out: str, rie: str = DEFAULT_RIE, timeout_seconds: int = 120):
        if not os.access(rie, os.X_OK):
            raise LambdaRuntimeError(f"{rie} is missing: run ./scripts/setup (it installs the Runtime Interface Emulator)")
        self.port = _free_port()
        self.api_port = _free_port()
        self.timeout_seconds = timeout_seconds
        self.orchestrator_log = open(os.path.join(out, "orchestrator.log"), "a")
        self.lambda_log = open(os.path.join(out, "lambda.log"), "a")
        self.lock = threading.Lock()
        #: Bootstrap processes the emulator reported as exited (a crash, a kill).
        self.exits = 0
        self.process = subprocess.Popen(
            [rie, "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
             "--runtime-api-address", f"127.0.0.1:{self.api_port}", bootstrap],
            env={**environment, "AWS_LAMBDA_FUNCTION_TIMEOUT": str(timeout_seconds)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self._wait_listening()

    def _read(self) -> None:
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace")
            with self.lock:
                if line.startswith("{"):
                    self.orchestrator_log.write(line)
                    self.orchestrator_log.flush()
                else:
                    if "exited" in line and "Process" in line:
                        self.exits += 1
                    self.lambda_log.write(line)
                    self.lambda_log.flush()

    def _wait_listening(self) -> None:
        for _ in range(200):
            if self.process.poll() is not None:
                raise LambdaRuntimeError(f"the Runtime Interface Emulator exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise LambdaRuntimeError("the Runtime Interface Emulator did not listen within 10 s")

    def invoke(self, event: dict) -> tuple[int, dict]:
        """One invocation; (HTTP status, the JSON the function answered)."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{INVOKE_PATH}", data=json.dumps(event).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds + 30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        try:
            answer = json.loads(body) if body.strip() else {}
        except json.JSONDecodeError:
            answer = {"errorType": "Invoke.NotJSON", "errorMessage": body.decode("utf-8", "replace")}
        return status, answer if isinstance(answer, dict) else {"value": answer}

    def bootstrap_pids(self) -> list[int]:
        """The emulator's child processes (the running bootstrap, if any)."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(entry))
        return pids

    def owns_connection(self, port: int) -> bool:
        """Whether the bootstrap is the local end of the loopback TCP connection from ``port``."""
        inodes = set()
        for path in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(path) as handle:
                    rows = handle.read().splitlines()[1:]
            except OSError:
                continue
            for row in rows:
                fields = row.split()
                if len(fields) > 9 and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
        for pid in self.bootstrap_pids():
            try:
                links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            except OSError:
                continue
            if any(link.startswith("socket:[") and link[8:-1] in inodes for link in links):
                return True
        return False

    def kill_bootstrap(self) -> list[int]:
        """SIGKILLs the running bootstrap (as a crash or Lambda's own kill would)."""
        pids = self.bootstrap_pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        with self.lock:
            self.orchestrator_log.close()
            self.lambda_log.close()
