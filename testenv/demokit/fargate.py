"""Plays Fargate for the tasks the orchestrator RunTask'ed in moto's ECS: reads each
task's definition and container overrides, runs ``manifest-worker`` locally with the
container's EFS mount mapped to the local directory of the volume's file system, then
records the exit code and stops the task through the harness control."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time



KILLED_REASON = "OutOfMemoryError: Container killed due to memory usage"


def task_slot(task: dict) -> tuple[str, int | None]:
    """The role and shard a task's group names: ``ebv:<fs>:<run>:<role>`` or
    ``ebv:<fs>:<run>:<role>:<shard>`` (docs/orchestrator.md)."""
    parts = task.get("group", "").split(":")
    if len(parts) >= 5 and parts[-1].isdigit():
        return parts[-2], int(parts[-1])
    return parts[-1] if parts[-1] else "?", None


def slot_name(role: str, shard: int | None) -> str:
    """``post``, or ``post shard 1`` (0-based, as the groups count)."""
    return role if shard is None else f"{role} shard {shard}"


@dataclasses.dataclass
class TaskRun:
    """One task this stand-in ran."""
    task_arn: str
    group: str
    role: str
    #: The shard (0-based) of a sharded role's task; None for a role's only task.
    shard: int | None
    task_definition: str
    file_system_id: str
    read_only: bool
    argv: list
    exit_code: int
    seconds: float
    output: str
    #: The task definition the task ran (DescribeTaskDefinition at start).
    definition: dict = dataclasses.field(default_factory=dict)
    #: When its container started and stopped (epoch seconds), which ECS's task state
    #: change event carries as `startedAt` and `stoppedAt` (moto's DescribeTasks has none).
    started_at: float = 0.0
    stopped_at: float = 0.0


class FargateError(Exception):
    pass


class Fargate:
    """``volumes`` maps an EFS file-system id to the local directory that stands for it."""

    def __init__(self, harness, cluster: str, worker: str, container: str, volumes: dict,
                 base_environment: dict, log_dir: str):
        self.harness = harness
        self.cluster = cluster
        self.worker = worker
        self.container = container
        self.volumes = volumes
        self.base_environment = base_environment
        self.log_dir = log_dir
        self.ran: list[TaskRun] = []
        #: Tasks whose STOPPED state has been reported (run here, or stopped by someone else).
        self.reported: set[str] = set()

    def pending(self) -> list:
        """Tasks ECS still has running (moto starts every task RUNNING)."""
        ecs = self.harness.client("ecs")
        arns = ecs.list_tasks(cluster=self.cluster, desiredStatus="RUNNING")["taskArns"]
        if not arns:
            return []
        return [t for t in ecs.describe_tasks(cluster=self.cluster, tasks=arns)["tasks"] if t["lastStatus"] != "STOPPED"]

    def all_tasks(self) -> list:
        ecs = self.harness.client("ecs")
        arns = (ecs.list_tasks(cluster=self.cluster, desiredStatus="RUNNING")["taskArns"]
                + ecs.list_tasks(cluster=self.cluster, desiredStatus="STOPPED")["taskArns"])
        return ecs.describe_tasks(cluster=self.cluster, tasks=arns)["tasks"] if arns else []

    def describe(self, task_arn: str) -> dict:
        return self.harness.client("ecs").describe_tasks(cluster=self.cluster, tasks=[task_arn])["tasks"][0]

    def run(self, task: dict, killed: bool = False) -> TaskRun:
        """Runs one task to completion and stops it in ECS with the worker's exit code;
        ``killed``: the container is OOM-killed instead (exit 137, nothing written)."""
        ecs = self.harness.client("ecs")
        definition = ecs.describe_task_definition(taskDefinition=task["taskDefinitionArn"])["taskDefinition"]
        container = next((c for c in definition["containerDefinitions"] if c["name"] == self.container), None)
        if container is None:
            raise FargateError(f"{task['taskDefinitionArn']} has no container {self.container}")
        override = next((o for o in task.get("overrides", {}).get("containerOverrides", [])
                         if o.get("name") == self.container), {})
        command = override.get("command") or container.get("command") or []
        environment = {e["name"]: e["value"] for e in container.get("environment", [])}
        environment.update({e["name"]: e["value"] for e in override.get("environment", [])})
        mounts = {}
        file_system_id, read_only = "", False
        for point in container.get("mountPoints", []):
            volume = next(v for v in definition.get("volumes", []) if v["name"] == point["sourceVolume"])
            efs = volume.get("efsVolumeConfiguration")
            if efs is None:
                continue
            file_system_id = efs["fileSystemId"]
            read_only = bool(point.get("readOnly"))
            if file_system_id not in self.volumes:
                raise FargateError(f"task {task['taskArn']} mounts {file_system_id}, which has no local directory")
            mounts[point["containerPath"].rstrip("/")] = self.volumes[file_system_id]
        argv = [self.worker] + [self._map(arg, mounts) for arg in command]
        role, shard = task_slot(task)
        started = time.monotonic()
        started_at = time.time()
        stop = {"taskArn": task["taskArn"], "container": self.container, "stop": True,
                "stoppedReason": "Essential container in task exited"}
        if killed:
            exit_code, output = 137, KILLED_REASON
            stop["reason"] = KILLED_REASON
        else:
            completed = subprocess.run(argv, env={**self.base_environment, **environment}, capture_output=True, text=True)
            exit_code, output = completed.returncode, completed.stdout + completed.stderr
        seconds = time.monotonic() - started
        log_name = f"worker-{role}.log" if shard is None else f"worker-{role}-{shard}.log"
        with open(os.path.join(self.log_dir, log_name), "a") as log:
            log.write("$ " + " ".join(argv) + "\n" + output + "\n")
        self.harness.control("POST", "/_harness/ecs/task-exit-code", {**stop, "exitCode": exit_code})
        record = TaskRun(task["taskArn"], task.get("group", ""), role, shard, task["taskDefinitionArn"], file_system_id,
                         read_only, argv, exit_code, seconds, output.strip(), definition, started_at, time.time())
        self.ran.append(record)
        self.reported.add(task["taskArn"])
        return record

    @staticmethod
    def _map(argument: str, mounts: dict) -> str:
        for container_path, local in mounts.items():
            if argument == container_path:
                return local
            if argument.startswith(container_path + "/"):
                return local + argument[len(container_path):]
        return argument
