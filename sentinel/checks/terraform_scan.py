"""Enforces the Sentinel policies' rules on a Terraform tree with their checkov custom
checks (sentinel/checkov/): no check may fail, and every check must have judged at
least one resource and passed it (a check that finds nothing to judge proves nothing).
Where checkov cannot resolve the values a check reads (it does not evaluate optional()
defaults of object variables, for one) and so judges nothing, the policy's rules
(plan_rules.py) are evaluated on each example root module (`examples/*`) as tfparse
evaluates it; they must hold there, on at least one resource of the policy's kind.

  .venv-iac/tools/bin/python sentinel/checks/terraform_scan.py [DIR]   # default: terraform/
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plan_rules  # noqa: E402
from test_checkov_checks import CASES, run_checkov  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def evaluated_elsewhere(directory: Path, policy: str, check_id: str) -> bool:
    from tfparse_plan import pseudo_plan  # tfparse loads Go's HCL library: only when needed

    text = (REPO / "sentinel" / f"{policy}.sentinel").read_text()
    primary = re.search(r'^resource_types\s*=\s*\[\s*"([a-z0-9_]+)"', text, re.MULTILINE)
    roots = sorted(p for p in (directory / "examples").glob("*") if p.is_dir()) or [directory]
    judged = 0
    for root in roots:
        plan = pseudo_plan(root)
        found = [rc for rc in plan["resource_changes"].values() if primary and rc["type"] == primary.group(1)]
        judged += len(found)
        broken = sorted(rule for rule, ok in plan_rules.POLICIES[policy](plan).items() if not ok)
        if broken:
            print(f"check-sentinel: {policy} fails in {root.relative_to(directory.parent)} as tfparse evaluates it: "
                  f"{', '.join(broken)}", file=sys.stderr)
            return False
    if judged == 0:
        print(f"check-sentinel: {policy} ({check_id}) judged nothing in {directory}: no resource it checks was "
              f"found (checkov, and tfparse on {', '.join(r.name for r in roots)})", file=sys.stderr)
        return False
    print(f"check-sentinel: {policy}: checkov could not resolve the values; its rules hold on {judged} "
          f"resource(s) of {', '.join(r.name for r in roots)} as tfparse evaluates them")
    return True


def main() -> int:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "terraform"
    ids = {check_id: policy for policy, (check_ids, _, _) in CASES.items() for check_id in check_ids}
    results = run_checkov(directory, sorted(ids))
    failed = [r for r in results if r["status"] == "FAILED"]
    for r in failed:
        why = f" ({', '.join(r['details'])})" if r["details"] else ""
        print(f"check-sentinel: {ids[r['id']]} fails on {r['resource']} in {r['file']}{why}", file=sys.stderr)
    silent = sorted(i for i in ids if not any(r["id"] == i for r in results))
    unjudged = []
    for check_id in silent:
        if not evaluated_elsewhere(directory, ids[check_id], check_id):
            unjudged.append(check_id)
    if failed or unjudged:
        return 1
    print(f"check-sentinel: {directory.name}/: the {len(set(ids.values()))} policies' checkov checks pass "
          f"({len(results)} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
