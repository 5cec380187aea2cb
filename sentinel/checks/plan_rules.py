"""The Sentinel policies' rules re-stated in Python over a tfplan/v2 mock, so CI can see
that each test case's mock passes or fails for exactly the reason its name gives.
Each function returns {rule name: bool}, the names being the policy's rule names."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checkov"))
import ebv_rules as r  # noqa: E402


def _kept(plan: dict, type_: str, mode: str = "managed") -> dict[str, dict]:
    return {a: rc for a, rc in plan.get("resource_changes", {}).items()
            if rc.get("mode") == mode and rc.get("type") == type_ and rc["change"].get("after") is not None}


def _companion(plan: dict, bucket: dict, type_: str) -> dict | None:
    prefix = bucket["module_address"] + "." if bucket.get("module_address") else ""
    address = prefix + type_ + "." + bucket["address"].removeprefix(prefix + bucket["type"] + ".")
    found = plan.get("resource_changes", {}).get(address)
    return found if found and found["change"].get("after") is not None else None


def s3_buckets_kms_private(plan: dict) -> dict[str, bool]:
    result = dict.fromkeys(["encryption_configured", "encryption_uses_kms", "encryption_uses_customer_key",
                            "public_access_block_present", "public_access_block_complete"], True)
    for bucket in _kept(plan, "aws_s3_bucket").values():
        sse = _companion(plan, bucket, "aws_s3_bucket_server_side_encryption_configuration")
        if sse is None:
            result["encryption_configured"] = False
        else:
            after, unknown = sse["change"]["after"], sse["change"].get("after_unknown") or {}
            defaults = [(i, j, d) for i, rule in enumerate(r.as_list(after.get("rule")))
                        for j, d in enumerate(r.as_list(rule.get("apply_server_side_encryption_by_default")))]
            if not defaults or any(d.get("sse_algorithm") not in r.KMS_ALGORITHMS for _, _, d in defaults):
                result["encryption_uses_kms"] = False
            for i, j, d in defaults:
                if d.get("sse_algorithm") in r.KMS_ALGORITHMS and not d.get("kms_master_key_id"):
                    try:
                        marked = unknown["rule"][i]["apply_server_side_encryption_by_default"][j]["kms_master_key_id"]
                    except (KeyError, IndexError, TypeError):
                        marked = False
                    if marked is not True:
                        result["encryption_uses_customer_key"] = False
        block = _companion(plan, bucket, "aws_s3_bucket_public_access_block")
        if block is None:
            result["public_access_block_present"] = False
        elif any(block["change"]["after"].get(flag) is not True for flag in r.PUBLIC_ACCESS_FLAGS):
            result["public_access_block_complete"] = False
    return result


def iam_no_wildcards(plan: dict) -> dict[str, bool]:
    statements = []
    policy_types = {"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"}
    for rc in plan.get("resource_changes", {}).values():
        after = rc["change"].get("after")
        if after is None:
            continue
        texts = []
        if rc["mode"] == "managed" and rc["type"] in policy_types:
            texts.append(after.get("policy"))
        if rc["mode"] == "managed" and rc["type"] == "aws_iam_role":
            texts += [p.get("policy") for p in r.as_list(after.get("inline_policy"))]
        for text in texts:
            if isinstance(text, str) and text:
                statements += [r.statement_from_json(s) for s in r.as_list(json.loads(text).get("Statement"))]
        if rc["mode"] == "data" and rc["type"] == "aws_iam_policy_document":
            statements += [r.statement_from_document(s) for s in r.as_list(after.get("statement"))]
    return {
        "no_wildcard_actions": all(r.no_wildcard_actions(s) for s in statements),
        "no_unconditioned_wildcard_resources": all(r.no_unconditioned_wildcard_resources(s) for s in statements),
    }


def _set(after: dict, unknown: dict, name: str) -> bool:
    return bool(after.get(name)) or (unknown or {}).get(name) is True


def _first(value) -> dict:
    items = r.as_list(value)
    return items[0] if items and isinstance(items[0], dict) else {}


def lambda_orchestrator(plan: dict) -> dict[str, bool]:
    result = dict.fromkeys(["function_in_vpc", "function_runtime", "function_failures_kept"], True)
    configs = _kept(plan, "aws_lambda_function_event_invoke_config").values()
    for f in _kept(plan, "aws_lambda_function").values():
        after, unknown = f["change"]["after"], f["change"].get("after_unknown") or {}
        vpc = r.as_list(after.get("vpc_config"))
        vpc_unknown = _first(unknown.get("vpc_config"))
        if not vpc or not (_set(vpc[0], vpc_unknown, "subnet_ids") and _set(vpc[0], vpc_unknown, "security_group_ids")):
            result["function_in_vpc"] = False
        if after.get("runtime") != r.LAMBDA_RUNTIME:
            result["function_runtime"] = False
        dlq = r.as_list(after.get("dead_letter_config"))
        kept = bool(dlq) and _set(dlq[0], _first(unknown.get("dead_letter_config")), "target_arn")
        for c in configs:
            if c["change"]["after"].get("function_name") != after.get("function_name"):
                continue
            c_unknown = c["change"].get("after_unknown") or {}
            for i, d in enumerate(r.as_list(c["change"]["after"].get("destination_config"))):
                for j, o in enumerate(r.as_list(d.get("on_failure"))):
                    try:
                        o_unknown = c_unknown["destination_config"][i]["on_failure"][j]
                    except (KeyError, IndexError, TypeError):
                        o_unknown = {}
                    kept = kept or _set(o, o_unknown, "destination")
        if not kept:
            result["function_failures_kept"] = False
    return result


def _fargate(plan: dict) -> list[dict]:
    return [td["change"]["after"] for td in _kept(plan, "aws_ecs_task_definition").values()
            if "FARGATE" in r.as_list(td["change"]["after"].get("requires_compatibilities"))]


def ecs_fargate_cpu_memory(plan: dict) -> dict[str, bool]:
    tasks = _fargate(plan)
    return {
        "fargate_cpu_allowed": all(r.fargate_cpu_allowed(t.get("cpu")) for t in tasks),
        "fargate_memory_allowed": all(r.fargate_memory_allowed(t.get("cpu"), t.get("memory")) for t in tasks),
    }


def efs_volumes_encrypted_readonly(plan: dict) -> dict[str, bool]:
    result = dict.fromkeys(["efs_transit_encryption", "efs_iam_authorization", "efs_mounts_read_only"], True)
    for td in _kept(plan, "aws_ecs_task_definition").values():
        after = td["change"]["after"]
        volumes = r.efs_volumes(after.get("volume"))
        if not all(r.efs_transit_encryption(c) for c in volumes.values()):
            result["efs_transit_encryption"] = False
        if not all(r.efs_iam_authorization(c) for c in volumes.values()):
            result["efs_iam_authorization"] = False
        text = after.get("container_definitions")
        containers = json.loads(text) if isinstance(text, str) else None
        if not r.efs_mounts_read_only(containers, set(volumes)):
            result["efs_mounts_read_only"] = False
    return result


POLICIES = {
    "s3-buckets-kms-private": s3_buckets_kms_private,
    "iam-no-wildcards": iam_no_wildcards,
    "lambda-orchestrator": lambda_orchestrator,
    "ecs-fargate-cpu-memory": ecs_fargate_cpu_memory,
    "efs-volumes-encrypted-readonly": efs_volumes_encrypted_readonly,
}
