"""IAM exactly as wide as the code: each role's policy (terraform/modules/iam) grants the IAM
actions of the AWS operations its executable calls (aws_operations.py) plus the documented
extras (terraform/modules/iam/extras.json) — nothing more, nothing less."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import aws_operations
import tfhcl

# Operations authorised by an action of another name (S3's API reference, "Permissions").
ACTION_OF_OPERATION = {
    "s3:HeadObject": "s3:GetObject",
    "s3:HeadBucket": "s3:ListBucket",
    "s3:CreateMultipartUpload": "s3:PutObject",
    "s3:UploadPart": "s3:PutObject",
    "s3:CompleteMultipartUpload": "s3:PutObject",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListMultipartUploads": "s3:ListBucketMultipartUploads",
}
NEVER = {"worker": {"elasticfilesystem:ClientWrite"}}


def granted_actions(policy_file: Path) -> dict[str, set[str]]:
    """Actions each aws_iam_policy_document in the file allows (Deny statements aside)."""
    result: dict[str, set[str]] = {}
    for type_name, name, body in tfhcl.labelled(tfhcl.load(policy_file), "data"):
        if type_name != "aws_iam_policy_document":
            continue
        actions: set[str] = set()
        for statement in body.get("statement", []):
            if statement.get("effect", "Allow") == "Allow":
                actions |= set(statement.get("actions", []))
        result[name] = actions
    return result


def check(root: Path) -> tuple[list[str], list[str]]:
    extras_doc = json.loads((root / "terraform/modules/iam/extras.json").read_text())
    code = aws_operations.operations(root)
    granted = granted_actions(root / "terraform/modules/iam/main.tf")
    errors: list[str] = []
    report: list[str] = []
    for policy, spec in extras_doc["policies"].items():
        if policy not in granted:
            errors.append(f"{policy}: no aws_iam_policy_document \"{policy}\" in terraform/modules/iam/main.tf")
            continue
        called = {ACTION_OF_OPERATION.get(op, op) for op in code.get(spec["code"], set())} if spec["code"] else set()
        extras = set(spec["extras"])
        for action in sorted(extras & called):
            errors.append(f"{policy}: {action} is listed as an extra, but the code calls it")
        for action in sorted(granted[policy] - called - extras):
            errors.append(f"{policy}: grants {action}, which the code never calls and no extra explains")
        for action in sorted(called - granted[policy]):
            errors.append(f"{policy}: the code calls {action}, which the policy does not grant")
        for action in sorted(extras - granted[policy]):
            errors.append(f"{policy}: the extra {action} is not granted (remove it from extras.json or grant it)")
        for action in sorted(NEVER.get(policy, set()) & granted[policy]):
            errors.append(f"{policy}: grants {action}, which it must never have")
        report.append(f"{policy}: {len(called)} actions from the code, {len(extras)} documented extras, {len(granted[policy])} granted")
    for name in sorted(set(granted) - set(extras_doc["policies"])):
        if not name.endswith("_trust"):
            errors.append(f"{name}: policy document not covered by extras.json")
    return report, errors


def main(root: Path) -> int:
    report, errors = check(root)
    for line in report:
        print(f"iam: {line}")
    for error in errors:
        print(f"iam: {error}", file=sys.stderr)
    print(f"iam: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
