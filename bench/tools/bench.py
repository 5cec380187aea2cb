#!/usr/bin/env python3
"""The benchmark driver behind bench/run (see bench/README.md).

Times `manifest-worker generate` against peer tools on warm corpora, the diff
against zcat, peak RSS growth, and throughput through a latency-injecting FUSE
mount. Prints Markdown tables and writes OUT/results.md and OUT/results.json.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

from scalebench import ScaleSections

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = ["."]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_timed(cmd, stdout=subprocess.DEVNULL, ok=(0,)):
    """Runs `cmd` (a shell string; a plain command is exec'd by bash without a
    fork) under GNU time and returns (wall seconds, peak RSS in KiB of the
    largest process of the command)."""
    tf = os.path.join(OUT_DIR[0], ".time")
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", tf, "bash", "-c", cmd],
                       stdout=stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if p.returncode not in ok:
        raise SystemExit("bench: command failed (%d): %s\n%s" % (p.returncode, cmd, p.stderr.decode(errors="replace")[-2000:]))
    with open(tf) as f:
        peak = int(f.read().split()[-1])
    return wall, peak


def corpus_stats(root):
    files = 0
    size = 0
    paths = []
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            files += 1
            size += os.lstat(p).st_size
            paths.append(p)
    paths.sort()
    step = max(1, len(paths) // 500)
    return files, size, paths[::step]


def warm(root):
    subprocess.run("find %s -type f -print0 | xargs -0 -P2 -n 512 cat > /dev/null" % shlex.quote(root),
                   shell=True, check=True)


def resident_fraction(sample):
    """Fraction of the sampled files' pages in the page cache (fincore)."""
    if not sample:
        return 1.0
    out = subprocess.run(["fincore", "--bytes", "--noheadings", "--raw", "-o", "PAGES,SIZE"] + sample,
                         capture_output=True, text=True).stdout
    res = pages = 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2:
            res += int(parts[0])
            pages += (int(parts[1]) + 4095) // 4096
    return min(1.0, res / pages) if pages else 1.0


def hashing_limit(cores, seconds=2):
    out = subprocess.run(["openssl", "speed", "-evp", "sha256", "-multi", str(cores), "-bytes", "1048576",
                          "-seconds", str(seconds), "-mr"], capture_output=True, text=True).stdout
    for line in reversed(out.splitlines()):
        if line.startswith("+F:"):
            return float(line.split(":")[-1]) / 1e6  # MB/s
    raise SystemExit("bench: cannot parse openssl speed output")


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_mb(kib):
    return "%.1f MiB" % (kib / 1024.0)


class Bench:
    def __init__(self, args):
        self.a = args
        self.results = {"scale": args.scale, "rounds": args.rounds, "cores": os.cpu_count()}
        self.limits = []
        self.md = []

    def emit(self, text=""):
        print(text, flush=True)
        self.md.append(text)

    def table(self, header, rows):
        self.emit("| " + " | ".join(header) + " |")
        self.emit("|" + "---|" * len(header))
        for r in rows:
            self.emit("| " + " | ".join(str(c) for c in r) + " |")
        self.emit()

    def mw(self, *args):
        return " ".join([shlex.quote(self.a.bin)] + [shlex.quote(x) for x in args])

    # --- hashing corpora -------------------------------------------------
    def scale(self, kind):
        override = {"mixed": self.a.mixed_scale, "lat": self.a.lat_scale, "skew": self.a.lat_scale}.get(kind)
        return override if override is not None else self.a.scale

    def corpus(self, kind, name=None, scale=None):
        root = os.path.join(self.a.corpus, name or kind)
        scale = self.scale(kind) if scale is None else scale
        log("bench: corpus %s (scale %g)" % (name or kind, scale))
        subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), root, kind,
                        "--scale", str(scale)], check=True)
        return root

    def peers(self, root, files):
        q = shlex.quote(root)
        n = max(1, min(256, files // 16))
        out = shlex.quote(os.path.join(self.a.out, "gen.ndjson.gz"))
        return [
            ("manifest-worker", self.mw("generate", root, "-o", os.path.join(self.a.out, "gen.ndjson.gz"), "--quiet")),
            ("sha256sum -P2", "find %s -type f -print0 | xargs -0 -P2 -n %d sha256sum > /dev/null" % (q, n)),
            ("hashdeep", "hashdeep -c sha256 -r %s > /dev/null" % q),
            ("rhash", "rhash --sha256 -r %s > /dev/null" % q),
            ("rclone", "rclone hashsum sha256 %s > /dev/null" % q),
        ], out

    def hashing(self, kind):
        root = self.corpus(kind)
        files, size, sample = corpus_stats(root)
        tools, _ = self.peers(root, files)
        times = {name: [] for name, _ in tools}
        rss = {name: [] for name, _ in tools}
        resident = []
        for r in range(self.a.rounds):
            # The hashing limit is measured in the same alternation (the
            # machine's speed drifts); the median of all measurements is quoted.
            self.limits.append(hashing_limit(os.cpu_count()))
            for name, cmd in tools:
                warm(root)
                before = resident_fraction(sample)
                wall, peak = run_timed(cmd)
                after = resident_fraction(sample)
                resident.append((before, after))
                times[name].append(wall)
                rss[name].append(peak)
                log("bench: %s round %d %-16s %.2fs (resident %.0f%% -> %.0f%%)" % (
                    kind, r + 1, name, wall, before * 100, after * 100))
        mw_t = median(times["manifest-worker"])
        self.emit("### %s (scale %g): %d files, %.1f MB (resident before/after runs: min %.0f%% / %.0f%%)" % (
            kind, self.scale(kind), files, size / 1e6, min(b for b, _ in resident) * 100, min(a for _, a in resident) * 100))
        self.emit()
        rows = []
        summary = {}
        for name, _ in tools:
            t = median(times[name])
            rows.append([name, "%.2f s" % t, "%.0f" % (size / 1e6 / t), "%.0f" % (files / t),
                         fmt_mb(max(rss[name])), "%.2f" % (t / mw_t)])
            summary[name] = {"seconds": t, "all": times[name], "MBps": size / 1e6 / t, "filesps": files / t,
                             "peakRssKiB": max(rss[name])}
        self.table(["tool", "wall (median)", "MB/s", "files/s", "peak RSS", "time / manifest-worker"], rows)
        peer_names = [n for n, _ in tools if n != "manifest-worker"]
        mw = summary["manifest-worker"]
        limit = median(self.limits)
        if kind == "large":
            self.emit("large: manifest-worker %.0f MB/s = %.2f x the hashing limit %.0f MB/s (target >= 0.85)" % (
                mw["MBps"], mw["MBps"] / limit, limit))
        elif kind == "small":
            best = max(summary[n]["filesps"] for n in peer_names)
            self.emit("small: manifest-worker %.0f files/s = %.2f x the fastest peer (target >= 2)" % (
                mw["filesps"], mw["filesps"] / best))
        else:
            best = min(summary[n]["seconds"] for n in peer_names)
            self.emit("mixed: fastest peer takes %.2f x manifest-worker's time (target > 1)" % (best / mw["seconds"]))
        self.emit()
        self.results[kind] = {"files": files, "bytes": size, "tools": summary, "resident": resident}

    # --- diff -------------------------------------------------------------
    def manifests(self, entries):
        base = os.path.join(self.a.corpus, "m%d-baseline.ndjson.gz" % entries)
        rest = os.path.join(self.a.corpus, "m%d-restored.ndjson.gz" % entries)
        for path, extra in ((base, ["--role", "baseline"]), (rest, ["--role", "restored", "--corrupt-every", "99991"])):
            if not os.path.exists(path):
                log("bench: writing %s" % path)
                subprocess.run([sys.executable, os.path.join(HERE, "make_manifest.py"), path + ".tmp",
                                str(entries)] + extra, check=True)
                os.rename(path + ".tmp", path)
        return base, rest

    def diff(self):
        rows = []
        out = {}
        for entries in (100_000, 1_000_000):
            base, rest = self.manifests(entries)
            cmds = [("manifest-worker diff", self.mw("diff", base, rest, "--quiet")),
                    ("zcat both", "zcat %s %s > /dev/null" % (shlex.quote(base), shlex.quote(rest)))]
            times = {n: [] for n, _ in cmds}
            rss = {n: [] for n, _ in cmds}
            for r in range(self.a.rounds):
                for name, cmd in cmds:
                    subprocess.run(["cat", base, rest], stdout=subprocess.DEVNULL)
                    wall, peak = run_timed(cmd, ok=(0, 1))
                    times[name].append(wall)
                    rss[name].append(peak)
                    log("bench: diff %d round %d %-22s %.2fs %s" % (entries, r + 1, name, wall, fmt_mb(peak)))
            z = median(times["zcat both"])
            for name, _ in cmds:
                t = median(times[name])
                rows.append(["2 x %d" % entries, name, "%.2f s" % t, fmt_mb(max(rss[name])), "%.2f" % (t / z)])
            out[entries] = {n: {"seconds": median(times[n]), "peakRssKiB": max(rss[n])} for n, _ in cmds}
        self.emit("### diff of two synthetic manifests")
        self.emit()
        self.table(["entries", "command", "wall (median)", "peak RSS", "time / zcat"], rows)
        a, b = out[100_000]["manifest-worker diff"], out[1_000_000]["manifest-worker diff"]
        self.emit("diff: 1M/100k peak RSS ratio %.2f; 1M time = %.2f x zcat (targets: RSS <= 64 MiB and flat, time <= 1.5 x)" % (
            b["peakRssKiB"] / a["peakRssKiB"], b["seconds"] / out[1_000_000]["zcat both"]["seconds"]))
        self.emit()
        self.results["diff"] = out

    # --- generate memory --------------------------------------------------
    def memory(self):
        rows = []
        out = {}
        for kind in ("lat", "small"):
            # 20k (x scale) against 200k (x scale) files of the same shape.
            root = self.corpus(kind, name="mem20k" if kind == "lat" else None, scale=self.a.scale)
            files, _, _ = corpus_stats(root)
            peaks = []
            for _ in range(self.a.rounds):
                warm(root)
                _, peak = run_timed(self.mw("generate", root, "-o", os.path.join(self.a.out, "gen.ndjson.gz"), "--quiet"))
                peaks.append(peak)
            rows.append(["small" if kind == "small" else "small, 20k slice", files, fmt_mb(max(peaks))])
            out[kind] = {"files": files, "peakRssKiB": max(peaks)}
        self.emit("### generate peak RSS by tree size")
        self.emit()
        self.table(["corpus", "files", "peak RSS"], rows)
        self.emit("generate: peak RSS %d files / %d files = %.2f (target: within +-20%%)" % (
            out["small"]["files"], out["lat"]["files"], out["small"]["peakRssKiB"] / out["lat"]["peakRssKiB"]))
        self.emit()
        self.results["memory"] = out

    # --- latency ----------------------------------------------------------
    def latency(self):
        root = self.corpus("lat")
        files, _, _ = corpus_stats(root)
        mnt = os.path.join(self.a.out, "latmnt")
        os.makedirs(mnt, exist_ok=True)
        if not os.path.ismount("/sys/fs/fuse/connections"):
            subprocess.run(["mount", "-t", "fusectl", "none", "/sys/fs/fuse/connections"], check=False)
        rows = []
        out = {}
        for delay in (0, 2):
            subprocess.run([self.a.latfs, root, mnt, str(delay)], check=True)
            try:
                dev = subprocess.run(["mountpoint", "-d", mnt], capture_output=True, text=True).stdout.strip()
                conn = "/sys/fs/fuse/connections/%s" % dev.split(":")[1]
                for knob, value in (("max_background", 256), ("congestion_threshold", 192)):
                    try:
                        with open(os.path.join(conn, knob), "w") as f:
                            f.write(str(value))
                    except OSError as e:
                        log("bench: cannot set %s: %s" % (knob, e))
                for c in (1, 8, 32, 64):
                    warm(root)
                    wall, _ = run_timed(self.mw("generate", mnt, "-o", os.path.join(self.a.out, "lat.ndjson.gz"),
                                                "--quiet", "--concurrency", str(c)))
                    log("bench: latency %d ms concurrency %d: %.2fs" % (delay, c, wall))
                    out.setdefault(delay, {})[c] = files / wall
            finally:
                subprocess.run(["fusermount3", "-u", mnt], check=False)
        for c in (1, 8, 32, 64):
            rows.append([c, "%.0f" % out[0][c], "%.0f" % out[2][c]])
        self.emit("### latency: files/s through the FUSE passthrough (%d files)" % files)
        self.emit()
        self.table(["--concurrency", "0 ms", "2 ms"], rows)
        self.emit("latency: 2 ms, concurrency 64 / concurrency 1 = %.1f x (target >= 20)" % (out[2][64] / out[2][1]))
        self.emit()
        self.results["latency"] = {"files": files, "filesps": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--latfs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--mixed-scale", type=float, help="scale of the mixed corpus (default --scale)")
    ap.add_argument("--lat-scale", type=float, help="scale of the 20k-file latency slice (default --scale)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="large,small,mixed,diff,memory,latency,constants,shards,reuse")
    ap.add_argument("--const-scale", type=float, default=0.05, help="constants: size of the 2 ms slice (x 20,000 files)")
    ap.add_argument("--const-diff-entries", type=int, default=200_000, help="constants: entries of the diff manifests")
    ap.add_argument("--shard-concurrency", type=int, default=16, help="shards: --concurrency of every process")
    ap.add_argument("--shard-counts", default="1,2,4", help="shards: the K values")
    ap.add_argument("--shard-delay", type=float, default=2, help="shards: simulated ms per operation")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    OUT_DIR[0] = args.out
    os.makedirs(args.corpus, exist_ok=True)
    b = Bench(args)
    cores = os.cpu_count()
    parts = args.only.split(",")
    b.emit("## manifest-worker benchmarks (scale %g, %d rounds, %d cores, %s)" % (
        args.scale, args.rounds, cores, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    b.emit()
    b.emit("Load average at the start: %.1f, %.1f, %.1f" % os.getloadavg())
    b.emit()
    for kind in ("large", "small", "mixed"):
        if kind in parts:
            b.hashing(kind)
    if b.limits:
        b.emit("Hashing limit, `openssl speed -evp sha256 -multi %d -bytes 1048576`, measured before every round: "
               "median %.0f MB/s (min %.0f, max %.0f)" % (cores, median(b.limits), min(b.limits), max(b.limits)))
        b.emit()
        b.results["hashingLimitMBps"] = b.limits
    if "diff" in parts:
        b.diff()
    if "memory" in parts:
        b.memory()
    if "latency" in parts:
        b.latency()
    scale = ScaleSections(b)
    if "constants" in parts:
        scale.constants()
    if "shards" in parts:
        scale.shards()
    if "reuse" in parts:
        scale.reuse()
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(b.md) + "\n")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(b.results, f, indent=1, default=str)


if __name__ == "__main__":
    main()
