#!/usr/bin/env python3
"""The time and cost of one verification at scale (docs/scaling.md), from constants that
are either measured by `bench/run --only constants,shards` and `bench/nfs-ops/run`, or cited.

    scaling_model.py [--constants bench/out/constants.json] [--nfs bench/out/nfs-ops/results.json]
                     [--mean-file-kib 64]
                     [--concurrency 64] [--vcpu 4] [--target-hours 1]

Prints Markdown: the walk time of one manifest by file count and shard count K at 1, 2
and 3 ms per round trip; one whole verification (three manifests, the restore, the
diff) with the smallest K that keeps a manifest under --target-hours; and which limit
binds. Every constant is in CONSTANTS with where it comes from; --constants and --nfs
replace the measured ones with a fresh measurement.

The model: a task walks at the slowest of three rates,
  round trips:  in_flight / (round_trips_per_entry x RTT)   entries/s
  CPU:          vcpu x 1e6 / cpu_us_per_entry               entries/s
  bytes:        min(per-client throughput, vcpu x SHA-256 per core) / mean file size
and K tasks walk at K x that, capped by the file system: its read IOPS over the round
trips per entry, and its read throughput over the mean file size. The largest shard
takes `imbalance` x the mean (measured on the skewed tree). A manifest adds the task
start. A verification is three manifests (baseline, post, restored) walked one after
another (the post one with `--reuse-from` the baseline), the restore before the restored
one, and one three-way diff.
"""
import argparse
import json
import math

# value, source. "measured": bench/run on this repository's 2-core machine (docs/scaling.md
# gives the run); "cited": an AWS document (URL); "assumed": neither, and why.
CONSTANTS = {
    # --- measured (bench/run --only constants,shards and bench/nfs-ops/run; 2026-12-02) ---
    "round_trips_per_entry": (3.96, "measured: NFSv4.1 RPCs per entry of a cold `generate` over the small-file "
                                    "tree (bench/nfs-ops: Linux 6.1 client, EFS mount options, no delegations; 3.96 "
                                    "at --concurrency 1 and 16: OPEN, READ, GETATTR, CLOSE per file, READDIR and "
                                    "ACCESS per directory)"),
    "latfs_round_trips_per_entry": (9.4, "measured, not used by the model: latfs at 2 ms, --concurrency 1, wall per entry "
                                         "/ 2 ms (9.1-10.5 in four runs; FUSE with every cache off)"),
    "in_flight_fraction": (0.85, "measured: round trips in flight / --concurrency at 64 (latfs, 2 ms, idle machine: "
                                 "3,176 files/s, bench/README.md session 2; 0.36 at load average 30)"),
    "cpu_us_per_entry": (21.4, "measured: CPU (user + system, all threads) per entry of a warm local walk of small files"),
    "hash_mbps_per_core": (1693.0, "measured: openssl speed -evp sha256, one core (SHA-NI)"),
    "diff_entries_per_s": (219_000.0, "measured: manifest-worker diff of two synthetic 200k-entry manifests (218,700-229,000), "
                                      "entries of one per CPU-second (one core's worth; wall-clock 400,000/s on "
                                      "the idle machine, bench/README.md session 2)"),
    "manifest_bytes_per_entry": (65.0, "measured: gzip'd bytes per entry of a generated manifest (small-file tree)"),
    "plan_us_per_entry": (2.3, "measured: plan-shards CPU per entry of a 200k-entry manifest (0.46 s; two passes)"),
    "reuse_round_trip_fraction": (0.051, "measured: RPCs of the post manifest with --reuse-from over a full "
                                         "walk's, 1 % changed, cold NFSv4.1 client (bench/nfs-ops; 630 / 12,386 "
                                         "RPCs over 3,127 entries: directory listings and the 2 % read; latfs at "
                                         "2 ms: 0.49 of the time, which keeps every lookup and stat)"),
    "reuse_read_fraction": (0.02, "by definition: 1 % of files changed + the default 1 % --rehash-sample are read"),
    "imbalance": (1.02, "measured: largest shard's wall time over the mean, K = 2 and 4, uniform and skewed trees "
                        "(1.00-1.02; entries max/mean 1.00)"),
    # --- cited ---
    "efs_read_iops": (250_000, "cited: Elastic throughput, default read IOPS for frequently accessed data "
                               "(up to 2,500,000 on request); Bursting 35,000, Provisioned 55,000 "
                               "https://docs.aws.amazon.com/efs/latest/ug/performance.html"),
    "efs_fs_read_gibps": (20.0, "cited: Elastic per-file-system read 20-60 GiB/s (Region-dependent), "
                                "https://docs.aws.amazon.com/efs/latest/ug/performance.html"),
    "efs_client_mibps": (1500.0, "cited: Elastic per-client read/write 1,500 MiB/s (500 MiB/s Provisioned/Bursting), "
                                 "https://docs.aws.amazon.com/efs/latest/ug/performance.html"),
    "fargate_burst_tasks": (100, "cited: Fargate task launch token bucket 100, refill 20/s; RunTask 20 calls/s, "
                                 "10 tasks a call, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html"),
    "fargate_tasks_per_s": (20, "cited: as above"),
    "fargate_max_vcpu": (16, "cited: largest Fargate task 16 vCPU / 120 GB, "
                             "https://docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html"),
    "lambda_seconds": (900, "cited: Lambda timeout at most 900 s, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"),
    "s3_put_per_s_prefix": (3500, "cited: 3,500 PUT and 5,500 GET per second per partitioned prefix, "
                                  "https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html"),
    "s3_max_parts": (10_000, "cited: multipart upload parts 1-10,000, https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html"),
    "s3_part_bytes": (5 * 1024 * 1024, "code: S3Streams.partSize = 5 MiB (S3's minimum part size)"),
    "restore_files_per_s": (500.0, "cited: AWS Backup EFS rate ~500 files/s for small files, ~100 MB/s large; restores "
                                   "'generally take longer' (EFS User Guide, aws-facts.md section 3)"),
    "restore_mbps": (100.0, "cited: as above"),
    "backup_max_days": (7, "cited: a backup or restore job runs at most 7 days (EFS User Guide, aws-facts.md section 3)"),
    "fargate_vcpu_hour": (0.04048, "cited: Fargate Linux/x86 us-east-1, per vCPU-hour (AWS pricing page, quoted by "
                                   "https://www.vantage.sh/blog/fargate-pricing)"),
    "fargate_gb_hour": (0.004445, "cited: as above, per GB-hour"),
    "lambda_gb_s": (0.0000166667, "cited: Lambda x86 per GB-second, https://aws.amazon.com/lambda/pricing/"),
    "s3_put_per_1000": (0.005, "cited: S3 Standard PUT per 1,000 requests, https://aws.amazon.com/s3/pricing/"),
    "efs_elastic_read_per_gb": (0.03, "cited: EFS Elastic throughput reads per GB transferred, us-east-1 (https://aws.amazon.com/efs/pricing/, quoted by https://www.factualminds.com/blog/amazon-efs-pricing-throughput-modes-storage-classes/)"),
    # --- assumed ---
    "task_start_s": (60.0, "assumed: Fargate RunTask to running with an EFS mount, about a minute (not documented)"),
    "s3_lambda_mbps": (100.0, "assumed: one Lambda's S3 GET stream, order of 100 MB/s (not documented)"),
    "mem_gb_per_vcpu": (2.0, "assumed: task size vcpu x 2 GB (the walker needs ~64 MiB; the smallest memory per vCPU)"),
}

SIZES = [1_000_000, 10_000_000, 100_000_000, 1_000_000_000]
KS = [1, 4, 16, 64, 256]


def const(c, name):
    return c[name][0] if isinstance(c[name], tuple) else c[name]


def load_measured(path, c):
    """Replaces the measured constants with those in OUT/constants.json (bench/run)."""
    with open(path) as f:
        m = json.load(f)
    c = dict(c)
    walk = m.get("walk", {})
    if walk.get("roundTripsPerEntry"):
        # The simulator's round trips (every cache off) are kept for reference; the model's
        # come from a real NFS client (load_nfs).
        c["latfs_round_trips_per_entry"] = (walk["roundTripsPerEntry"], "measured: " + path)
        flights = {int(k): v for k, v in walk.get("inFlightByConcurrency", {}).items()}
        if 64 in flights:
            c["in_flight_fraction"] = (flights[64] / 64, "measured: " + path)
    if m.get("cpu", {}).get("cpuMicrosPerEntry"):
        c["cpu_us_per_entry"] = (m["cpu"]["cpuMicrosPerEntry"], "measured: " + path)
    if m.get("hashMBpsPerCore"):
        c["hash_mbps_per_core"] = (m["hashMBpsPerCore"], "measured: " + path)
    d = m.get("diff", {})
    if d.get("entriesPerCpuSecond") or d.get("entriesPerSecond"):
        c["diff_entries_per_s"] = (d.get("entriesPerCpuSecond") or d["entriesPerSecond"], "measured: " + path)
    if m.get("plan", {}).get("cpuSeconds") is not None and m["plan"].get("microsPerEntry"):
        c["plan_us_per_entry"] = (m["plan"]["microsPerEntry"], "measured: " + path)
    return c


def load_nfs(path, c, full_label="small-mw-c16-cold", reuse_label="small-reuse-c16-cold"):
    """Replaces the round trips per entry and the reuse fraction with a bench/nfs-ops run's
    (its results.json): RPCs per entry of the cold full walk, and the post manifest's RPCs
    (`--reuse-from`) over the full walk's."""
    with open(path) as f:
        rows = {r["label"]: r for r in json.load(f)}
    c = dict(c)
    full = rows.get(full_label)
    if not full or not full["rpcs"]:
        raise SystemExit("scaling_model.py: %s has no case %s" % (path, full_label))
    c["round_trips_per_entry"] = (full["rpcs"] / full["entries"], "measured: %s (%s)" % (path, full_label))
    reuse = rows.get(reuse_label)
    if reuse:
        c["reuse_round_trip_fraction"] = (reuse["rpcs"] / full["rpcs"], "measured: %s (%s)" % (path, reuse_label))
    return c


class Model:
    def __init__(self, c, concurrency=64, vcpu=4, mean_file_kib=64, efs_read_iops=None):
        self.c = c
        self.conc = concurrency
        self.vcpu = vcpu
        self.mean_bytes = mean_file_kib * 1024
        self.iops = efs_read_iops or const(c, "efs_read_iops")

    def k(self, name):
        return const(self.c, name)

    def task_rates(self, rtt_ms, reuse=False):
        """entries/s of one task, by what limits it. With reuse (the post manifest,
        `--reuse-from`) the round trips shrink by the measured fraction and only the
        changed and sampled files are read."""
        trips = self.k("round_trips_per_entry") * (self.k("reuse_round_trip_fraction") if reuse else 1.0)
        in_flight = self.conc * self.k("in_flight_fraction")
        bytes_ps = min(self.k("efs_client_mibps") * 2**20, self.vcpu * self.k("hash_mbps_per_core") * 1e6)
        read = self.mean_bytes * (self.k("reuse_read_fraction") if reuse else 1.0)
        return {
            "round trips": in_flight / (trips * rtt_ms / 1000.0),
            "task CPU": self.vcpu * 1e6 / self.k("cpu_us_per_entry"),
            "task bytes": bytes_ps / read if read else math.inf,
        }

    def fs_rates(self, reuse=False):
        trips = self.k("round_trips_per_entry") * (self.k("reuse_round_trip_fraction") if reuse else 1.0)
        read = self.mean_bytes * (self.k("reuse_read_fraction") if reuse else 1.0)
        return {
            "EFS read IOPS": self.iops / trips,
            "EFS throughput": self.k("efs_fs_read_gibps") * 2**30 / read if read else math.inf,
        }

    def walk(self, n, k, rtt_ms, reuse=False):
        """(seconds of one manifest's walk with K shards, the binding limit)."""
        task = self.task_rates(rtt_ms, reuse)
        limits = {name: rate * k for name, rate in task.items()}
        limits.update(self.fs_rates(reuse))
        binding = min(limits, key=limits.get)
        rate = limits[binding]
        imbalance = self.k("imbalance") if k > 1 else 1.0
        # The K tasks start at the Fargate launch rate: the last starts this much later.
        start_spread = max(0, k - self.k("fargate_burst_tasks")) / self.k("fargate_tasks_per_s")
        seconds = n / rate * imbalance + self.k("task_start_s") + start_spread
        return seconds, binding

    def plan(self, n, k):
        """plan-shards over the previous baseline (once per run; a run reads the parts as a
        set, so nothing is joined)."""
        return n * self.k("plan_us_per_entry") / 1e6 if k > 1 else 0.0

    def shard_fits_s3(self, n, k):
        return n / k * self.k("manifest_bytes_per_entry") <= self.k("s3_max_parts") * self.k("s3_part_bytes")

    def restore(self, n):
        by_files = n / self.k("restore_files_per_s")
        by_bytes = n * self.mean_bytes / (self.k("restore_mbps") * 1e6)
        return max(by_files, by_bytes)

    def diff(self, n):
        """Three-way diff (baseline, post, restored) in one process: 1.5 x a two-way diff's
        entries, or reading the three manifests from S3, whichever is slower."""
        by_cpu = 1.5 * n / self.k("diff_entries_per_s")
        by_s3 = 3 * n * self.k("manifest_bytes_per_entry") / (self.k("s3_lambda_mbps") * 1e6)
        return max(by_cpu, by_s3)

    def smallest_k(self, n, rtt_ms, target_s):
        """The smallest K in KS whose walk takes at most target_s; if none does, the
        smallest K within 5 % of the fastest (more tasks past a file-system limit only
        cost). Shards too large for S3's parts are never chosen."""
        fits = [k for k in KS if self.shard_fits_s3(n, k)]
        times = {k: self.walk(n, k, rtt_ms)[0] for k in fits}
        for k in fits:
            if times[k] <= target_s:
                return k
        best = min(times.values())
        return next(k for k in fits if times[k] <= best * 1.05)

    def cost(self, n, k, rtt_ms):
        """Dollars for one verification: three manifests of Fargate time, EFS reads,
        S3 requests, and a diff in Lambda (10 GB) or a task."""
        walk_s, _ = self.walk(n, k, rtt_ms)
        post_s, _ = self.walk(n, k, rtt_ms, reuse=True)
        task_s = 2 * walk_s + post_s  # every task lives about as long as the slowest (start included)
        per_task_hour = self.vcpu * self.k("fargate_vcpu_hour") + self.vcpu * self.k("mem_gb_per_vcpu") * self.k("fargate_gb_hour")
        fargate = k * task_s / 3600 * per_task_hour
        efs = (2 + self.k("reuse_read_fraction")) * n * self.mean_bytes / 1e9 * self.k("efs_elastic_read_per_gb")
        parts = math.ceil(n / k * self.k("manifest_bytes_per_entry") / self.k("s3_part_bytes")) + 2
        s3 = 3 * k * parts / 1000 * self.k("s3_put_per_1000")
        d = self.diff(n)
        diff = d * 10 * self.k("lambda_gb_s") if d <= self.k("lambda_seconds") else d / 3600 * per_task_hour
        return {"fargate": fargate, "efs": efs, "s3": s3, "diff": diff}


def hms(seconds):
    if seconds is None or math.isinf(seconds):
        return "-"
    if seconds < 90:
        return "%.0f s" % seconds
    if seconds < 5400:
        return "%.0f min" % (seconds / 60)
    if seconds < 3 * 86400:
        return "%.1f h" % (seconds / 3600)
    return "%.1f d" % (seconds / 86400)


def count(n):
    return {1_000_000: "1M", 10_000_000: "10M", 100_000_000: "100M", 1_000_000_000: "1B"}.get(n, str(n))


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def report(m, target_hours=1.0):
    out = []
    out.append("Constants: %d entries in flight per task (`--concurrency %d`), %d vCPU per task, mean file %d KiB, "
               "EFS read IOPS %s.\n" % (m.conc * m.k("in_flight_fraction"), m.conc, m.vcpu, m.mean_bytes // 1024,
                                         "{:,}".format(int(m.iops))))
    for rtt in (1, 2, 3):
        rows = []
        for n in SIZES:
            row = [count(n)]
            for k in KS:
                t, binding = m.walk(n, k, rtt)
                mark = "" if m.shard_fits_s3(n, k) else " (S3 parts!)"
                row.append("%s (%s)%s" % (hms(t), binding, mark))
            rows.append(row)
        out.append("**One manifest's walk at %d ms per round trip** (binding limit in brackets)\n" % rtt)
        out.append(table(["files"] + ["K = %d" % k for k in KS], rows))
    target = target_hours * 3600
    rows = []
    for n in SIZES:
        k = m.smallest_k(n, 2, target)
        walk, binding = m.walk(n, k, 2)
        restore = m.restore(n)
        diff = m.diff(n)
        post, _ = m.walk(n, k, 2, reuse=True)
        total = 2 * walk + post + restore + diff + m.plan(n, k)
        cost = m.cost(n, k, 2)
        where = "Lambda" if diff <= m.k("lambda_seconds") else "task (> 15 min)"
        over = " **over 7 days**" if restore > m.k("backup_max_days") * 86400 else ""
        rows.append([count(n), k, "%s / %s" % (hms(walk), hms(post)), binding, hms(restore) + over, "%s (%s)" % (hms(diff), where),
                     hms(total), "$%.2f" % sum(cost.values()),
                     "$%.2f / $%.2f / $%.2f / $%.2f" % (cost["fargate"], cost["efs"], cost["s3"], cost["diff"])])
    out.append("**One verification at 2 ms** (smallest K in %s keeping a manifest under %g h)\n" % (
        ", ".join(map(str, KS)), target_hours))
    out.append(table(["files", "K", "walk: full / post with reuse", "binding", "restore (AWS Backup)", "diff",
                      "total (plan + 3 walks + restore + diff)", "cost", "Fargate / EFS reads / S3 / diff"], rows))
    lim = []
    trips = m.k("round_trips_per_entry")
    lim.append(["EFS read IOPS", "{:,.0f} entries/s for the whole file system ({:,} IOPS / {:.1f} round trips)".format(
        m.iops / trips, int(m.iops), trips)])
    lim.append(["Fargate launch", "K tasks start in max(0, K - %d) / %d s after the first" % (
        m.k("fargate_burst_tasks"), m.k("fargate_tasks_per_s"))])
    lim.append(["S3 parts", "a shard holds at most {:,.0f} entries ({:,} parts x 5 MiB / {:.0f} B)".format(
        m.k("s3_max_parts") * m.k("s3_part_bytes") / m.k("manifest_bytes_per_entry"), m.k("s3_max_parts"),
        m.k("manifest_bytes_per_entry"))])
    lim.append(["Lambda diff", "{:,.0f} entries per manifest in 15 min (three-way, CPU); {:,.0f} by S3 reads".format(
        m.k("lambda_seconds") * m.k("diff_entries_per_s") / 1.5,
        m.k("lambda_seconds") * m.k("s3_lambda_mbps") * 1e6 / (3 * m.k("manifest_bytes_per_entry")))])
    lim.append(["plan in Lambda", "{:,.0f} entries in 15 min by CPU; {:,.0f} by reading the source twice from S3".format(
        m.k("lambda_seconds") * 1e6 / m.k("plan_us_per_entry"),
        m.k("lambda_seconds") * m.k("s3_lambda_mbps") * 1e6 / (2 * m.k("manifest_bytes_per_entry")))])
    lim.append(["AWS Backup restore", "{:,.0f} files in 7 days at {:.0f} files/s".format(
        m.k("backup_max_days") * 86400 * m.k("restore_files_per_s"), m.k("restore_files_per_s"))])
    out.append("**Limits**\n")
    out.append(table(["limit", "what it allows"], lim))
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--constants", help="OUT/constants.json from `bench/run --only constants`")
    ap.add_argument("--nfs", help="results.json of bench/nfs-ops/run: round trips per entry and reuse fraction")
    ap.add_argument("--mean-file-kib", type=float, default=64)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--vcpu", type=int, default=4)
    ap.add_argument("--efs-read-iops", type=float)
    ap.add_argument("--round-trips-per-entry", type=float, help="replace the measured (NFSv4.1) value, e.g. 9.4 (the FUSE simulator)")
    ap.add_argument("--target-hours", type=float, default=1.0)
    ap.add_argument("--list-constants", action="store_true")
    a = ap.parse_args(argv)
    c = dict(CONSTANTS)
    if a.constants:
        c = load_measured(a.constants, c)
    if a.nfs:
        c = load_nfs(a.nfs, c)
    if a.round_trips_per_entry:
        c["round_trips_per_entry"] = (a.round_trips_per_entry, "--round-trips-per-entry")
    if a.list_constants:
        print(table(["constant", "value", "source"], [[k, v[0], v[1]] for k, v in c.items()]))
        return
    m = Model(c, concurrency=a.concurrency, vcpu=a.vcpu, mean_file_kib=a.mean_file_kib, efs_read_iops=a.efs_read_iops)
    print(report(m, a.target_hours))


if __name__ == "__main__":
    main()
