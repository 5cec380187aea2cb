"""Makes moto honour the idempotency tokens AWS honours and the orchestrator relies on.

Stock moto 5.2.1 ignores RunTask's ``clientToken`` (a repeat starts another task) and
CreateAccessPoint's ``ClientToken`` (a repeat makes another access point). AWS does not:

- RunTask with a ``clientToken`` seen before answers the tasks that first call started.
- CreateAccessPoint with a ``ClientToken`` seen before answers ``AccessPointAlreadyExists``
  (HTTP 409, with the existing ``AccessPointId``), as the EFS API reference documents.

Tokens live on moto's backend objects, so a moto reset forgets them.
"""

from __future__ import annotations

import json
import threading

from moto.core.responses import ActionResult
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.efs.exceptions import EFSError
from moto.efs.models import EFSBackend

_lock = threading.Lock()


class AccessPointAlreadyExists(EFSError):
    code = 409

    def __init__(self, client_token: str, access_point_id: str):
        super().__init__("AccessPointAlreadyExists",
                         f"Access point with client token {client_token} already exists: {access_point_id}")
        self.description = json.dumps({"__type": "AccessPointAlreadyExists", "ErrorCode": "AccessPointAlreadyExists",
                                       "Message": self.message, "message": self.message, "AccessPointId": access_point_id})


def install_idempotency_patch() -> None:
    """Patch moto in place (idempotent)."""
    if getattr(EC2ContainerServiceResponse, "_localaws_idempotent", False):
        return
    run_task = EC2ContainerServiceResponse.run_task

    def run_task_once(self) -> ActionResult:
        token = self._get_param("clientToken")
        if not token:
            return run_task(self)
        backend = self.ecs_backend
        cluster = self._get_param("cluster", "default")
        with _lock:
            known = backend.__dict__.setdefault("_localaws_run_task_tokens", {})
            if token in known:
                first_cluster, arns = known[token]
                return ActionResult({"tasks": backend.describe_tasks(first_cluster, arns), "failures": []})
            result = run_task(self)
            known[token] = (cluster, [task.task_arn for task in result.result["tasks"]])
            return result

    EC2ContainerServiceResponse.run_task = run_task_once

    create_access_point = EFSBackend.create_access_point

    def create_access_point_once(self, client_token, tags, file_system_id, posix_user, root_directory):
        with _lock:
            for point in self.access_points.values():
                if client_token and point.client_token == client_token:
                    raise AccessPointAlreadyExists(client_token, point.access_point_id)
            return create_access_point(self, client_token, tags=tags, file_system_id=file_system_id,
                                       posix_user=posix_user, root_directory=root_directory)

    EFSBackend.create_access_point = create_access_point_once
    EC2ContainerServiceResponse._localaws_idempotent = True
