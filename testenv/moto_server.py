"""Local AWS for the tests: moto (S3, SNS, ECS, EFS, ...) with SigV4 checking on, plus an
AWS Backup stand-in, both on 127.0.0.1 on free ports in this one process.

Run with the project venv's python: ``.venv/bin/python testenv/moto_server.py``.
On start it prints ONE JSON line on stdout:
``{"endpoint": "http://127.0.0.1:P", "backupEndpoint": "http://127.0.0.1:P2",
"accessKeyId": "...", "secretAccessKey": "...", "region": "us-east-1"}``
and serves until stdin reaches EOF (so the parent's death stops it) or SIGTERM/SIGINT.
The access key is random per start and stays the same across resets (``POST
/moto-api/reset`` or ``POST /_harness/reset``). Controls: see ``localaws/controls.py``.
Set ``LOCALAWS_VERBOSE=1`` to log every request on stderr.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import string
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from werkzeug.serving import make_server  # noqa: E402

from localaws.backup_app import BackupApp  # noqa: E402
from localaws.backup_model import BackupModel  # noqa: E402
from localaws.backup_service import BackupState  # noqa: E402
from localaws.controls import Controls  # noqa: E402
from localaws.idempotency_patch import install_idempotency_patch  # noqa: E402
from localaws.moto_patch import Identity, SignedMotoApp, create_identity, install_signature_patch  # noqa: E402

REGION = "us-east-1"
HOST = "127.0.0.1"


def random_identity() -> Identity:
    upper = string.ascii_uppercase + string.digits
    key_id = "AKIA" + "".join(secrets.choice(upper) for _ in range(16))
    secret = "".join(secrets.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return Identity(key_id, secret)


class LocalAWS:
    """Both servers, bound to free loopback ports (port 0: the kernel picks; no race)."""

    def __init__(self, identity: Identity | None = None, region: str = REGION):
        from moto.moto_api import _internal as moto_api_internal
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        install_signature_patch()
        install_idempotency_patch()
        self.identity = identity or random_identity()
        self.region = region
        self._moto_api = moto_api_internal.moto_api_backend
        create_identity(self.identity)
        model = BackupModel()
        self.backup = BackupState(region)
        self.backup.check_output = lambda op, value: model.validate_output(model.service.operation_model(op), value)
        controls = Controls(self.backup, region, self.reset, aws_client=self.client)
        dispatcher = DomainDispatcherApplication(create_backend_app)
        self.moto_app = SignedMotoApp(dispatcher, controls, self._after_moto_reset)
        self.backup_app = BackupApp(self.backup, model, self.identity.access_key_id, self.identity.secret_access_key)
        self.moto_server = make_server(HOST, 0, self.moto_app, threaded=True)
        self.backup_server = make_server(HOST, 0, self.backup_app, threaded=True)
        self._threads: list[threading.Thread] = []

    def client(self, service: str):
        """A boto3 client of this server (signed with the harness key), for fixture controls."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            service, endpoint_url=self.info()["endpoint"], region_name=self.region,
            aws_access_key_id=self.identity.access_key_id, aws_secret_access_key=self.identity.secret_access_key,
            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))

    def _after_moto_reset(self) -> None:
        create_identity(self.identity)
        self.backup.reset()

    def reset(self) -> None:
        """Wipe every moto service and the Backup stand-in; keep the same access key."""
        self._moto_api.reset()
        self._after_moto_reset()

    def start(self) -> None:
        for server in (self.moto_server, self.backup_server):
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        for server in (self.moto_server, self.backup_server):
            server.shutdown()
            server.server_close()

    def info(self) -> dict:
        return {
            "endpoint": f"http://{HOST}:{self.moto_server.server_port}",
            "backupEndpoint": f"http://{HOST}:{self.backup_server.server_port}",
            "accessKeyId": self.identity.access_key_id,
            "secretAccessKey": self.identity.secret_access_key,
            "region": self.region,
        }


def main() -> int:
    if os.environ.get("LOCALAWS_VERBOSE") != "1":
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    aws = LocalAWS()
    aws.start()
    done = threading.Event()

    def watch_stdin() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        done.set()

    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    threading.Thread(target=watch_stdin, daemon=True).start()
    sys.stdout.write(json.dumps(aws.info()) + "\n")
    sys.stdout.flush()
    while not done.wait(0.2):
        pass
    aws.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
