"""Every checkov skip in terraform/ is justified inline: `#checkov:skip=CKV_ID:reason`
inside the resource it skips, with a reason of at least a few words."""
from __future__ import annotations

import re
import sys
from pathlib import Path

SKIP = re.compile(r"#\s*checkov:skip=([^:\s]*)(?::(.*))?")


def check(terraform: Path) -> tuple[int, list[str]]:
    errors: list[str] = []
    count = 0
    for path in sorted(terraform.rglob("*.tf")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = SKIP.search(line)
            if not match:
                continue
            count += 1
            where = f"{path.relative_to(terraform.parent)}:{number}"
            check_id, reason = match.group(1), (match.group(2) or "").strip()
            if not re.fullmatch(r"CKV2?_[A-Z]+_\d+", check_id):
                errors.append(f"{where}: skip names no check id: {line.strip()}")
            if len(reason.split()) < 4:
                errors.append(f"{where}: skip of {check_id} without a reason (write why, after a colon)")
            if not line.startswith("  "):
                errors.append(f"{where}: skip of {check_id} outside a block (put it inside the resource it skips)")
    return count, errors


def main(terraform: Path) -> int:
    count, errors = check(terraform)
    for error in errors:
        print(f"skips: {error}", file=sys.stderr)
    print(f"skips: {count} checkov skips, each justified inline: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
