#!/usr/bin/env python3
"""Writes a synthetic, valid manifest (format v1) for the diff benchmark.

    make_manifest.py OUT.ndjson.gz ENTRIES [--role R] [--seed S] [--corrupt-every K]

The tree: directories dNNNNN, each holding 999 files fNNN (so 1,000 entries per
directory, in manifest order). Hashes, sizes and times derive from the path, so
two manifests written with the same ENTRIES are identical except where
--corrupt-every K changes the hash of every K-th file (a `corrupt` finding).

The digest rule (docs/manifest-format.md): the trailer's entriesSha256 is the
SHA-256 of the exact bytes of all entry lines, each including its newline.
"""
import argparse
import gzip
import hashlib
import json

START_NS = 1_763_769_600_000_000_000  # 2025-11-22T00:00:00Z
PER_DIR = 1000


def rfc3339(ns):
    import datetime
    secs, frac = divmod(ns, 1_000_000_000)
    t = datetime.datetime.fromtimestamp(secs, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % frac


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("entries", type=int)
    ap.add_argument("--role", default="baseline")
    ap.add_argument("--corrupt-every", type=int, default=0)
    args = ap.parse_args()

    digest = hashlib.sha256()
    counts = dict(entries=0, files=0, dirs=0, symlinks=0, others=0, bytes=0, errors=0, unstable=0)
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    header = {
        "manifest": "efs-backup-verifier/1", "role": args.role, "root": "/synthetic",
        "startedAt": rfc3339(START_NS), "tool": "make_manifest.py", "hash": "sha256",
        "shard": {"index": 0, "count": 1},
    }
    with gzip.open(args.out, "wb", compresslevel=6) as out:
        out.write((dumps(header) + "\n").encode())
        buf = []
        n = 0
        d = 0
        file_index = 0
        while n < args.entries:
            dname = "d%05d" % d
            entry = {"path": dname, "type": "dir", "size": 4096, "mode": 0o755, "uid": 0, "gid": 0,
                     "mtimeNs": START_NS - 86_400_000_000_000, "ctimeNs": START_NS - 86_400_000_000_000,
                     "ino": 1_000_000 + d, "nlink": 2}
            buf.append(dumps(entry) + "\n")
            counts["dirs"] += 1
            n += 1
            for f in range(PER_DIR - 1):
                if n >= args.entries:
                    break
                path = "%s/f%03d" % (dname, f)
                h = hashlib.sha256(path.encode())
                size = int.from_bytes(h.digest()[:2], "little") + 1
                sha = h.hexdigest()
                file_index += 1
                if args.corrupt_every and file_index % args.corrupt_every == 0:
                    sha = hashlib.sha256(sha.encode()).hexdigest()
                t = START_NS - 3_600_000_000_000 - file_index * 1000
                entry = {"path": path, "type": "file", "size": size, "mode": 0o644, "uid": 1000, "gid": 1000,
                         "mtimeNs": t, "ctimeNs": t, "ino": 2_000_000 + file_index, "nlink": 1, "sha256": sha}
                buf.append(dumps(entry) + "\n")
                counts["files"] += 1
                counts["bytes"] += size
                n += 1
            d += 1
            if len(buf) >= 20000:
                chunk = "".join(buf).encode()
                digest.update(chunk)
                out.write(chunk)
                buf = []
        chunk = "".join(buf).encode()
        digest.update(chunk)
        out.write(chunk)
        counts["entries"] = n
        trailer = dict(counts)
        trailer["completedAt"] = rfc3339(START_NS + 60_000_000_000)
        trailer["entriesSha256"] = digest.hexdigest()
        out.write((dumps({"trailer": trailer}) + "\n").encode())


if __name__ == "__main__":
    main()
