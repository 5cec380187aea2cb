"""The Sentinel test cases and their tfplan/v2 mocks, generated from one description per
policy: a passing plan, and per failing case the one change that breaks one rule.

  python3 sentinel/checks/mocks.py --write   # regenerate sentinel/test/
  python3 sentinel/checks/mocks.py --check   # CI: the committed files are up to date

The mocks have the shape of `terraform show -json` plans as Sentinel's tfplan/v2 sees
them (values not known until apply are absent from `after` and true in `after_unknown`).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SENTINEL = Path(__file__).resolve().parents[1]
TERRAFORM_VERSION = "1.9.8"
ACCOUNT = "123456789012"


def change(address: str, type_: str, after: dict, unknown: dict | None = None, *, module: str = "",
           mode: str = "managed", actions: tuple[str, ...] = ("create",)) -> dict:
    name = address.removeprefix(module + "." if module else "").removeprefix("data.").split(".", 1)[1]
    return {
        "address": address,
        "mode": mode,
        "module_address": module,
        "name": name,
        "type": type_,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": list(actions), "before": None, "after": after, "after_unknown": unknown or {}},
    }


@dataclass
class Case:
    name: str  # "pass", "pass-<variant>", "fail-<rule>" or "fail-<rule>--<variant>"
    description: str
    edit: Callable[[dict], None] = lambda plan: None
    rules: dict[str, bool] = field(default_factory=dict)  # filled in by render()


@dataclass
class Policy:
    name: str
    rules: list[str]
    base: Callable[[], dict]  # resource_changes of the passing plan
    cases: list[Case]


def rc(plan: dict, suffix: str) -> dict:
    """The one resource change whose address ends with suffix."""
    found = [v for k, v in plan.items() if k.endswith(suffix)]
    assert len(found) == 1, suffix
    return found[0]


# ---- s3-buckets-kms-private ---------------------------------------------------------
def s3_plan() -> dict:
    m = "module.s3_bucket"
    items = [
        change(f"{m}.aws_kms_key.this", "aws_kms_key",
               {"enable_key_rotation": True, "deletion_window_in_days": 30, "description": "efs-backup-verifier bucket"},
               {"arn": True, "id": True, "key_id": True, "policy": True}, module=m),
        change(f"{m}.aws_s3_bucket.this", "aws_s3_bucket",
               {"bucket": f"ebv-{ACCOUNT}-reports", "force_destroy": False, "tags": {"Project": "efs-backup-verifier"}},
               {"arn": True, "id": True, "bucket_domain_name": True}, module=m),
        change(f"{m}.aws_s3_bucket_server_side_encryption_configuration.this",
               "aws_s3_bucket_server_side_encryption_configuration",
               {"expected_bucket_owner": "", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}],
                                                       "bucket_key_enabled": True}]},
               {"bucket": True, "id": True, "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": True}]}]},
               module=m),
        change(f"{m}.aws_s3_bucket_public_access_block.this", "aws_s3_bucket_public_access_block",
               {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
                "restrict_public_buckets": True}, {"bucket": True, "id": True}, module=m),
    ]
    return {i["address"]: i for i in items}


def _aes256(plan: dict) -> None:
    sse = rc(plan, "aws_s3_bucket_server_side_encryption_configuration.this")["change"]
    sse["after"]["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] = "AES256"
    sse["after_unknown"]["rule"] = [{"apply_server_side_encryption_by_default": [{}]}]


def _aws_managed_key(plan: dict) -> None:
    sse = rc(plan, "aws_s3_bucket_server_side_encryption_configuration.this")["change"]
    sse["after_unknown"]["rule"] = [{"apply_server_side_encryption_by_default": [{}]}]


def _drop(suffix: str) -> Callable[[dict], None]:
    def edit(plan: dict) -> None:
        del plan[rc(plan, suffix)["address"]]
    return edit


def _set_after(suffix: str, key: str, value) -> Callable[[dict], None]:
    def edit(plan: dict) -> None:
        rc(plan, suffix)["change"]["after"][key] = value
    return edit


S3 = Policy("s3-buckets-kms-private",
            ["encryption_configured", "encryption_uses_kms", "encryption_uses_customer_key",
             "public_access_block_present", "public_access_block_complete"], s3_plan, [
    Case("pass", "the bucket module: SSE-KMS with its own key (ARN known at apply), all public access blocked"),
    Case("fail-encryption-configured", "no server-side encryption configuration for the bucket",
         _drop("aws_s3_bucket_server_side_encryption_configuration.this")),
    Case("fail-encryption-uses-kms", "SSE-S3 (AES256) instead of KMS", _aes256),
    Case("fail-encryption-uses-customer-key", "aws:kms without a key: the AWS-managed aws/s3 key", _aws_managed_key),
    Case("fail-public-access-block-present", "no public access block for the bucket",
         _drop("aws_s3_bucket_public_access_block.this")),
    Case("fail-public-access-block-complete", "public access block with restrict_public_buckets off",
         _set_after("aws_s3_bucket_public_access_block.this", "restrict_public_buckets", False)),
])


# ---- iam-no-wildcards ---------------------------------------------------------------
def iam_plan() -> dict:
    m = "module.iam"
    tls_only = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Publish", "Effect": "Allow", "Action": "sns:Publish",
         "Resource": f"arn:aws:sns:eu-west-1:{ACCOUNT}:ebv-notifications"},
        {"Sid": "DenyPlainHttp", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]}
    items = [
        change(f"{m}.data.aws_iam_policy_document.orchestrator", "aws_iam_policy_document", {
            "statement": [
                {"sid": "Manifests", "effect": "Allow", "actions": ["s3:GetObject", "s3:PutObject"],
                 "condition": [], "principals": [], "not_principals": [], "not_actions": [], "not_resources": []},
                {"sid": "CreateTaggedFileSystems", "effect": "Allow", "actions": ["elasticfilesystem:CreateFileSystem"],
                 "resources": ["*"], "principals": [], "not_principals": [], "not_actions": [], "not_resources": [],
                 "condition": [{"test": "StringEquals", "variable": "aws:RequestTag/efs-backup-verifier:run",
                                "values": ["true"]}]},
            ]}, {"json": True, "id": True, "statement": [{"resources": True}, {}]},
            module=m, mode="data", actions=("read",)),
        change(f"{m}.data.aws_iam_policy_document.key", "aws_iam_policy_document", {
            "statement": [
                {"sid": "AccountAdministers", "effect": "Allow", "actions": ["kms:*"], "resources": ["*"],
                 "principals": [{"type": "AWS", "identifiers": [f"arn:aws:iam::{ACCOUNT}:root"]}],
                 "condition": [], "not_principals": [], "not_actions": [], "not_resources": []},
            ]}, {"json": True, "id": True}, module=m, mode="data", actions=("read",)),
        change(f"{m}.aws_iam_policy.read_manifests", "aws_iam_policy", {"name": "ebv-read-manifests", "policy": json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                                                     "Resource": f"arn:aws:s3:::ebv-{ACCOUNT}-reports/manifests/*"}]})},
               {"arn": True, "id": True, "policy_id": True}, module=m),
        change(f"{m}.aws_iam_role_policy.notifications", "aws_iam_role_policy",
               {"name": "notifications", "policy": json.dumps(tls_only)}, {"id": True, "role": True}, module=m),
        change(f"{m}.aws_iam_role.worker_task", "aws_iam_role", {
            "name": "ebv-worker-task",
            "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                 "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}),
            "inline_policy": [{"name": "mount", "policy": json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"],
                 "Resource": f"arn:aws:elasticfilesystem:eu-west-1:{ACCOUNT}:file-system/fs-0123456789abcdef0"}]})}],
        }, {"arn": True, "id": True, "unique_id": True}, module=m),
    ]
    return {i["address"]: i for i in items}


def _document_statement(edit: Callable[[dict], None], which: str = "orchestrator", index: int = 0):
    def apply(plan: dict) -> None:
        edit(rc(plan, f"data.aws_iam_policy_document.{which}")["change"]["after"]["statement"][index])
    return apply


def _json_statement(suffix: str, edit: Callable[[dict], None], inline: bool = False):
    def apply(plan: dict) -> None:
        after = rc(plan, suffix)["change"]["after"]
        holder = after["inline_policy"][0] if inline else after
        document = json.loads(holder["policy"])
        edit(document["Statement"][0])
        holder["policy"] = json.dumps(document)
    return apply


IAM = Policy("iam-no-wildcards", ["no_wildcard_actions", "no_unconditioned_wildcard_resources"], iam_plan, [
    Case("pass", "scoped statements; * only with a tag condition, in a Deny, or in a key policy (has a principal)"),
    Case("fail-no-wildcard-actions", "a policy document statement allowing every action",
         _document_statement(lambda s: s.update(actions=["*"]))),
    Case("fail-no-wildcard-actions--service", "an inline role policy allowing every S3 action",
         _json_statement("aws_iam_role_policy.notifications", lambda s: s.update(Action="s3:*"))),
    Case("fail-no-wildcard-actions--not-action", "an Allow with NotAction (everything else)",
         _json_statement("aws_iam_role_policy.notifications",
                         lambda s: (s.pop("Action"), s.update(NotAction="iam:*")))),
    Case("fail-no-unconditioned-wildcard-resources", "CreateFileSystem on * without the tag condition",
         _document_statement(lambda s: s.update(condition=[]), index=1)),
    Case("fail-no-unconditioned-wildcard-resources--inline", "a role's inline policy on every resource",
         _json_statement("aws_iam_role.worker_task", lambda s: s.update(Resource="*"), inline=True)),
])


# ---- lambda-orchestrator ------------------------------------------------------------
def lambda_plan() -> dict:
    m = "module.lambda"
    items = [
        change(f"{m}.aws_lambda_function.this", "aws_lambda_function", {
            "function_name": "ebv-orchestrator", "runtime": "provided.al2023", "handler": "bootstrap",
            "architectures": ["arm64"], "filename": "dist/bootstrap.zip", "memory_size": 512, "timeout": 900,
            "reserved_concurrent_executions": 5, "tracing_config": [{"mode": "Active"}],
            "vpc_config": [{"subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]}],
            "dead_letter_config": [],
        }, {"arn": True, "role": True, "vpc_config": [{"security_group_ids": True, "vpc_id": True}]}, module=m),
        change(f"{m}.aws_lambda_function_event_invoke_config.this", "aws_lambda_function_event_invoke_config", {
            "function_name": "ebv-orchestrator", "maximum_retry_attempts": 2, "maximum_event_age_in_seconds": 21600,
            "destination_config": [{"on_failure": [{}], "on_success": []}],
        }, {"id": True, "destination_config": [{"on_failure": [{"destination": True}]}]}, module=m),
    ]
    return {i["address"]: i for i in items}


def _dead_letter_instead(plan: dict) -> None:
    del plan[rc(plan, "aws_lambda_function_event_invoke_config.this")["address"]]
    f = rc(plan, "aws_lambda_function.this")["change"]
    f["after"]["dead_letter_config"] = [{}]
    f["after_unknown"]["dead_letter_config"] = [{"target_arn": True}]


def _invoke_config_for_other(plan: dict) -> None:
    rc(plan, "aws_lambda_function_event_invoke_config.this")["change"]["after"]["function_name"] = "someone-else"


LAMBDA = Policy("lambda-orchestrator", ["function_in_vpc", "function_runtime", "function_failures_kept"], lambda_plan, [
    Case("pass", "in two subnets (security group known at apply), provided.al2023, on-failure destination"),
    Case("pass-dead-letter-queue", "a dead-letter queue instead of an on-failure destination", _dead_letter_instead),
    Case("fail-function-in-vpc", "no vpc_config", _set_after("aws_lambda_function.this", "vpc_config", [])),
    Case("fail-function-runtime", "the older provided.al2 runtime",
         _set_after("aws_lambda_function.this", "runtime", "provided.al2")),
    Case("fail-function-failures-kept", "no dead-letter queue; the on-failure destination is another function's",
         _invoke_config_for_other),
])


# ---- ecs-fargate-cpu-memory and efs-volumes-encrypted-readonly ----------------------
def _containers(read_only: bool = True) -> str:
    return json.dumps([{
        "name": "manifest-worker", "image": f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/ebv-manifest-worker:0.1.0",
        "essential": True, "readonlyRootFilesystem": True, "user": "10001:10001",
        "command": ["generate", "/mnt/production"],
        "mountPoints": [{"sourceVolume": "production", "containerPath": "/mnt/production", "readOnly": read_only},
                        {"sourceVolume": "scratch", "containerPath": "/tmp", "readOnly": False}],
    }])


def task_plan() -> dict:
    m = "module.ecs_manifest_generator"
    items = [
        change(f"{m}.aws_ecs_task_definition.this", "aws_ecs_task_definition", {
            "family": "ebv-manifest-worker", "requires_compatibilities": ["FARGATE"], "network_mode": "awsvpc",
            "cpu": "1024", "memory": "4096", "container_definitions": _containers(),
            "runtime_platform": [{"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}],
            "volume": [
                {"name": "production", "efs_volume_configuration": [{
                    "file_system_id": "fs-0123456789abcdef0", "root_directory": "/", "transit_encryption": "ENABLED",
                    "transit_encryption_port": 0, "authorization_config": [{"iam": "ENABLED"}]}]},
                {"name": "scratch", "efs_volume_configuration": []},
            ],
        }, {"arn": True, "execution_role_arn": True, "task_role_arn": True, "volume": [
            {"efs_volume_configuration": [{"authorization_config": [{"access_point_id": True}]}]}, {}]}, module=m),
    ]
    return {i["address"]: i for i in items}


def _task(edit: Callable[[dict], None]):
    def apply(plan: dict) -> None:
        edit(rc(plan, "aws_ecs_task_definition.this")["change"])
    return apply


def _efs(key: str, value):
    return _task(lambda c: c["after"]["volume"][0]["efs_volume_configuration"][0].update({key: value}))


def _unknown_containers(c: dict) -> None:
    del c["after"]["container_definitions"]
    c["after_unknown"]["container_definitions"] = True


ECS = Policy("ecs-fargate-cpu-memory", ["fargate_cpu_allowed", "fargate_memory_allowed"], task_plan, [
    Case("pass", "1 vCPU with 4 GiB"),
    Case("pass-smallest", "0.25 vCPU with 512 MiB", _task(lambda c: c["after"].update(cpu="256", memory="512"))),
    Case("pass-largest", "16 vCPU with 120 GiB", _task(lambda c: c["after"].update(cpu="16384", memory="122880"))),
    Case("fail-fargate-cpu-allowed", "1000 CPU units is no Fargate size", _task(lambda c: c["after"].update(cpu="1000"))),
    Case("fail-fargate-memory-allowed", "1 vCPU with 1 GiB (the least is 2 GiB)",
         _task(lambda c: c["after"].update(memory="1024"))),
    Case("fail-fargate-memory-allowed--step", "8 vCPU with 18 GiB (8 vCPU steps by 4 GiB)",
         _task(lambda c: c["after"].update(cpu="8192", memory="18432"))),
])

EFS = Policy("efs-volumes-encrypted-readonly", ["efs_transit_encryption", "efs_iam_authorization", "efs_mounts_read_only"],
             task_plan, [
    Case("pass", "production through an access point: TLS, IAM, mounted read-only (a non-EFS scratch volume is writable)"),
    Case("fail-efs-transit-encryption", "transit encryption off", _efs("transit_encryption", "DISABLED")),
    Case("fail-efs-iam-authorization", "IAM authorization off", _efs("authorization_config", [{"iam": "DISABLED"}])),
    Case("fail-efs-mounts-read-only", "the production volume mounted writable",
         _task(lambda c: c["after"].update(container_definitions=_containers(read_only=False)))),
    Case("fail-efs-mounts-read-only--unknown", "container definitions not known until apply: cannot be verified",
         _task(_unknown_containers)),
])

POLICIES = [S3, IAM, LAMBDA, ECS, EFS]


def expected_rules(policy: Policy, case: Case) -> dict[str, bool]:
    """pass: main and every rule true. fail-<rule>[--variant]: main and that rule false
    (Sentinel evaluates `and` lazily, so the rules after it are not asserted)."""
    if case.name.startswith("pass"):
        return {"main": True, **dict.fromkeys(policy.rules, True)}
    rule = case.name.removeprefix("fail-").split("--")[0].replace("-", "_")
    return {"main": False, rule: False}


def mock_text(policy: Policy, case: Case) -> str:
    resources = policy.base()
    case.edit(resources)
    planned = {a: {"address": a, "mode": r["mode"], "type": r["type"], "name": r["name"],
                   "module_address": r["module_address"], "provider_name": r["provider_name"],
                   "values": r["change"]["after"]}
               for a, r in resources.items() if r["mode"] == "managed"}
    parts = [
        f"# tfplan/v2 mock for sentinel/{policy.name}.sentinel, case {case.name}: {case.description}.",
        "# Generated by sentinel/checks/mocks.py --write; edit that file, not this one.",
        "",
        f"terraform_version = {json.dumps(TERRAFORM_VERSION)}",
        "",
        "variables = {}",
        "",
        f"planned_values = {render({'outputs': {}, 'resources': planned})}",
        "",
        f"resource_changes = {render(resources)}",
        "",
        "output_changes = {}",
        "",
    ]
    return "\n".join(parts)


def render(value) -> str:
    """A Sentinel literal (JSON's syntax is a subset), tab-indented like generated mocks."""
    return json.dumps(value, indent="\t", sort_keys=True)


def test_text(policy: Policy, case: Case) -> str:
    rules = "\n".join(f"    {k} = {str(v).lower()}" for k, v in expected_rules(policy, case).items())
    return (f"# {case.description}\n"
            f"mock \"tfplan/v2\" {{\n  module {{\n    source = \"mock-tfplan-{case.name}.sentinel\"\n  }}\n}}\n\n"
            f"test {{\n  rules = {{\n{rules}\n  }}\n}}\n")


def files() -> dict[Path, str]:
    result = {}
    for policy in POLICIES:
        folder = SENTINEL / "test" / policy.name
        for case in policy.cases:
            result[folder / f"{case.name}.hcl"] = test_text(policy, case)
            result[folder / f"mock-tfplan-{case.name}.sentinel"] = mock_text(policy, case)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args()
    wanted = files()
    if options.write:
        for path, text in wanted.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for path in (SENTINEL / "test").rglob("*"):
            if path.is_file() and path not in wanted:
                path.unlink()
        print(f"wrote {len(wanted)} files under sentinel/test/")
        return 0
    stale = [p for p, t in wanted.items() if not p.exists() or p.read_text() != t]
    extra = [p for p in (SENTINEL / "test").rglob("*") if p.is_file() and p not in wanted]
    for p in stale + extra:
        print(f"check-sentinel: stale: {p.relative_to(SENTINEL.parent)} (run python3 sentinel/checks/mocks.py --write)",
              file=sys.stderr)
    return 1 if stale or extra else 0


if __name__ == "__main__":
    sys.exit(main())
