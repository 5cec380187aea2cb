"""The rules the Sentinel policies enforce, as pure functions — shared by the checkov
custom checks in this folder (on terraform/'s HCL) and by scripts/check-sentinel's
evaluation of the Sentinel mocks (on plan JSON). No checkov import here; not a check."""

from __future__ import annotations

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
LAMBDA_RUNTIME = "provided.al2023"

# Fargate task sizes: CPU units → allowed memory in MiB (AWS ECS developer guide,
# "Task CPU and memory"). Mirrors the `allowed` param of ecs-fargate-cpu-memory.sentinel.
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_int(value) -> int | None:
    """An integer from a number or a decimal string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def fargate_cpu_allowed(cpu) -> bool:
    return as_int(cpu) in FARGATE_MEMORY


def fargate_memory_allowed(cpu, memory) -> bool:
    """True when the CPU is not an allowed value (that is the CPU rule's finding) or the
    memory is allowed for it."""
    units = as_int(cpu)
    if units not in FARGATE_MEMORY:
        return True
    return as_int(memory) in FARGATE_MEMORY[units]


def wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")


def statement_from_json(s: dict) -> dict:
    """An IAM JSON statement in the normalized shape the rules read."""
    return {
        "effect": s.get("Effect", "Allow"),
        "actions": as_list(s.get("Action")),
        "not_actions": as_list(s.get("NotAction")),
        "resources": as_list(s.get("Resource")) + as_list(s.get("NotResource")),
        "conditioned": bool(s.get("Condition")),
        "principal": s.get("Principal") is not None or s.get("NotPrincipal") is not None,
    }


def statement_from_document(s: dict) -> dict:
    """An aws_iam_policy_document `statement` block (plan JSON shape) normalized."""
    return {
        "effect": s.get("effect") or "Allow",
        "actions": as_list(s.get("actions")),
        "not_actions": as_list(s.get("not_actions")),
        "resources": as_list(s.get("resources")) + as_list(s.get("not_resources")),
        "conditioned": bool(s.get("condition")),
        "principal": bool(s.get("principals")) or bool(s.get("not_principals")),
    }


def identity_allow(statement: dict) -> bool:
    return statement["effect"] == "Allow" and not statement["principal"]


def no_wildcard_actions(statement: dict) -> bool:
    if not identity_allow(statement):
        return True
    return not statement["not_actions"] and not any(wildcard_action(a) for a in statement["actions"] if isinstance(a, str))


def no_unconditioned_wildcard_resources(statement: dict) -> bool:
    if not identity_allow(statement):
        return True
    return statement["conditioned"] or "*" not in statement["resources"]


def efs_volumes(volumes: list) -> dict[str, dict]:
    """Volume name → its efs_volume_configuration (plan JSON shape: blocks are lists)."""
    result = {}
    for volume in as_list(volumes):
        configs = as_list(volume.get("efs_volume_configuration"))
        if configs:
            result[volume.get("name")] = configs[0]
    return result


def efs_transit_encryption(config: dict) -> bool:
    return config.get("transit_encryption") == "ENABLED"


def efs_iam_authorization(config: dict) -> bool:
    return any(a.get("iam") == "ENABLED" for a in as_list(config.get("authorization_config")))


def efs_mounts_read_only(containers, volume_names) -> bool:
    """Every mount point of an EFS volume is read-only; False when the container
    definitions cannot be read (not known)."""
    if not volume_names:
        return True
    if not isinstance(containers, list):
        return False
    for container in containers:
        for mount in as_list(container.get("mountPoints") if isinstance(container, dict) else None):
            if mount.get("sourceVolume") in volume_names and mount.get("readOnly") is not True:
                return False
    return True
