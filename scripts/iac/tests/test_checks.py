"""The checkers of scripts/check-iac catch what they are for (exact findings on bad input)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import aws_operations
import check_iam
import check_schema
import check_settings
import check_skips
import check_versions
import check_wiring
import tf_docs

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def schema() -> dict:
    path = os.environ.get("IAC_SCHEMA")
    if not path or not Path(path).exists():
        pytest.skip("IAC_SCHEMA (the extracted provider schema) not given; scripts/check-iac sets it")
    return json.loads(Path(path).read_text())


def test_schema_findings(schema: dict) -> None:
    count, errors = check_schema.check(FIXTURES / "bad_schema", schema)
    assert count == 4
    where = "bad_schema/main.tf: "
    assert errors == [
        where + 'resource aws_ecs_task_definition.x.volume.efs_volume_configuration: unknown argument or block "transit_encryptoin"',
        where + "resource aws_ecs_task_definition.x: tags is an argument, written as a block",
        where + 'resource aws_ecs_task_definition.x: missing required argument "container_definitions"',
        where + "resource aws_ecs_task_definition.x: takes tags but does not merge var.tags",
        where + 'resource aws_s3_bucket_versioning.y: missing required block "versioning_configuration"',
        where + "resource aws_nonexistent_thing.q: no such resource type in AWS provider 6.25.0",
        where + 'data aws_iam_policy_document.z.statement.principals: unknown argument or block "typo"',
        where + 'data aws_iam_policy_document.z.statement.principals: missing required argument "identifiers"',
        where + 'data aws_iam_policy_document.z.statement.principals: missing required argument "type"',
    ]


def test_schema_passes_terraform(schema: dict) -> None:
    count, errors = check_schema.check(ROOT / "terraform", schema)
    assert errors == []
    assert count > 50


def test_wiring_findings() -> None:
    count, errors = check_wiring.check_example(FIXTURES / "bad_wiring/examples/one")
    assert count == 1
    assert errors == [
        'one: module.thing passes "unknown", which ../../modules/thing does not declare',
        'one: module.thing does not pass required "needed"',
    ]


def test_skips_need_reasons(tmp_path: Path) -> None:
    tf = tmp_path / "terraform"
    tf.mkdir()
    (tf / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n'
        "  #checkov:skip=CKV_AWS_27\n"
        "  #checkov:skip=CKV_AWS_27:because we said so today\n"
        "}\n"
        "#checkov:skip=CKV_AWS_1:this one is outside any block\n"
    )
    count, errors = check_skips.check(tf)
    assert count == 3
    assert errors == [
        "terraform/main.tf:2: skip of CKV_AWS_27 without a reason (write why, after a colon)",
        "terraform/main.tf:5: skip of CKV_AWS_1 outside a block (put it inside the resource it skips)",
    ]


def test_versions_pin_the_schema_major(tmp_path: Path) -> None:
    tf = tmp_path / "terraform"
    shutil.copytree(ROOT / "terraform", tf)
    assert check_versions.check(tf, "6.25.0")[1] == []
    path = tf / "modules/lambda/versions.tf"
    path.write_text(path.read_text().replace('">= 6.25.0, < 7.0.0"', '">= 5.0"'))
    assert check_versions.check(tf, "6.25.0")[1] == [
        'terraform/modules/lambda/versions.tf: aws provider ">= 5.0", expected ">= 6.25.0, < 7.0.0" (the schema checked is 6.25.0)'
    ]


def test_docs_tables_detect_staleness(tmp_path: Path) -> None:
    module = tmp_path / "m"
    module.mkdir()
    (module / "variables.tf").write_text(
        'variable "b" {\n  description = "B | pipe."\n  type = list(string)\n  default = []\n}\n'
        'variable "a" {\n  description = "A."\n  type = object({\n    x = optional(number, 1)\n  })\n}\n'
    )
    (module / "outputs.tf").write_text('output "o" {\n  description = "O."\n  value = 1\n}\n')
    (module / "README.md").write_text("# m\n\nHand-written.\n")
    generated = tf_docs.tables(module)
    assert "| `a` | A. | `object({x = optional(number, 1)})` | required |" in generated
    assert "| `b` | B \\| pipe. | `list(string)` | `[]` |" in generated
    assert "| `o` | O. |" in generated
    readme = tf_docs.render((module / "README.md").read_text(), generated)
    assert readme.startswith("# m\n\nHand-written.\n\n" + tf_docs.BEGIN)
    assert tf_docs.render(readme, generated) == readme
    assert tf_docs.render(readme, tf_docs.tables(module).replace("A.", "Changed.")) != readme


def test_settings_compare() -> None:
    settings = [
        {"name": "EBV_A", "required": True, "default": None, "meaning": ""},
        {"name": "EBV_B", "required": False, "default": "1", "meaning": ""},
    ]
    assert check_settings.compare("x", settings, {"EBV_A", "EBV_B"}) == []
    assert check_settings.compare("x", settings, {"EBV_B", "EBV_C"}) == [
        "x: EBV_C is set in terraform/ but the code reads no such setting",
        "x: required EBV_A is not set in terraform/",
    ]


def test_settings_read_from_terraform() -> None:
    keys = check_settings.lambda_environment(ROOT / "terraform")
    assert {"EBV_BUCKET", "EBV_TOPIC_ARN", "EBV_SEVERITY"} <= keys
    assert check_settings.worker_environment(ROOT / "terraform") == {"EBV_CONCURRENCY", "EBV_LOG_FORMAT", "EBV_PROGRESS_INTERVAL"}


def test_operations_from_the_code() -> None:
    ops = aws_operations.operations(ROOT)
    assert ops["manifest-worker"] == {
        "s3:AbortMultipartUpload", "s3:CompleteMultipartUpload", "s3:CreateMultipartUpload", "s3:GetObject", "s3:HeadBucket", "s3:HeadObject",
        "s3:ListMultipartUploads", "s3:PutObject", "s3:UploadPart",
    }
    assert {"ecs:RunTask", "backup:StartRestoreJob", "elasticfilesystem:DeleteFileSystem", "sns:Publish", "ecs:ListTasks"} <= ops["orchestrator"]
    # AWSLite has these, but the orchestrator's adapters never call them.
    assert not {"elasticfilesystem:ListTagsForResource",
                "backup:GetRecoveryPointRestoreMetadata"} & ops["orchestrator"]


def _iam_copy(tmp_path: Path) -> Path:
    for part in ("Sources/AWSLite/Services", "Sources/OrchestratorKit/Production", "Sources/ManifestWorker", "Sources/S3ByteStreams",
                 "terraform/modules/iam"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def test_iam_is_exactly_as_wide_as_the_code(tmp_path: Path) -> None:
    root = _iam_copy(tmp_path)
    assert check_iam.check(root)[1] == []
    policy = root / "terraform/modules/iam/main.tf"
    text = policy.read_text()
    text = text.replace('actions   = ["sns:Publish"]', 'actions   = ["sns:Publish", "sns:CreateTopic"]')
    text = text.replace('"ecs:DescribeTasks", "ecs:StopTask"', '"ecs:DescribeTasks"')
    text = text.replace(
        'actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"]\n    resources = [var.file_system_arn]',
        'actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite"]\n    resources = [var.file_system_arn]')
    policy.write_text(text)
    assert check_iam.check(root)[1] == [
        "orchestrator: grants sns:CreateTopic, which the code never calls and no extra explains",
        "orchestrator: the code calls ecs:StopTask, which the policy does not grant",
        "worker: grants elasticfilesystem:ClientWrite, which the code never calls and no extra explains",
        "worker: grants elasticfilesystem:ClientWrite, which it must never have",
    ]


def test_iam_extras_must_not_cover_code_calls(tmp_path: Path) -> None:
    root = _iam_copy(tmp_path)
    extras_path = root / "terraform/modules/iam/extras.json"
    extras = json.loads(extras_path.read_text())
    extras["policies"]["orchestrator"]["extras"]["sns:Publish"] = "listed twice"
    extras["policies"]["worker"]["extras"]["kms:Encrypt"] = "never granted"
    extras_path.write_text(json.dumps(extras))
    assert check_iam.check(root)[1] == [
        "orchestrator: sns:Publish is listed as an extra, but the code calls it",
        "worker: the extra kms:Encrypt is not granted (remove it from extras.json or grant it)",
    ]


def test_references_resolve(tmp_path: Path) -> None:
    import check_references

    child = tmp_path / "child"
    child.mkdir()
    (child / "outputs.tf").write_text('output "real" {\n  value = 1\n}\n')
    (tmp_path / "main.tf").write_text(
        'variable "declared" {\n  type = string\n}\n'
        'locals {\n  known = var.declared\n}\n'
        'module "child" {\n  source = "./child"\n}\n'
        'resource "aws_sqs_queue" "q" {\n'
        '  name   = "${var.declared}-${var.undeclared}-${local.known}-${local.unknown}"\n'
        '  policy = jsonencode([module.child.real, module.child.missing, module.other.x, data.aws_region.nope.region, aws_sns_topic.gone.arn, aws_sqs_queue.q.arn])\n'
        "}\n"
    )
    assert check_references.check_module(tmp_path, tmp_path) == [
        "main.tf: var.undeclared is not declared",
        "main.tf: local.unknown is not defined",
        'main.tf: module.child has no output "missing"',
        "main.tf: module.other is not called here",
        "main.tf: data.aws_region.nope is not declared",
        "main.tf: aws_sns_topic.gone is not declared",
    ]
    assert check_references.check_module(ROOT / "terraform/modules/iam", ROOT) == []


def test_iam_follows_new_calls_in_the_code(tmp_path: Path) -> None:
    root = _iam_copy(tmp_path)
    adapter = root / "Sources/OrchestratorKit/Production/AWSAdapters+EFS.swift"
    adapter.write_text(adapter.read_text().replace(
        "    public func deleteAccessPoint(id: String) async throws {",
        "    public func tagCount(id: String) async throws -> Int {\n"
        "        try await client.listTagsForResource(id).items.count\n"
        "    }\n\n"
        "    public func deleteAccessPoint(id: String) async throws {"))
    assert check_iam.check(root)[1] == [
        "orchestrator: the code calls elasticfilesystem:ListTagsForResource, which the policy does not grant",
    ]
