"""The AWS operations each executable can call, derived from the Swift sources.

AWSLite's service files are the operation table: every request names its operation
(`operation: "RunTask"`) inside the client method that sends it, and the client type says
which service. A method's operations are those it names plus those of the AWSLite methods it
calls (transitively: `listAllTasks` → `listTasks` → ListTasks; `multipartWriter` → the
writer's CreateMultipartUpload, UploadPart, ...). An executable's operations are those of
every AWSLite method its adapters call: the orchestrator's `Sources/OrchestratorKit/Production/`,
the worker's `Sources/ManifestWorker/`, and for both `Sources/S3ByteStreams/` (the S3 byte
source and sink they share).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

SERVICE_OF_TYPE = {
    "S3Client": "s3", "S3MultipartWriter": "s3", "S3ObjectStream": "s3",
    "SNSClient": "sns", "ECSClient": "ecs", "EFSClient": "elasticfilesystem", "BackupClient": "backup",
}
TYPE_DECL = re.compile(r"^(?:public |internal )?(?:final )?(?:struct|class|extension|enum|actor) (\w+)", re.M)
FUNC_DECL = re.compile(r"^    (?:@\w+ )*(?:public |internal |private |fileprivate )?(?:static )?(?:mutating )?func (\w+)", re.M)
INIT_DECL = re.compile(r"^    (?:public |internal )?(?:convenience )?init\b", re.M)
OPERATION = re.compile(r'operation: "([A-Za-z0-9]+)"')
CALL = re.compile(r"\b([a-z]\w*)\(")
CONSTRUCT = re.compile(r"\b(S3\w+|SNS\w+|ECS\w+|EFS\w+|Backup\w+)\(")

EXECUTABLES = {
    "orchestrator": ["Sources/OrchestratorKit/Production", "Sources/S3ByteStreams"],
    "manifest-worker": ["Sources/ManifestWorker", "Sources/S3ByteStreams"],
}


def _members(text: str) -> list[tuple[str, str, str]]:
    """(type, member, body) for each func/init in a Swift file (bodies split at the next member)."""
    types = [(m.start(), m.group(1)) for m in TYPE_DECL.finditer(text)]
    starts = sorted([(m.start(), m.group(1)) for m in FUNC_DECL.finditer(text)] + [(m.start(), "init") for m in INIT_DECL.finditer(text)])
    bounds = sorted([s for s, _ in starts] + [s for s, _ in types] + [len(text)])
    members = []
    for start, name in starts:
        owner = next((t for s, t in reversed(types) if s < start), "")
        end = next(b for b in bounds if b > start)
        members.append((owner, name, text[start:end]))
    return members


def awslite_table(root: Path) -> dict[tuple[str, str], tuple[set[str], set[str], set[str]]]:
    """(type, method) → (operations named, methods called, types constructed), for AWSLite's service types."""
    table: dict[tuple[str, str], tuple[set[str], set[str], set[str]]] = {}
    for path in sorted((root / "Sources/AWSLite/Services").glob("*.swift")):
        for owner, name, body in _members(path.read_text()):
            if owner not in SERVICE_OF_TYPE:
                continue
            service = SERVICE_OF_TYPE[owner]
            ops = {f"{service}:{op}" for op in OPERATION.findall(body)}
            entry = table.setdefault((owner, name), (set(), set(), set()))
            entry[0].update(ops)
            entry[1].update(c for c in CALL.findall(body.split("\n", 1)[1] if "\n" in body else ""))
            entry[2].update(CONSTRUCT.findall(body))
    return table


def _resolve(table, names: set[str], constructed: set[str]) -> set[str]:
    ops: set[str] = set()
    seen: set[tuple[str, str]] = set()
    todo = [key for key in table if key[1] in names] + [(t, "init") for t in constructed if (t, "init") in table]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        own, calls, made = table[key]
        ops |= own
        todo += [k for k in table if k[1] in calls and k not in seen]
        todo += [(t, "init") for t in made if (t, "init") in table]
    return ops


def operations(root: Path) -> dict[str, set[str]]:
    table = awslite_table(root)
    result: dict[str, set[str]] = {}
    for executable, folders in EXECUTABLES.items():
        names: set[str] = set()
        constructed: set[str] = set()
        for folder in folders:
            for path in sorted((root / folder).rglob("*.swift")):
                text = path.read_text()
                if "import AWSLite" not in text:
                    continue
                names |= {n for n in CALL.findall(text) if n != "init"}
                constructed |= set(CONSTRUCT.findall(text))
        result[executable] = _resolve(table, names, constructed)
    return result


if __name__ == "__main__":
    for executable, ops in operations(Path(sys.argv[1] if len(sys.argv) > 1 else ".")).items():
        print(executable)
        for op in sorted(ops):
            print("  " + op)
