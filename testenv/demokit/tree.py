"""The demo's "production" directory tree, the copy a restore puts under
``aws-backup-restore_<ts>/``, the corrupt scenario's damage, and a fingerprint that
proves production was not touched.

All paths are bytes, so names that are not UTF-8 survive every step."""

from __future__ import annotations

import hashlib
import os
import random
import stat

#: The file the corrupt scenario rewrites (same size and mtime, different bytes).
CORRUPT_PATH = b"data/ledger.csv"
#: The file the corrupt scenario leaves out of the restored copy.
MISSING_PATH = b"projects/alpha/src/deep/er/leaf.txt"
#: The window scenario's file rewritten after the baseline, and the one it creates.
CHANGED_PATH = b"docs/guide/chapter-1.md"
ADDED_PATH = b"projects/beta/items/item-new.json"
#: A name that is not valid UTF-8 (Latin-1 "café").
NON_UTF8_NAME = b"caf\xe9-latin1.txt"


def _write(root: bytes, rel: bytes, data: bytes, mode: int = 0o644) -> None:
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def build_production(root: bytes, big_mib: int = 3) -> dict:
    """Creates a tree with varied content under ``root``; returns counts of what it made."""
    rng = random.Random(20261122)
    os.makedirs(root, exist_ok=True)
    _write(root, b"README.txt", b"Production share of the demo.\n")
    _write(root, b"bin/run.sh", b"#!/bin/sh\necho running\n", 0o755)
    _write(root, b"data/empty.dat", b"")
    _write(root, CORRUPT_PATH, b"".join(b"%06d,%08.2f\n" % (i, rng.random() * 1e5) for i in range(2000)))
    _write(root, b"data/big.bin", rng.randbytes(big_mib * 1024 * 1024))
    _write(root, b"docs/guide/chapter-1.md", b"# One\n" + b"lorem ipsum " * 300)
    _write(root, b"docs/guide/chapter-2.md", b"# Two\n" + b"dolor sit amet " * 200)
    _write(root, "docs/caf\u00e9-\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9.txt".encode(), b"utf-8 name\n")
    _write(root, b"docs/" + NON_UTF8_NAME, b"a name that is not UTF-8\n")
    _write(root, MISSING_PATH, b"deep leaf\n")
    _write(root, b"projects/alpha/src/main.swift", b'print("hello")\n')
    _write(root, b"projects/alpha/src/secret.key", rng.randbytes(64), 0o600)
    for i in range(40):
        _write(root, b"projects/beta/items/item-%03d.json" % i, b'{"id":%d,"v":"%s"}\n' % (i, rng.randbytes(8).hex().encode()))
    os.makedirs(os.path.join(root, b"empty-dir"), exist_ok=True)
    os.makedirs(os.path.join(root, b"links"), exist_ok=True)
    os.symlink(b"../README.txt", os.path.join(root, b"links/readme"))
    os.symlink(b"nowhere/at/all", os.path.join(root, b"links/dangling"))
    os.link(os.path.join(root, CORRUPT_PATH), os.path.join(root, b"links/ledger-hardlink.csv"))
    return count(root)


def walk(root: bytes):
    """Yields ``(relative path, lstat)`` for everything below ``root``, sorted."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            yield os.path.relpath(path, root), os.lstat(path)


def count(root: bytes) -> dict:
    counts = {"entries": 0, "files": 0, "dirs": 0, "symlinks": 0, "bytes": 0}
    for _, info in walk(root):
        counts["entries"] += 1
        if stat.S_ISREG(info.st_mode):
            counts["files"] += 1
            counts["bytes"] += info.st_size
        elif stat.S_ISDIR(info.st_mode):
            counts["dirs"] += 1
        elif stat.S_ISLNK(info.st_mode):
            counts["symlinks"] += 1
    return counts


def fingerprint(root: bytes) -> str:
    """SHA-256 over every entry's path, type, mode, size, mtime, inode, content or target:
    equal fingerprints mean nothing was written, renamed, created or removed."""
    digest = hashlib.sha256()
    for rel, info in walk(root):
        digest.update(b"%s\0%o\0%d\0%d\0%d\0" % (rel, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ino))
        path = os.path.join(root, rel)
        if stat.S_ISLNK(info.st_mode):
            digest.update(os.readlink(path))
        elif stat.S_ISREG(info.st_mode):
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def copy_tree(source: bytes, target: bytes) -> None:
    """Copies ``source`` into the new directory ``target`` as a restore would: contents,
    modes, mtimes, symlinks as symlinks, hard links kept as hard links."""
    linked: dict[tuple[int, int], bytes] = {}
    directories = [(b"", os.lstat(source))]
    os.makedirs(target)
    for rel, info in walk(source):
        src, dst = os.path.join(source, rel), os.path.join(target, rel)
        if stat.S_ISDIR(info.st_mode):
            os.mkdir(dst)
            directories.append((rel, info))
        elif stat.S_ISLNK(info.st_mode):
            os.symlink(os.readlink(src), dst)
            os.utime(dst, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)
        elif stat.S_ISREG(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if info.st_nlink > 1 and key in linked:
                os.link(linked[key], dst)
                continue
            linked[key] = dst
            with open(src, "rb") as reader, open(dst, "wb") as writer:
                writer.write(reader.read())
            os.chmod(dst, stat.S_IMODE(info.st_mode))
            os.utime(dst, ns=(info.st_atime_ns, info.st_mtime_ns))
    # Directories last, deepest first: adding their entries changed their mtimes.
    for rel, info in reversed(directories):
        dst = os.path.join(target, rel) if rel else target
        os.chmod(dst, stat.S_IMODE(info.st_mode))
        os.utime(dst, ns=(info.st_atime_ns, info.st_mtime_ns))


def damage(restored_root: bytes) -> None:
    """The corrupt scenario: rewrite one file with different bytes of the same size and
    the same mtime (silent corruption), and lose another."""
    path = os.path.join(restored_root, CORRUPT_PATH)
    info = os.stat(path)
    parent_info = os.stat(os.path.dirname(path))
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    data[len(data) // 2] ^= 0x01  # one bit flipped in the middle
    # A new inode, so the production file's hard-link twin is not touched.
    os.unlink(path)
    with open(path, "wb") as handle:
        handle.write(bytes(data))
    os.chmod(path, stat.S_IMODE(info.st_mode))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.utime(os.path.dirname(path), ns=(parent_info.st_atime_ns, parent_info.st_mtime_ns))
    missing = os.path.join(restored_root, MISSING_PATH)
    parent = os.path.dirname(missing)
    parent_info = os.stat(parent)
    os.unlink(missing)
    os.utime(parent, ns=(parent_info.st_atime_ns, parent_info.st_mtime_ns))


def change(root: bytes) -> None:
    """The window scenario: production is written to after the baseline (a file grows,
    a file appears), as it may be while a backup runs."""
    with open(os.path.join(root, CHANGED_PATH), "ab") as handle:
        handle.write(b"\nappended during the backup window\n")
    _write(root, ADDED_PATH, b'{"id":"new"}\n')
