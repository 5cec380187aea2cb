"""The `shards` and `reuse` sections of bench/run (issue 16), and the pure helpers they
use (tested in testenv/tests/test_bench_tools.py).

shards: on the FUSE latency simulator at 2 ms, one `generate --concurrency C` against K
processes `generate --plan P --shard I --concurrency C` running at once (K = 1, 2, 4):
wall time and its ratio to the ideal 1/K; the balance (largest shard's entries and time
over the mean) on a skewed tree; the cost of `plan-shards` and `join` against the walk;
and whether the joined manifest's entries equal the single walk's.

reuse: a post manifest after 1 % of the files changed, read in full against
`generate --reuse-from BASELINE`, at 0 ms and 2 ms.

Both sections need CLI features built on other branches; without them they print why
they were skipped instead of failing the run.
"""
import contextlib
import gzip
import resource
import json
import os
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --- pure helpers ------------------------------------------------------------------

def balance(values):
    """Largest over mean (1.0 = perfectly balanced); None for an empty or all-zero list."""
    values = list(values)
    if not values:
        return None
    mean = sum(values) / len(values)
    return max(values) / mean if mean > 0 else None


def ideal_ratio(t1, tk, k):
    """How close K processes came to the ideal: (t1 / K) / tK, 1.0 = perfect scaling."""
    if tk <= 0 or k <= 0:
        return None
    return (t1 / k) / tk


def changed_paths(paths, fraction, offset=0):
    """A deterministic `fraction` of `paths` (sorted), evenly spread: every n-th path
    starting at `offset % n`, at least one when `paths` is not empty."""
    paths = sorted(paths)
    if not paths or fraction <= 0:
        return []
    step = max(1, round(1 / fraction))
    return paths[offset % step::step] or paths[:1]


def read_manifest_ends(path):
    """(header, trailer) of a gzip'd NDJSON manifest: its first line and its last line's
    `trailer` object."""
    header = trailer = None
    with gzip.open(path, "rt", encoding="utf-8") as f:
        last = None
        for i, line in enumerate(f):
            if i == 0:
                header = json.loads(line)
            last = line
    if last is not None:
        trailer = json.loads(last).get("trailer")
    return header, trailer


def supports(help_text, *needles):
    return all(n in help_text for n in needles)


def cli_help(binary, *args):
    p = subprocess.run([binary] + list(args) + ["--help"], capture_output=True, text=True)
    return p.stdout + p.stderr


def has_command(binary, command):
    p = subprocess.run([binary, command, "--help"], capture_output=True, text=True)
    return p.returncode == 0 and "unknown command" not in p.stdout + p.stderr


def fmt_s(seconds):
    return "%.2f s" % seconds


def fmt_ratio(x):
    return "n/a" if x is None else "%.2f" % x


# --- the simulator ------------------------------------------------------------------

@contextlib.contextmanager
def latfs_mount(latfs, source, mnt, delay_ms):
    """Mounts `source` at `mnt` through latfs with `delay_ms` per operation, raises the
    connection's max_background (as the latency section does), unmounts on exit."""
    os.makedirs(mnt, exist_ok=True)
    if not os.path.ismount("/sys/fs/fuse/connections"):
        subprocess.run(["mount", "-t", "fusectl", "none", "/sys/fs/fuse/connections"], check=False)
    subprocess.run([latfs, source, mnt, str(delay_ms)], check=True)
    try:
        dev = subprocess.run(["mountpoint", "-d", mnt], capture_output=True, text=True).stdout.strip()
        conn = "/sys/fs/fuse/connections/%s" % dev.split(":")[1]
        for knob, value in (("max_background", 256), ("congestion_threshold", 192)):
            try:
                with open(os.path.join(conn, knob), "w") as f:
                    f.write(str(value))
            except OSError as e:
                log("bench: cannot set %s: %s" % (knob, e))
        yield mnt
    finally:
        subprocess.run(["fusermount3", "-u", mnt], check=False)


def timed(cmd):
    """Runs an argv list, returns wall seconds; raises with stderr on failure."""
    start = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        raise SystemExit("bench: command failed (%d): %s\n%s" % (
            p.returncode, " ".join(shlex.quote(c) for c in cmd), p.stderr.decode(errors="replace")[-2000:]))
    return wall


def timed_ok(cmd, ok=(0,)):
    start = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if p.returncode not in ok:
        raise SystemExit("bench: command failed (%d): %s\n%s" % (
            p.returncode, " ".join(cmd), p.stderr.decode(errors="replace")[-2000:]))
    return wall


def timed_parallel(cmds):
    """Starts every argv list at once; returns (wall of the whole, [wall of each])."""
    start = time.perf_counter()
    procs = [(subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), c) for c in cmds]
    ends = [None] * len(procs)
    errors = []
    pending = set(range(len(procs)))
    while pending:
        for i in list(pending):
            p, c = procs[i]
            if p.poll() is not None:
                ends[i] = time.perf_counter() - start
                pending.discard(i)
                if p.returncode != 0:
                    errors.append("%s -> %d: %s" % (" ".join(c), p.returncode,
                                                    p.stderr.read().decode(errors="replace")[-1000:]))
        if pending:
            time.sleep(0.01)  # polling a child's exit, not a test gate
    for p, _ in procs:
        p.stderr.close()
    if errors:
        raise SystemExit("bench: shard failed:\n" + "\n".join(errors))
    return time.perf_counter() - start, ends


# --- sections ------------------------------------------------------------------------

class ScaleSections:
    """Runs on a `bench.Bench` (its emit/table/corpus/results and args)."""

    def __init__(self, bench):
        self.b = bench
        self.a = bench.a

    def out(self, name):
        return os.path.join(self.a.out, name)

    def mnt(self):
        return self.out("latmnt")

    # shards ------------------------------------------------------------------
    def shards(self):
        b = self.b
        b.emit("### shards: K processes against one (FUSE simulator at %g ms)" % self.a.shard_delay)
        b.emit()
        missing = [cmd for cmd in ("plan-shards", "join") if not has_command(self.a.bin, cmd)]
        if not supports(cli_help(self.a.bin, "generate"), "--plan", "--shard"):
            missing.append("generate --plan/--shard")
        if missing:
            msg = ("shards: skipped - this manifest-worker has no %s (built on branch shard-kit; "
                   "merge it and re-run `bench/run --only shards`)" % ", ".join(missing))
            b.emit(msg)
            b.emit()
            b.results["shards"] = {"skipped": msg}
            return
        c = self.a.shard_concurrency
        ks = [int(k) for k in self.a.shard_counts.split(",")]
        results = {"concurrency": c, "delayMs": self.a.shard_delay, "corpora": {}}
        for kind in ("lat", "skew"):
            root = b.corpus(kind)
            results["corpora"][kind] = self.shard_corpus(kind, root, c, ks)
        b.results["shards"] = results

    def shard_corpus(self, kind, root, c, ks):
        b = self.b
        work = self.out("shards-%s" % kind)
        os.makedirs(work, exist_ok=True)
        source = os.path.join(work, "source.ndjson.gz")
        single = os.path.join(work, "single.ndjson.gz")
        res = {"k": {}}
        subprocess.run("find %s -type f -print0 | xargs -0 -P2 -n 512 cat > /dev/null" % shlex.quote(root), shell=True)
        with latfs_mount(self.a.latfs, root, self.mnt(), self.a.shard_delay) as mnt:
            # An untimed walk first: the plan's source (the previous manifest of the same
            # tree, as in a run) and a warm-up of the simulator.
            timed([self.a.bin, "generate", mnt, "-o", source, "--quiet", "--concurrency", str(c)])
            _, source_trailer = read_manifest_ends(source)
            entries = source_trailer["entries"]
            plans, t_plan = {}, {}
            for k in ks:
                plans[k] = os.path.join(work, "plan-%d.json" % k)
                t_plan[k] = timed([self.a.bin, "plan-shards", source, "--shards", str(k), "-o", plans[k]])
            parts = {k: [os.path.join(work, "part-%d-%04d.ndjson.gz" % (k, i)) for i in range(k)] for k in ks}
            t1s, walls, per_shard = [], {k: [] for k in ks}, {k: [] for k in ks}
            # One process with the same total in flight (K x C): what the machine allows
            # a single walker, to tell sharding's cost from this machine's ceiling.
            wide = {k: [] for k in ks if k > 1}
            # Alternating rounds: the single walk, then each K (absolute times drift here).
            for r in range(self.a.rounds):
                t1s.append(timed([self.a.bin, "generate", mnt, "-o", single, "--quiet", "--concurrency", str(c)]))
                log("bench: shards %s round %d single walk: %.2fs" % (kind, r + 1, t1s[-1]))
                for k in ks:
                    wall, ends = timed_parallel([
                        [self.a.bin, "generate", mnt, "--plan", plans[k], "--shard", str(i), "-o", parts[k][i],
                         "--quiet", "--concurrency", str(c)] for i in range(k)])
                    walls[k].append(wall)
                    per_shard[k].append(ends)
                    log("bench: shards %s round %d K=%d: %.2fs (%s)" % (
                        kind, r + 1, k, wall, " ".join("%.2f" % e for e in ends)))
                    if k > 1:
                        wide[k].append(timed([self.a.bin, "generate", mnt, "-o", single + ".wide", "--quiet",
                                              "--concurrency", str(k * c)]))
                        log("bench: shards %s round %d one process at %d: %.2fs" % (kind, r + 1, k * c, wide[k][-1]))
        t1 = sorted(t1s)[len(t1s) // 2]
        _, single_trailer = read_manifest_ends(single)
        res["walk"] = t1s
        res["entries"] = entries
        rows = []
        for k in ks:
            mid = sorted(range(len(walls[k])), key=lambda i: walls[k][i])[len(walls[k]) // 2]
            tk, ends = walls[k][mid], per_shard[k][mid]
            joined = os.path.join(work, "joined-%d.ndjson.gz" % k)
            t_join = timed([self.a.bin, "join"] + parts[k] + ["-o", joined])
            counts = [read_manifest_ends(p)[1]["entries"] for p in parts[k]]
            _, jt = read_manifest_ends(joined)
            same = (jt["entriesSha256"] == single_trailer["entriesSha256"]
                    and jt["entries"] == single_trailer["entries"])
            tw = sorted(wide[k])[len(wide[k]) // 2] if k > 1 else t1
            rows.append([k, fmt_s(tk), "%.2f" % (t1 / tk), fmt_ratio(ideal_ratio(t1, tk, k)),
                         "%s (%.2f)" % (fmt_s(tw), tw / tk),
                         fmt_ratio(balance(counts)), fmt_ratio(balance(ends)),
                         "%.3f s (%.1f %%)" % (t_plan[k], 100 * t_plan[k] / t1),
                         "%.3f s (%.1f %%)" % (t_join, 100 * t_join / t1),
                         "yes" if same else "**NO**"])
            res["k"][k] = {"wall": walls[k], "oneProcessAtKC": wide.get(k, t1s), "shardWalls": ends, "entries": counts, "plan": t_plan[k],
                           "join": t_join, "identical": same}
        b.emit("**%s** (%s): %d entries, single walk %s at `--concurrency %d` (median of %d)" % (
            kind, "uniform tree" if kind == "lat" else "one huge directory + many small ones",
            entries, fmt_s(t1), c, len(t1s)))
        b.emit()
        b.table(["K", "wall (K at once)", "speed-up t1/tK", "(t1/K)/tK", "one process at K x C (its time / tK)",
                 "entries max/mean",
                 "shard time max/mean", "plan-shards (of walk)", "join (of walk)", "joined = single"], rows)
        return res

    # constants -----------------------------------------------------------------
    def constants(self):
        """The measured inputs of bench/tools/scaling_model.py (written to OUT/constants.json,
        read by `scaling_model.py --constants`)."""
        b = self.b
        c = {"measuredAt": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "loadAverage": os.getloadavg()}
        # 1. Round trips per file and latency hiding, on a small slice at 2 ms.
        root = b.corpus("lat", name="const", scale=self.a.const_scale)
        files = sum(len(ns) for _, _, ns in os.walk(root))
        dirs = sum(1 for _ in os.walk(root))
        sweep = {}
        with latfs_mount(self.a.latfs, root, self.mnt(), 2) as mnt:
            for conc in (1, 4, 16, 64):
                w = timed([self.a.bin, "generate", mnt, "-o", self.out("const.ndjson.gz"), "--quiet",
                           "--concurrency", str(conc)])
                sweep[conc] = w
                log("bench: constants 2 ms concurrency %d: %.2fs" % (conc, w))
        trips = round_trips_per_file(sweep[1], files + dirs, 2)
        c["walk"] = {"files": files, "dirs": dirs, "delayMs": 2, "wallByConcurrency": sweep,
                     "roundTripsPerEntry": trips,
                     "inFlightByConcurrency": {k: in_flight((files + dirs) / w, trips, 2) for k, w in sweep.items()}}
        # 2. CPU per entry of a local walk (small files, warm cache), all of generate's threads.
        big = b.corpus("lat")
        nbig = sum(len(ns) + 1 for _, _, ns in os.walk(big))
        subprocess.run("find %s -type f -print0 | xargs -0 -P2 -n 512 cat > /dev/null" % shlex.quote(big), shell=True)
        cpu0 = child_cpu()
        w = timed([self.a.bin, "generate", big, "-o", self.out("const.ndjson.gz"), "--quiet"])
        cpu = child_cpu() - cpu0
        gz = os.path.getsize(self.out("const.ndjson.gz"))
        c["cpu"] = {"entries": nbig, "wall": w, "cpuSeconds": cpu, "cpuMicrosPerEntry": 1e6 * cpu / nbig,
                    "manifestGzBytesPerEntry": gz / nbig}
        # 3. SHA-256 on one core.
        out = subprocess.run(["openssl", "speed", "-evp", "sha256", "-bytes", "1048576", "-seconds", "2", "-mr"],
                             capture_output=True, text=True).stdout
        mbps = [float(l.split(":")[-1]) / 1e6 for l in out.splitlines() if l.startswith("+F:")]
        c["hashMBpsPerCore"] = mbps[-1] if mbps else None
        # 4. diff entries/s (two synthetic manifests; entries of one per second).
        n = self.a.const_diff_entries
        base, rest = b.manifests(n)
        cpu0 = child_cpu()
        w = timed_ok([self.a.bin, "diff", base, rest, "--quiet"], ok=(0, 1))
        dcpu = child_cpu() - cpu0
        c["diff"] = {"entries": n, "wall": w, "entriesPerSecond": n / w, "cpuSeconds": dcpu,
                     "entriesPerCpuSecond": n / dcpu if dcpu > 0 else None,
                     "gzBytesPerEntry": os.path.getsize(base) / n}
        # 5. plan-shards per entry, when the CLI has it.
        if has_command(self.a.bin, "plan-shards"):
            cpu0 = child_cpu()
            w = timed([self.a.bin, "plan-shards", base, "--shards", "8", "-o", self.out("const-plan.json")])
            pcpu = child_cpu() - cpu0
            c["plan"] = {"entries": n, "wall": w, "cpuSeconds": pcpu, "microsPerEntry": 1e6 * pcpu / n,
                         "wallMicrosPerEntry": 1e6 * w / n}
        b.results["constants"] = c
        with open(self.out("constants.json"), "w") as f:
            json.dump(c, f, indent=1)
        b.emit("### constants for bench/tools/scaling_model.py (OUT/constants.json)")
        b.emit()
        rows = [["round trips per entry, walk at --concurrency 1 (2 ms)", "%.2f" % trips],
                ["round trips in flight at --concurrency 4 / 16 / 64", " / ".join(
                    "%.1f" % c["walk"]["inFlightByConcurrency"][k] for k in (4, 16, 64))],
                ["CPU per entry, local warm walk (all threads)", "%.1f us" % c["cpu"]["cpuMicrosPerEntry"]],
                ["manifest size per entry (gzip)", "%.0f B" % c["cpu"]["manifestGzBytesPerEntry"]],
                ["SHA-256, one core", "%.0f MB/s" % (c["hashMBpsPerCore"] or 0)],
                ["diff (%d x 2), entries per second of wall / of CPU" % n, "%.0f / %.0f" % (
                    c["diff"]["entriesPerSecond"], c["diff"]["entriesPerCpuSecond"] or 0)]]
        if "plan" in c:
            rows.append(["plan-shards, per entry: CPU / wall", "%.2f us / %.2f us" % (
                c["plan"]["microsPerEntry"], c["plan"]["wallMicrosPerEntry"])])
        b.table(["constant", "measured"], rows)

    # reuse -------------------------------------------------------------------
    def reuse(self):
        b = self.b
        b.emit("### reuse: post manifest after 1 % of files changed, full read against `--reuse-from`")
        b.emit()
        if not supports(cli_help(self.a.bin, "generate"), "--reuse-from"):
            msg = ("reuse: skipped - this manifest-worker's generate has no --reuse-from (built on "
                   "branch reuse; merge it and re-run `bench/run --only reuse`)")
            b.emit(msg)
            b.emit()
            b.results["reuse"] = {"skipped": msg}
            return
        root = b.corpus("lat", name="reuse")
        work = self.out("reuse")
        os.makedirs(work, exist_ok=True)
        files = sorted(os.path.join(d, n) for d, _, ns in os.walk(root) for n in ns)
        rows = []
        res = {}
        for n, delay in enumerate((0, 2)):
            with latfs_mount(self.a.latfs, root, self.mnt(), delay) as mnt:
                base = os.path.join(work, "baseline-%d.ndjson.gz" % delay)
                timed([self.a.bin, "generate", mnt, "-o", base, "--quiet"])
                changed = changed_paths(files, 0.01, offset=n)
                for p in changed:
                    with open(p, "r+b") as f:  # new bytes, same size; mtime and ctime move
                        first = f.read(1)
                        f.seek(0)
                        f.write(bytes([(first[0] ^ 0xFF) if first else 0]))
                full = os.path.join(work, "post-full-%d.ndjson.gz" % delay)
                reuse = os.path.join(work, "post-reuse-%d.ndjson.gz" % delay)
                tf, tr = [], []
                for r in range(self.a.rounds):
                    tf.append(timed([self.a.bin, "generate", mnt, "-o", full, "--quiet"]))
                    tr.append(timed([self.a.bin, "generate", mnt, "-o", reuse, "--quiet", "--reuse-from", base]))
                    log("bench: reuse %d ms round %d: full %.2fs reuse %.2fs" % (delay, r + 1, tf[-1], tr[-1]))
                _, ft = read_manifest_ends(full)
                _, rt = read_manifest_ends(reuse)
                same = ft["entriesSha256"] == rt["entriesSha256"]
                mf, mr = sorted(tf)[len(tf) // 2], sorted(tr)[len(tr) // 2]
                counts = rt.get("reuse", {})
                rows.append(["%d ms" % delay, len(files), len(changed), fmt_s(mf), fmt_s(mr), "%.2f" % (mf / mr),
                             "%s / %s / %s" % (counts.get("reused", "?"), counts.get("sampled", "?"),
                                               counts.get("mismatches", "?")),
                             "yes" if same else "**NO**"])
                res[delay] = {"files": len(files), "changed": len(changed), "full": tf, "reuse": tr, "identical": same,
                              "trailerReuse": counts}
        b.table(["latency", "files", "changed", "full read", "--reuse-from", "full / reuse",
                 "reused / sampled / mismatches", "same entries"], rows)
        b.results["reuse"] = res


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def round_trips_per_file(wall, files, delay_ms):
    """Sequential round trips one file costs: the time per file at --concurrency 1 over
    the simulated delay."""
    return (wall / files) / (delay_ms / 1000.0)


def in_flight(files_per_s, trips, delay_ms):
    """Round trips in flight on average (Little's law): rate x trips x delay."""
    return files_per_s * trips * delay_ms / 1000.0


