"""Tests of the checkov custom checks (sentinel/checkov/) on small HCL fixtures: per
policy a passing configuration and, per rule, one change that breaks it — the same
cases as the Sentinel tests. The fixtures are written to a temporary folder and
checkov runs once over all of them. Run with .venv-iac/tools/bin/python."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SENTINEL = Path(__file__).resolve().parents[1]
# checkov has a venv of its own (scripts/setup-iac); these scripts run with .venv-iac/tools.
CHECKOV = Path(os.environ.get("IAC_CHECKOV", SENTINEL.parent / ".venv-iac" / "checkov" / "bin" / "checkov"))

S3 = '''
resource "aws_kms_key" "this" {
  enable_key_rotation = true
}
resource "aws_s3_bucket" "this" {
  bucket = "ebv-123456789012-reports"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}
resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
'''

IAM = '''
data "aws_iam_policy_document" "orchestrator" {
  statement {
    sid       = "Manifests"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::ebv-reports/manifests/*"]
  }
  statement {
    sid       = "CreateTaggedFileSystems"
    actions   = ["elasticfilesystem:CreateFileSystem"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/efs-backup-verifier:run"
      values   = ["true"]
    }
  }
}
data "aws_iam_policy_document" "key" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}
resource "aws_iam_role_policy" "notifications" {
  role = "ebv-orchestrator"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sns:Publish", Resource = "arn:aws:sns:eu-west-1:123456789012:ebv" },
      { Effect = "Deny", Action = "s3:*", Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "false" } } },
    ]
  })
}
resource "aws_iam_role" "worker_task" {
  name               = "ebv-worker-task"
  assume_role_policy = data.aws_iam_policy_document.key.json
  inline_policy {
    name = "mount"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["elasticfilesystem:ClientMount"], Resource = "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123" }]
    })
  }
}
'''

LAMBDA = '''
resource "aws_sqs_queue" "failures" {
  kms_master_key_id = "alias/ebv"
}
resource "aws_lambda_function" "this" {
  function_name = "ebv-orchestrator"
  role          = "arn:aws:iam::123456789012:role/ebv-orchestrator"
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  filename      = "bootstrap.zip"
  vpc_config {
    subnet_ids         = ["subnet-0001", "subnet-0002"]
    security_group_ids = ["sg-0001"]
  }
}
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name = aws_lambda_function.this.function_name
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
  }
}
'''

TASK = '''
resource "aws_ecs_task_definition" "this" {
  family                   = "ebv-manifest-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "4096"
  container_definitions = jsonencode([{
    name                   = "manifest-worker"
    image                  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ebv-manifest-worker:0.1.0"
    essential              = true
    readonlyRootFilesystem = true
    mountPoints = [
      { sourceVolume = "production", containerPath = "/mnt/production", readOnly = true },
      { sourceVolume = "scratch", containerPath = "/tmp", readOnly = false },
    ]
  }])
  volume {
    name = "production"
    efs_volume_configuration {
      file_system_id     = "fs-0123456789abcdef0"
      transit_encryption = "ENABLED"
      authorization_config {
        access_point_id = "fsap-0123456789abcdef0"
        iam             = "ENABLED"
      }
    }
  }
  volume {
    name = "scratch"
  }
}
'''

# policy → (check ids, base HCL, {case: [(old, new), ...]}); "pass*" cases pass, a
# "fail-<rule>[--variant]" case fails, naming <rule> in the details where checks give them.
CASES = {
    "s3-buckets-kms-private": (["CKV2_EBV_1"], S3, {
        "pass": [],
        "fail-encryption-configured": [('resource "aws_s3_bucket_server_side_encryption_configuration" "this" {\n  bucket = aws_s3_bucket.this.id',
                                        'resource "aws_s3_bucket_server_side_encryption_configuration" "this" {\n  bucket = "another-bucket"')],
        "fail-encryption-uses-kms": [('sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.this.arn',
                                      'sse_algorithm     = "AES256"')],
        "fail-encryption-uses-customer-key": [("      kms_master_key_id = aws_kms_key.this.arn\n", "")],
        "fail-public-access-block-present": [("bucket                  = aws_s3_bucket.this.id",
                                              'bucket                  = "another-bucket"')],
        "fail-public-access-block-complete": [("restrict_public_buckets = true", "restrict_public_buckets = false")],
    }),
    "iam-no-wildcards": (["CKV_EBV_2", "CKV_EBV_6"], IAM, {
        "pass": [],
        "fail-no-wildcard-actions": [('actions   = ["s3:GetObject", "s3:PutObject"]', 'actions   = ["*"]')],
        "fail-no-wildcard-actions--service": [('Action = "sns:Publish"', 'Action = "s3:*"')],
        "fail-no-wildcard-actions--not-action": [('Action = "sns:Publish"', 'NotAction = "iam:*"')],
        "fail-no-unconditioned-wildcard-resources": [('    condition {\n      test     = "StringEquals"\n'
                                                      '      variable = "aws:RequestTag/efs-backup-verifier:run"\n'
                                                      '      values   = ["true"]\n    }\n', '')],
        "fail-no-unconditioned-wildcard-resources--inline": [
            ('Resource = "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123"', 'Resource = "*"')],
    }),
    "lambda-orchestrator": (["CKV2_EBV_3"], LAMBDA, {
        "pass": [],
        "pass-dead-letter-queue": [('resource "aws_lambda_function_event_invoke_config"', 'resource "aws_sqs_queue" "unused"'),
                                   ('  function_name = aws_lambda_function.this.function_name\n  destination_config {\n'
                                    '    on_failure {\n      destination = aws_sqs_queue.failures.arn\n    }\n  }\n', ''),
                                   ('  vpc_config {', '  dead_letter_config {\n    target_arn = aws_sqs_queue.failures.arn\n  }\n  vpc_config {')],
        "fail-function-in-vpc": [('  vpc_config {\n    subnet_ids         = ["subnet-0001", "subnet-0002"]\n'
                                  '    security_group_ids = ["sg-0001"]\n  }\n', '')],
        "fail-function-runtime": [('"provided.al2023"', '"provided.al2"')],
        "fail-function-failures-kept": [('destination_config {\n    on_failure {\n      destination = aws_sqs_queue.failures.arn\n'
                                         '    }\n  }', 'maximum_retry_attempts = 2')],
    }),
    "ecs-fargate-cpu-memory": (["CKV_EBV_4"], TASK, {
        "pass": [],
        "pass-smallest": [('cpu                      = "1024"', 'cpu                      = "256"'),
                          ('memory                   = "4096"', 'memory                   = "512"')],
        "pass-largest": [('cpu                      = "1024"', 'cpu                      = 16384'),
                         ('memory                   = "4096"', 'memory                   = 122880')],
        "fail-fargate-cpu-allowed": [('cpu                      = "1024"', 'cpu                      = "1000"')],
        "fail-fargate-memory-allowed": [('memory                   = "4096"', 'memory                   = "1024"')],
        "fail-fargate-memory-allowed--step": [('cpu                      = "1024"', 'cpu                      = "8192"'),
                                              ('memory                   = "4096"', 'memory                   = "18432"')],
    }),
    "efs-volumes-encrypted-readonly": (["CKV_EBV_5"], TASK, {
        "pass": [],
        "fail-efs-transit-encryption": [('transit_encryption = "ENABLED"', 'transit_encryption = "DISABLED"')],
        "fail-efs-iam-authorization": [('iam             = "ENABLED"', 'iam             = "DISABLED"')],
        "fail-efs-mounts-read-only": [('containerPath = "/mnt/production", readOnly = true',
                                       'containerPath = "/mnt/production", readOnly = false')],
        "fail-efs-mounts-read-only--missing": [('containerPath = "/mnt/production", readOnly = true',
                                                'containerPath = "/mnt/production"')],
    }),
}


def fixture(base: str, edits: list[tuple[str, str]]) -> str:
    text = base
    for old, new in edits:
        if text.count(old) != 1:
            raise AssertionError(f"fixture edit matches {text.count(old)} times: {old!r}")
        text = text.replace(old, new)
    return text


def run_checkov(directory: Path, check_ids: list[str]) -> list[dict]:
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CKV_SKIP_PACKAGE_UPDATE_CHECK="TRUE", CKV_PARSE_ERROR_FAIL="TRUE")
    done = subprocess.run([str(CHECKOV), "-d", str(directory), "--framework", "terraform", "--skip-download",
                           "--download-external-modules", "false", "--external-checks-dir", str(SENTINEL / "checkov"),
                           "-c", ",".join(check_ids), "-o", "json"], capture_output=True, text=True, env=env)
    if done.returncode not in (0, 1):
        raise AssertionError(f"checkov exited {done.returncode}: {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    report = report[0] if isinstance(report, list) else report
    if report.get("summary", {}).get("parsing_errors"):
        raise AssertionError(f"checkov could not parse the fixtures: {report['summary']}")
    results = []
    for status, key in (("PASSED", "passed_checks"), ("FAILED", "failed_checks")):
        for r in report.get("results", {}).get(key, []):
            results.append({"status": status, "id": r["check_id"], "file": r["file_path"], "resource": r["resource"],
                            "details": r.get("details") or []})
    return results


class CheckovChecksTests(unittest.TestCase):
    results: list[dict] = []

    @classmethod
    def setUpClass(cls) -> None:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            for policy, (_, base, cases) in CASES.items():
                for case, edits in cases.items():
                    path = root / policy / case / "main.tf"
                    path.parent.mkdir(parents=True)
                    path.write_text(fixture(base, edits))
            ids = sorted({i for ids, _, _ in CASES.values() for i in ids})
            cls.results = run_checkov(root, ids)

    def test_every_policy_has_checks_named_after_it(self) -> None:
        for policy, (ids, _, _) in CASES.items():
            for check_id in ids:
                names = [p for p in (SENTINEL / "checkov").iterdir() if check_id in p.read_text(errors="replace")
                         and p.suffix in (".py", ".yaml")]
                self.assertEqual([p.stem for p in names], [policy.replace("-", "_")], check_id)
        self.assertEqual(sorted(CASES), sorted(p.stem for p in SENTINEL.glob("*.sentinel")))

    def test_cases(self) -> None:
        for policy, (ids, _, cases) in CASES.items():
            for case in cases:
                with self.subTest(policy=policy, case=case):
                    mine = [r for r in self.results if r["id"] in ids and r["file"] == f"/{policy}/{case}/main.tf"]
                    self.assertTrue(mine, "the checks judged nothing")
                    failed = [r for r in mine if r["status"] == "FAILED"]
                    if case.startswith("pass"):
                        self.assertEqual(failed, [])
                        continue
                    self.assertTrue(failed, f"no check failed: {mine}")
                    rule = case.removeprefix("fail-").split("--")[0].replace("-", "_")
                    for r in failed:
                        if r["details"]:  # Python checks name the failing rules; graph checks cannot
                            self.assertEqual(r["details"], [rule], r)


if __name__ == "__main__":
    unittest.main()


class TerraformScanFallbackTests(unittest.TestCase):
    """terraform_scan.py on a tree where checkov cannot resolve the Fargate size (an
    object variable's optional() default) but tfparse can: the rules are evaluated per
    example, and the example with a bad pair fails the scan by name."""

    def test_optional_defaults_are_judged_per_example(self) -> None:
        module = TASK.replace('cpu                      = "1024"', "cpu                      = tostring(var.worker.cpu)") \
                     .replace('memory                   = "4096"', "memory                   = tostring(var.worker.memory)")
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "terraform"
            (root / "modules" / "task").mkdir(parents=True)
            (root / "modules" / "task" / "main.tf").write_text(
                'variable "worker" {\n  type = object({ cpu = optional(number, 1024), memory = optional(number, 4096) })\n}\n'
                + module)
            (root / "main.tf").write_text(
                S3 + IAM + LAMBDA + 'variable "worker" {\n  type = object({ cpu = optional(number, 1024), '
                'memory = optional(number, 4096) })\n  default = {}\n}\n'
                'module "task" {\n  source = "./modules/task"\n  worker = var.worker\n}\n')
            for name, worker in (("good", "{}"), ("bad", "{ memory = 1024 }")):
                (root / "examples" / name).mkdir(parents=True)
                (root / "examples" / name / "main.tf").write_text(
                    f'module "this" {{\n  source = "../.."\n  worker = {worker}\n}}\n')
            done = subprocess.run([sys.executable, str(Path(__file__).with_name("terraform_scan.py")), str(root)],
                                  capture_output=True, text=True)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("check-sentinel: ecs-fargate-cpu-memory fails in terraform/examples/bad as tfparse evaluates it: "
                      "fargate_memory_allowed", done.stderr)
        self.assertNotIn("examples/good", done.stderr)
        self.assertNotIn("fails on", done.stderr)  # checkov itself judged nothing wrong
