"""Enforces the Sentinel policies' rules on a Terraform tree with their checkov custom
checks (sentinel/checkov/): no check may fail, and every check must have judged at
least one resource and passed it (a check that finds nothing to judge proves nothing).

  .venv-iac/bin/python sentinel/checks/terraform_scan.py [DIR]   # default: terraform/
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_checkov_checks import CASES, run_checkov  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def main() -> int:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "terraform"
    ids = {check_id: policy for policy, (check_ids, _, _) in CASES.items() for check_id in check_ids}
    results = run_checkov(directory, sorted(ids))
    failed = [r for r in results if r["status"] == "FAILED"]
    for r in failed:
        why = f" ({', '.join(r['details'])})" if r["details"] else ""
        print(f"check-sentinel: {ids[r['id']]} fails on {r['resource']} in {r['file']}{why}", file=sys.stderr)
    silent = sorted(i for i in ids if not any(r["id"] == i and r["status"] == "PASSED" for r in results))
    for check_id in silent:
        print(f"check-sentinel: {ids[check_id]} ({check_id}) judged nothing in {directory}: the resources it "
              f"checks are missing or not readable statically", file=sys.stderr)
    if failed or silent:
        return 1
    print(f"check-sentinel: {directory.name}/: the {len(set(ids.values()))} policies' checkov checks pass "
          f"({len(results)} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
