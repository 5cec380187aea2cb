"""Every versions.tf pins the AWS provider to the major version of the schema checked
against (cdktf-cdktf-provider-aws's provider version), from that version on."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import tfhcl


def check(terraform: Path, provider_version: str) -> tuple[int, list[str]]:
    major = int(provider_version.split(".")[0])
    wanted = f">= {provider_version}, < {major + 1}.0.0"
    errors: list[str] = []
    dirs = tfhcl.module_dirs(terraform)
    for module in dirs:
        path = module / "versions.tf"
        where = str(path.relative_to(terraform.parent))
        if not path.exists():
            errors.append(f"{where}: missing")
            continue
        constraint = None
        for block in tfhcl.load(path).get("terraform", []):
            for providers in block.get("required_providers", []):
                aws = providers.get("aws")
                if isinstance(aws, dict):
                    constraint = aws.get("version")
        if constraint is None:
            errors.append(f"{where}: no required_providers.aws.version")
        elif re.sub(r"\s+", " ", constraint.strip()) != wanted:
            errors.append(f"{where}: aws provider \"{constraint}\", expected \"{wanted}\" (the schema checked is {provider_version})")
    return len(dirs), errors


def main(terraform: Path, schema_cache: Path) -> int:
    version = json.loads(schema_cache.read_text())["provider_version"]
    count, errors = check(terraform, version)
    for error in errors:
        print(f"versions: {error}", file=sys.stderr)
    print(f"versions: {count} versions.tf pin AWS provider {version} up to the next major: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
