#!/usr/bin/env python3
"""Creates the deterministic benchmark corpora (same bytes on every run).

    make_corpus.py DIR KIND [--scale F]

KIND:
  large  8 files of 256 MiB (scale shrinks the size, not the count)
  small  200,000 files of 1-8 KiB in a 3-level tree aNN/bNN/cNN/fNNN,
         25 files per leaf directory (scale shrinks the number of files)
  mixed  20,000 files, sizes log-uniform in 0-16 MiB, 2-level tree
         (scale shrinks the number of files)
  lat    like small, 20,000 files (scale shrinks) - the latency slice
  skew   20,000 files of 1-2 KiB (scale shrinks): half in one directory `m/`, the
         rest 10 to a directory in `aNNN/` (before it) and `zNNN/` (after it) - the
         sharding balance test
  dirs   20,000 files of 1-8 KiB (scale shrinks), 2 to a leaf directory `aNN/bNN/`
         (100 leaves to an `aNN/`): one directory per two files - the directory-heavy
         tree of bench/nfs-ops

A corpus is written once; a `DIR.complete` marker beside it, holding its parameters makes a
re-run with the same parameters a no-op.
"""
import argparse
import json
import math
import os
import random
import shutil

MiB = 1 << 20
POOL_SIZE = 32 * MiB


def pool(seed):
    return random.Random(seed).randbytes(POOL_SIZE)


def write_file(path, size, data, rng):
    """Writes `size` bytes taken from the pool at pseudo-random offsets."""
    with open(path, "wb", buffering=0) as f:
        left = size
        while left > 0:
            n = min(left, 4 * MiB)
            off = rng.randrange(0, POOL_SIZE - n + 1)
            f.write(data[off:off + n])
            left -= n


def small_tree(root, count, rng, data):
    per_leaf, fan = 25, 20
    made = 0
    for a in range(fan):
        for b in range(fan):
            for c in range(fan):
                if made >= count:
                    return made
                leaf = os.path.join(root, "a%02d" % a, "b%02d" % b, "c%02d" % c)
                os.makedirs(leaf, exist_ok=True)
                for i in range(min(per_leaf, count - made)):
                    write_file(os.path.join(leaf, "f%03d" % i), rng.randint(1024, 8192), data, rng)
                    made += 1
    return made


def mixed_tree(root, count, rng, data):
    per_dir = 200
    total = 0
    for i in range(count):
        d = os.path.join(root, "m%03d" % (i // per_dir))
        os.makedirs(d, exist_ok=True)
        size = int(2 ** rng.uniform(0, 24)) - 1  # log-uniform over 0 .. 16 MiB - 1
        write_file(os.path.join(d, "f%05d" % i), size, data, rng)
        total += size
    return total


def skew_tree(root, count, rng, data):
    huge = count // 2
    os.makedirs(os.path.join(root, "m"))
    for i in range(huge):
        write_file(os.path.join(root, "m", "f%06d" % i), rng.randint(1024, 2048), data, rng)
    rest = count - huge
    per_dir = 10
    dirs = (rest + per_dir - 1) // per_dir
    made = 0
    for d in range(dirs):
        name = ("a%03d" % d) if d < dirs // 2 else ("z%03d" % d)
        os.makedirs(os.path.join(root, name))
        for i in range(min(per_dir, rest - made)):
            write_file(os.path.join(root, name, "f%02d" % i), rng.randint(1024, 2048), data, rng)
            made += 1
    return huge + made


def dirs_tree(root, count, rng, data):
    for i in range(count):
        leaf = i // 2
        d = os.path.join(root, "a%02d" % (leaf // 100), "b%02d" % (leaf % 100))
        os.makedirs(d, exist_ok=True)
        write_file(os.path.join(d, "f%d" % (i % 2)), rng.randint(1024, 8192), data, rng)
    return count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("kind", choices=["large", "small", "mixed", "lat", "skew", "dirs"])
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()

    params = {"kind": args.kind, "scale": args.scale, "version": 1}
    marker = args.dir.rstrip("/") + ".complete"
    if os.path.exists(marker):
        with open(marker) as f:
            if json.load(f) == params:
                return
    if os.path.exists(args.dir):
        shutil.rmtree(args.dir)
    os.makedirs(args.dir)
    seed = {"large": 1, "small": 2, "mixed": 3, "lat": 4, "skew": 5, "dirs": 6}[args.kind]
    rng = random.Random(seed)
    data = pool(seed)
    if args.kind == "large":
        size = max(MiB, int(256 * MiB * args.scale))
        for i in range(8):
            write_file(os.path.join(args.dir, "large%d.bin" % i), size, data, rng)
    elif args.kind == "small":
        small_tree(args.dir, max(100, int(200_000 * args.scale)), rng, data)
    elif args.kind == "lat":
        small_tree(args.dir, max(100, int(20_000 * args.scale)), rng, data)
    elif args.kind == "skew":
        skew_tree(args.dir, max(100, int(20_000 * args.scale)), rng, data)
    elif args.kind == "dirs":
        dirs_tree(args.dir, max(100, int(20_000 * args.scale)), rng, data)
    else:
        mixed_tree(args.dir, max(20, int(20_000 * args.scale)), rng, data)
    with open(marker, "w") as f:
        json.dump(params, f)


if __name__ == "__main__":
    main()
