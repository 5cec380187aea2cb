"""Faults the harness injects into the SDK's requests (never into boto3's, so the test
driver itself is not disturbed): a seeded share answered with throttling or a 5xx, as a
busy AWS answers, and a hold that parks one matching request until released (so a test
can kill its caller at a known moment, explicitly gated, then let the request complete).

Controls (unsigned, loopback): ``POST /_harness/faults`` ``{"rate": 0.2, "seed": 1,
"hold": "POST /2015-02-01/access-points"}`` (each optional; ``{}`` turns faults off),
``GET /_harness/faults`` → ``{"rate", "injected": [{"request", "status", "code"}],
"holding": bool, "held": n, "heldPort": the held caller's TCP port}``, ``POST /_harness/faults/release``.
"""

from __future__ import annotations

import json
import random
import threading

HOLD_LIMIT_SECONDS = 60


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.configure({})

    def configure(self, spec: dict) -> None:
        with self.lock:
            self.rate = float(spec.get("rate", 0))
            self.random = random.Random(spec.get("seed", 0))
            self.injected: list[dict] = []
            self.hold = spec.get("hold")
            self.holding = False
            self.held = 0
            self.held_port: int | None = None
            self.released = threading.Event()

    def state(self) -> dict:
        with self.lock:
            return {"rate": self.rate, "injected": list(self.injected), "holding": self.holding, "held": self.held,
                    "hold": self.hold, "heldPort": self.held_port}

    def release(self) -> None:
        self.released.set()

    @staticmethod
    def describe(environ: dict) -> str:
        target = environ.get("HTTP_X_AMZ_TARGET")
        return target or f"{environ.get('REQUEST_METHOD', 'GET')} {environ.get('PATH_INFO', '')}"

    @staticmethod
    def from_sdk(environ: dict) -> bool:
        agent = environ.get("HTTP_USER_AGENT", "")
        return "Boto3" not in agent and "Botocore" not in agent

    def wait_if_held(self, environ: dict) -> None:
        """Parks the first request matching the hold until released (bounded)."""
        what = self.describe(environ)
        with self.lock:
            if not self.hold or self.held or not what.startswith(self.hold) or not self.from_sdk(environ):
                return
            self.held = 1
            self.holding = True
            port = environ.get("REMOTE_PORT")
            self.held_port = port if isinstance(port, int) else int(port) if str(port or "").isdigit() else None
            released = self.released
        released.wait(HOLD_LIMIT_SECONDS)
        with self.lock:
            self.holding = False

    def failure(self, environ: dict, service: str, json_protocol: bool):
        """(status line, headers, body) to answer instead of the service, or None."""
        if not self.from_sdk(environ):
            return None
        with self.lock:
            if self.rate <= 0 or self.random.random() >= self.rate:
                return None
            throttle = self.random.random() < 0.5
            what = self.describe(environ)
            if throttle:
                status, code, message = ((503, "SlowDown", "Please reduce your request rate.") if service == "s3" else
                                         (429, "ThrottlingException", "Rate exceeded") if json_protocol else
                                         (400, "Throttling", "Rate exceeded"))
            else:
                status, code, message = self.random.choice(
                    [(500, "InternalError", "We encountered an internal error."),
                     (503, "ServiceUnavailable", "Service is unavailable.")])
            self.injected.append({"request": what, "status": status, "code": code})
        reason = {400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}[status]
        if json_protocol:
            body = json.dumps({"__type": code, "message": message}).encode()
            headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
        else:
            body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message>"
                    f"</Error>").encode()
            headers = [("Content-Type", "application/xml")]
        return f"{status} {reason}", headers + [("Content-Length", str(len(body)))], body
