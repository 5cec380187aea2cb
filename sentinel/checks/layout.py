"""scripts/check-sentinel's structure check of sentinel/ (Sentinel itself cannot run here):

- every policy in sentinel.hcl exists, and every policy file is in sentinel.hcl;
- each policy's `main` is an `and` of named rules, each defined;
- test/<policy>/ has a passing case and, for every rule, a failing case
  (fail-<rule>[--variant].hcl) asserting `main = false` and `<rule> = false`; pass cases
  assert every rule true;
- every test's mock exists and parses, has the tfplan/v2 shape, and holds the resources
  its policy reads (`resource_types`: the first in every mock, all in pass.hcl's);
- the Python statement of the rules (plan_rules.py, the same leaf rules the checkov
  checks use) gives, on each mock, exactly what the case's name says: pass → every
  rule true; fail-<rule> → that rule false and every other rule true.

Run with .venv-iac/tools/bin/python (python-hcl2 8)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import hcl2

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plan_rules  # noqa: E402
import sentinel_literal  # noqa: E402

SENTINEL = Path(__file__).resolve().parents[1]
LEVELS = {"advisory", "soft-mandatory", "hard-mandatory"}
problems: list[str] = []


def problem(text: str) -> None:
    problems.append(text)


def plain(value):
    """python-hcl2 versions differ: unwrap one-element lists and surrounding quotes."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value


def blocks(document: dict, kind: str) -> dict[str, dict]:
    result = {}
    for entry in document.get(kind, []):
        for label, body in entry.items():
            result[plain(label)] = body
    return result


def policy_rules(text: str, name: str) -> tuple[list[str], list[str]]:
    main = re.search(r"^main\s*=\s*rule\s*\{(.*?)^\}", text, re.MULTILINE | re.DOTALL)
    if not main:
        problem(f"{name}: no `main = rule {{ ... }}`")
        return [], []
    rules = [w for w in re.split(r"\s+and\s+", main.group(1).strip()) if w]
    for rule in rules:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", rule):
            problem(f"{name}: main must be an `and` of named rules, found {rule!r}")
        elif not re.search(rf"^{rule}\s*=\s*rule\s*\{{", text, re.MULTILINE):
            problem(f"{name}: rule {rule} is used in main but not defined")
    types = re.search(r"^resource_types\s*=\s*\[(.*?)\]", text, re.MULTILINE | re.DOTALL)
    resource_types = re.findall(r'"([a-z0-9_]+)"', types.group(1)) if types else []
    if not resource_types:
        problem(f"{name}: no `resource_types = [...]` (what the policy reads)")
    return rules, resource_types


def check_mock(policy: str, case: str, path: Path, resource_types: list[str]) -> dict | None:
    where = f"{policy}/{path.name}"
    try:
        mock = sentinel_literal.parse(path.read_text())
    except sentinel_literal.LiteralError as error:
        problem(f"{where}: does not parse: {error}")
        return None
    for key in ("terraform_version", "planned_values", "resource_changes"):
        if key not in mock:
            problem(f"{where}: no {key}")
    changes = mock.get("resource_changes", {})
    for address, rc in changes.items():
        missing = [k for k in ("address", "mode", "type", "name", "module_address", "change") if k not in rc]
        if missing or rc.get("address") != address or "actions" not in rc.get("change", {}) \
                or "after" not in rc.get("change", {}):
            problem(f"{where}: resource change {address} is not shaped like tfplan/v2 (missing {missing})")
    types = {rc.get("type") for rc in changes.values()}
    if resource_types and resource_types[0] not in types:
        problem(f"{where}: holds no {resource_types[0]}, the resource its policy checks")
    if case == "pass":
        for t in resource_types:
            if t not in types:
                problem(f"{where}: the passing plan holds no {t}, which the policy reads")
    return mock


def check_policy(name: str, body: dict) -> None:
    source = plain(body.get("source"))
    level = plain(body.get("enforcement_level"))
    if level not in LEVELS:
        problem(f"{name}: enforcement_level {level!r}")
    path = (SENTINEL / str(source)).resolve()
    if path != SENTINEL / f"{name}.sentinel" or not path.exists():
        problem(f"{name}: source {source!r} should be ./{name}.sentinel and exist")
        return
    rules, resource_types = policy_rules(path.read_text(), name)
    evaluate = plan_rules.POLICIES.get(name)
    if evaluate is None:
        problem(f"{name}: no Python statement of its rules in plan_rules.py")
    folder = SENTINEL / "test" / name
    cases = sorted(folder.glob("*.hcl"))
    if not any(c.stem == "pass" or c.stem.startswith("pass-") for c in cases):
        problem(f"{name}: no passing test case (test/{name}/pass.hcl)")
    for rule in rules:
        dashed = rule.replace("_", "-")
        if not any(c.stem == f"fail-{dashed}" or c.stem.startswith(f"fail-{dashed}--") for c in cases):
            problem(f"{name}: no failing test case for rule {rule} (test/{name}/fail-{dashed}.hcl)")
    for case_path in cases:
        case, where = case_path.stem, f"{name}/{case_path.name}"
        document = hcl2.loads(case_path.read_text())
        mocks = blocks(document, "mock")
        module = plain(plain(mocks.get("tfplan/v2", {})).get("module", {})) if "tfplan/v2" in mocks else {}
        mock_source = plain(module.get("source")) if isinstance(module, dict) else None
        if not mock_source:
            problem(f"{where}: no mock \"tfplan/v2\" {{ module {{ source = ... }} }}")
            continue
        expected = {str(k): plain(v) for k, v in plain(plain(document.get("test", [{}])).get("rules", {})).items()}
        if case.startswith("pass"):
            wanted = {"main": True, **dict.fromkeys(rules, True)}
            failing = None
        elif case.startswith("fail-"):
            failing = case.removeprefix("fail-").split("--")[0].replace("-", "_")
            if failing not in rules:
                problem(f"{where}: names no rule of the policy ({failing})")
                continue
            wanted = {"main": False, failing: False}
        else:
            problem(f"{where}: a test case is pass[-*].hcl or fail-<rule>[--*].hcl")
            continue
        if expected != wanted:
            problem(f"{where}: test rules {expected} should be {wanted}")
        mock = check_mock(name, case, case_path.parent / mock_source, resource_types)
        if mock is None or evaluate is None:
            continue
        got = evaluate(mock)
        if set(got) != set(rules):
            problem(f"{name}: plan_rules.py's rules {sorted(got)} differ from the policy's {sorted(rules)}")
            continue
        should = {r: r != failing for r in rules}
        if got != should:
            problem(f"{where}: the mock gives {got}, the case says {should}")


def main() -> int:
    declared = blocks(hcl2.loads((SENTINEL / "sentinel.hcl").read_text()), "policy")
    if not declared:
        problem("sentinel.hcl declares no policy")
    for name, body in declared.items():
        check_policy(name, plain(body))
    for path in SENTINEL.glob("*.sentinel"):
        if path.stem not in declared:
            problem(f"{path.name} is not declared in sentinel.hcl")
    for folder in (SENTINEL / "test").iterdir():
        if folder.name not in declared:
            problem(f"test/{folder.name} tests no declared policy")
    for text in problems:
        print(f"check-sentinel: {text}", file=sys.stderr)
    if not problems:
        cases = len(list((SENTINEL / "test").rglob("*.hcl")))
        print(f"check-sentinel: {len(declared)} policies, {cases} test cases: layout, mocks and rules agree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
