"""Module wiring, evaluated by tfparse (Go's HCL library, expanding modules like Terraform):
each example loads without HCL errors, and every module call passes only variables the
module declares and every variable it requires."""
from __future__ import annotations

import sys
from pathlib import Path

import tfparse

CALL_META = {"__tfmeta", "id", "source", "version", "count", "for_each", "depends_on", "providers"}


def check_example(example: Path) -> tuple[int, list[str]]:
    errors: list[str] = []
    try:
        parsed = tfparse.load_from_path(str(example), stop_on_hcl_error=True)
    except Exception as error:  # tfparse raises its own ParseError with Terraform's diagnostics
        return 0, [f"{example.name}: {error}"]
    declared: dict[str, dict[str, bool]] = {}
    for variable in parsed.get("variable", []):
        path = variable["__tfmeta"]["path"]
        module, _, name = path.rpartition("variable.")
        declared.setdefault(module.rstrip("."), {})[name] = "default" not in variable
    calls = parsed.get("module", [])
    for call in calls:
        path = call["__tfmeta"]["path"]
        variables = declared.get(path, {})
        passed = {k for k in call if k not in CALL_META}
        for name in sorted(passed - set(variables)):
            errors.append(f"{example.name}: {path} passes \"{name}\", which {call.get('source')} does not declare")
        for name in sorted(n for n, required in variables.items() if required and n not in passed):
            errors.append(f"{example.name}: {path} does not pass required \"{name}\"")
    return len(calls), errors


def main(terraform: Path) -> int:
    total = 0
    errors: list[str] = []
    for example in sorted(p for p in (terraform / "examples").iterdir() if p.is_dir()):
        count, found = check_example(example)
        total += count
        errors += found
    for error in errors:
        print(f"wiring: {error}", file=sys.stderr)
    print(f"wiring: {total} module calls in the examples checked: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
