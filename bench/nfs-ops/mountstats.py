#!/usr/bin/env python3
"""RPCs per entry from the /proc/self/mountstats snapshots that guest.sh saves.

    mountstats.py count CORPUS_DIR NAME...        # JSON: files, dirs, bytes of each tree
    mountstats.py report RESULTS CORPORA_JSON [--json OUT] [--mount /mnt/efs]

`report` reads RESULTS/index.tsv (label, cache, rc, seconds, command) and, for every
case, RESULTS/LABEL.before.mountstats and LABEL.after.mountstats; it takes the NFS
mount on --mount from each, subtracts the per-operation RPC counts ("per-op
statistics": the first number of each line is the RPCs sent for that operation) and
the server read bytes, and prints Markdown tables: RPCs per entry in total and by
operation. A case's corpus is the first part of its label (`small-mw-c1-cold`:
`small`); its entries are the files and directories below the corpus root, which is
what a manifest lists (the root itself is not an entry).
"""
import argparse
import json
import os
import re
import sys

OP_LINE = re.compile(r"^\s+([A-Z][A-Z0-9_]*):\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)")


def parse_mountstats(text, mount):
    """The per-op RPC counts and the `bytes:` counters of the mount on `mount`."""
    block, inside = [], False
    for line in text.splitlines():
        if line.startswith("device "):
            inside = (" mounted on %s " % mount) in line and "fstype nfs" in line
            continue
        if inside:
            block.append(line)
    if not block:
        raise SystemExit("mountstats.py: no NFS mount on %s in a snapshot" % mount)
    ops, counters, in_ops = {}, {}, False
    for line in block:
        stripped = line.strip()
        if stripped == "per-op statistics":
            in_ops = True
            continue
        if in_ops:
            m = OP_LINE.match(line)
            if m:
                ops[m.group(1)] = int(m.group(2))
            continue
        if stripped.startswith("bytes:"):
            names = ["normalreadbytes", "normalwritebytes", "directreadbytes", "directwritebytes",
                     "serverreadbytes", "serverwritebytes", "readpages", "writepages"]
            counters.update(zip(names, map(int, stripped.split()[1:])))
        elif stripped.startswith("events:"):
            names = ["inoderevalidate", "dentryrevalidate", "datainvalidate", "attrinvalidate",
                     "vfsopen", "vfslookup", "vfsaccess", "vfsupdatepage", "vfsreadpage",
                     "vfsreadpages", "vfswritepage", "vfswritepages", "vfsgetdents", "vfssetattr",
                     "vfsflush", "vfsfsync", "vfslock", "vfsrelease"]
            counters.update(zip(names, map(int, stripped.split()[1:])))
    return ops, counters


def count(args):
    out = {}
    for name in args.names:
        files = dirs = size = 0
        for root, dnames, fnames in os.walk(os.path.join(args.corpus, name)):
            dirs += len(dnames)
            for f in fnames:
                files += 1
                size += os.lstat(os.path.join(root, f)).st_size
        out[name] = {"files": files, "dirs": dirs, "entries": files + dirs, "bytes": size}
    json.dump(out, sys.stdout, indent=1)
    print()


def delta(results, label, mount):
    with open(os.path.join(results, label + ".before.mountstats")) as f:
        ops0, c0 = parse_mountstats(f.read(), mount)
    with open(os.path.join(results, label + ".after.mountstats")) as f:
        ops1, c1 = parse_mountstats(f.read(), mount)
    ops = {k: ops1.get(k, 0) - ops0.get(k, 0) for k in ops1}
    counters = {k: c1.get(k, 0) - c0.get(k, 0) for k in c1}
    return {k: v for k, v in ops.items() if v}, counters


def worker_summary(results, label):
    """reused/sampled counts from the worker's --json line, when there is one."""
    try:
        with open(os.path.join(results, label + ".stdout")) as f:
            text = f.read().strip()
        return json.loads(text.splitlines()[-1]) if text else None
    except (OSError, ValueError, IndexError):
        return None


MAIN_OPS = ["LOOKUP", "GETATTR", "ACCESS", "OPEN", "OPEN_NOATTR", "READ", "CLOSE", "READDIR",
            "LOOKUPP", "DELEGRETURN", "TEST_STATEID", "SEQUENCE"]


def report(args):
    with open(args.corpora) as f:
        corpora = json.load(f)
    rows = []
    with open(os.path.join(args.results, "index.tsv")) as f:
        lines = f.read().splitlines()[1:]
    for line in lines:
        label, cache, rc, seconds, command = line.split("\t", 4)
        corpus = label.split("-", 1)[0]
        ops, counters = delta(args.results, label, args.mount)
        c = corpora[corpus]
        summary = worker_summary(args.results, label)
        rows.append({
            "label": label, "cache": cache, "rc": int(rc), "seconds": float(seconds),
            "command": command, "corpus": corpus, "entries": c["entries"], "files": c["files"],
            "dirs": c["dirs"], "bytes": c["bytes"], "rpcs": sum(ops.values()), "ops": ops,
            "serverreadbytes": counters.get("serverreadbytes", 0),
            "events": {k: counters[k] for k in ("vfsopen", "vfslookup", "vfsgetdents",
                                                "inoderevalidate", "dentryrevalidate") if k in counters},
            "worker": summary,
        })
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    print_tables(rows, corpora)


def print_tables(rows, corpora):
    print("Corpora (entries = files + directories below the root):\n")
    print("| corpus | files | dirs | entries | bytes |")
    print("|---|---|---|---|---|")
    for name, c in corpora.items():
        print("| %s | %d | %d | %d | %s |" % (name, c["files"], c["dirs"], c["entries"], "{:,}".format(c["bytes"])))
    seen = [op for op in MAIN_OPS if any(op in r["ops"] for r in rows)]
    others = sorted({op for r in rows for op in r["ops"]} - set(seen))
    cols = seen + others
    print("\nRPCs per entry (`/proc/self/mountstats`, after minus before):\n")
    print("| case | cache | rc | RPCs | per entry | per file | " + " | ".join(cols) + " | MiB read |")
    print("|---|---|---|---|---|---|" + "---|" * len(cols) + "---|")
    for r in rows:
        per = lambda n: "%.2f" % (n / r["entries"]) if n else "–"
        print("| %s | %s | %d | %d | %.2f | %.2f | %s | %.1f |" % (
            r["label"], r["cache"], r["rc"], r["rpcs"], r["rpcs"] / r["entries"],
            r["rpcs"] / max(1, r["files"]), " | ".join(per(r["ops"].get(op, 0)) for op in cols),
            r["serverreadbytes"] / (1 << 20)))
    reuse = [r for r in rows if r["worker"] and "reused" in json.dumps(r["worker"])]
    if reuse:
        print("\nWorker summaries of the reuse cases:\n")
        for r in reuse:
            print("- %s: %s" % (r["label"], json.dumps(r["worker"], sort_keys=True)))
    print("\nWall seconds in the VM (TCG emulation: not a speed measurement):",
          ", ".join("%s %.1f" % (r["label"], r["seconds"]) for r in rows))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("count")
    c.add_argument("corpus")
    c.add_argument("names", nargs="+")
    r = sub.add_parser("report")
    r.add_argument("results")
    r.add_argument("corpora")
    r.add_argument("--json")
    r.add_argument("--mount", default="/mnt/efs")
    args = ap.parse_args()
    count(args) if args.cmd == "count" else report(args)


if __name__ == "__main__":
    main()
