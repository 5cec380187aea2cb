"""Every aws_* resource and data block in terraform/ against the AWS provider's schema:
unknown arguments and blocks, arguments written as blocks, missing required arguments and
blocks (the closest thing to `terraform validate` without Terraform); and every resource
that takes tags gets var.tags (or local.tags, which merges it)."""
from __future__ import annotations

import sys
from pathlib import Path

import tfhcl

META = {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}
IGNORED = {tfhcl.BLOCK, "__comments__", "__inline_comments__"}


def check_body(where: str, body: dict, node: dict, errors: list[str], top: bool) -> None:
    args, blocks = node["args"], node["blocks"]
    present: set[str] = set()
    for key, value in body.items():
        if key in IGNORED or key in META and top:
            continue
        if key == "dynamic":
            for dyn in value:
                for name, spec in dyn.items():
                    if name in IGNORED:
                        continue
                    present.add(name)
                    if name not in blocks:
                        errors.append(f"{where}: dynamic \"{name}\": no such block")
                        continue
                    for content in spec.get("content", []):
                        check_body(f"{where}.{name}", content, blocks[name][1], errors, False)
            continue
        present.add(key)
        if key in blocks:
            if tfhcl.is_block(value):
                for item in value:
                    check_body(f"{where}.{key}", item, blocks[key][1], errors, False)
            continue
        if key in args:
            if tfhcl.is_block(value):
                errors.append(f"{where}: {key} is an argument, written as a block")
            continue
        errors.append(f"{where}: unknown argument or block \"{key}\"")
    for name, required in args.items():
        if required and name != "id" and name not in present:
            errors.append(f"{where}: missing required argument \"{name}\"")
    for name, (required, _) in blocks.items():
        if required and name not in present:
            errors.append(f"{where}: missing required block \"{name}\"")


def check(terraform: Path, schema: dict) -> tuple[int, list[str]]:
    errors: list[str] = []
    count = 0
    for path in tfhcl.tf_files(terraform):
        doc = tfhcl.load(path)
        rel = path.relative_to(terraform.parent)
        for kind, section in (("resource", "resource"), ("data", "data")):
            for type_name, name, body in tfhcl.labelled(doc, kind):
                if not type_name.startswith("aws_"):
                    continue
                count += 1
                where = f"{rel}: {kind} {type_name}.{name}"
                node = schema[section].get(type_name)
                if node is None:
                    errors.append(f"{where}: no such {kind} type in AWS provider {schema['provider_version']}")
                    continue
                check_body(where, body, node, errors, True)
                if kind == "resource" and "tags" in node["args"]:
                    tags = str(body.get("tags", ""))
                    if "var.tags" not in tags and "local.tags" not in tags:
                        errors.append(f"{where}: takes tags but does not merge var.tags")
    return count, errors


def main(terraform: Path, schema_cache: Path) -> int:
    import json

    schema = json.loads(schema_cache.read_text())
    count, errors = check(terraform, schema)
    for error in errors:
        print(f"schema: {error}", file=sys.stderr)
    print(f"schema: {count} aws_* blocks checked against AWS provider {schema['provider_version']}: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
