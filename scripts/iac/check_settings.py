"""One list of settings: the environment terraform gives each executable against the list
that executable prints from the code that reads it (`orchestrator config --list --json`,
`manifest-worker --list-settings --json`): every required setting set, none unknown."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import tfhcl

KEY = re.compile(r"(?:^|[{,\s])\"?(EBV_[A-Z0-9_]+)\"?\s*[=:]", re.M)
ENV_NAME = re.compile(r"name\s*[=:]\s*\"(EBV_[A-Z0-9_]+)\"")


def listed(command: list[str]) -> list[dict]:
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def lambda_environment(terraform: Path) -> set[str]:
    """Keys of local.orchestrator_environment (root main.tf), which module "lambda" passes
    as `environment`, which modules/lambda sets as the function's variables."""
    root = tfhcl.load(terraform / "main.tf")
    lambda_call = dict(tfhcl.single(root, "module"))["lambda"]
    if lambda_call.get("environment") != "${local.orchestrator_environment}":
        raise SystemExit("settings: module \"lambda\" must pass environment = local.orchestrator_environment")
    function = dict((n, b) for t, n, b in tfhcl.labelled(tfhcl.load(terraform / "modules/lambda/main.tf"), "resource") if t == "aws_lambda_function")["this"]
    if function["environment"][0].get("variables") != "${var.environment}":
        raise SystemExit("settings: modules/lambda must set environment { variables = var.environment }")
    for entry in root.get("locals", []):
        if "orchestrator_environment" in entry:
            return set(KEY.findall(str(entry["orchestrator_environment"])))
    raise SystemExit("settings: no local.orchestrator_environment in terraform/main.tf")


def worker_environment(terraform: Path) -> set[str]:
    """Names in the worker container definition's `environment` (modules/ecs_manifest_generator)."""
    doc = tfhcl.load(terraform / "modules/ecs_manifest_generator/main.tf")
    definition = dict((n, b) for t, n, b in tfhcl.labelled(doc, "resource") if t == "aws_ecs_task_definition")["this"]
    return set(ENV_NAME.findall(str(definition["container_definitions"])))


def compare(what: str, settings: list[dict], configured: set[str]) -> list[str]:
    names = {s["name"] for s in settings}
    errors = [f"{what}: {n} is set in terraform/ but the code reads no such setting" for n in sorted(configured - names)]
    errors += [f"{what}: required {s['name']} is not set in terraform/" for s in settings if s["required"] and s["name"] not in configured]
    return errors


def main(terraform: Path, orchestrator: str, worker: str) -> int:
    errors = compare("orchestrator Lambda", listed([orchestrator, "config", "--list", "--json"]), lambda_environment(terraform))
    errors += compare("worker task definition", listed([worker, "--list-settings", "--json"]), worker_environment(terraform))
    for error in errors:
        print(f"settings: {error}", file=sys.stderr)
    print(f"settings: Lambda and worker environments against the executables' lists: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3]))
