"""The pure parts of the benchmark tooling (bench/tools/scalebench.py, scaling_model.py):
the arithmetic the `shards`, `reuse` and `constants` sections and docs/scaling.md rely on.
The benchmarks themselves are not tests (bench/README.md)."""
import gzip
import json
import os
import sys

import pytest

TOOLS = os.path.join(os.path.dirname(__file__), "..", "..", "bench", "tools")
sys.path.insert(0, os.path.abspath(TOOLS))

import scalebench  # noqa: E402
import scaling_model  # noqa: E402


def test_balance_is_largest_over_mean():
    assert scalebench.balance([10, 10, 10, 10]) == 1.0
    assert scalebench.balance([30, 10, 10, 10]) == 2.0
    assert scalebench.balance([]) is None
    assert scalebench.balance([0, 0]) is None


def test_ideal_ratio():
    assert scalebench.ideal_ratio(8.0, 2.0, 4) == 1.0
    assert scalebench.ideal_ratio(8.0, 4.0, 4) == 0.5
    assert scalebench.ideal_ratio(8.0, 0.0, 4) is None
    assert scalebench.ideal_ratio(8.0, 1.0, 0) is None


def test_changed_paths_is_an_even_deterministic_fraction():
    paths = ["p%04d" % i for i in range(1000)]
    picked = scalebench.changed_paths(reversed(paths), 0.01)
    assert picked == ["p%04d" % i for i in range(0, 1000, 100)]
    assert scalebench.changed_paths(paths, 0.01, offset=1) == ["p%04d" % i for i in range(1, 1000, 100)]
    assert scalebench.changed_paths(paths[:5], 0.01, offset=7) == ["p0000"]
    assert scalebench.changed_paths([], 0.01) == []
    assert scalebench.changed_paths(paths, 0) == []


def test_read_manifest_ends(tmp_path):
    path = tmp_path / "m.ndjson.gz"
    with gzip.open(path, "wt") as f:
        f.write(json.dumps({"manifest": "efs-backup-verifier/1", "role": "post"}) + "\n")
        f.write(json.dumps({"path": "a", "type": "dir"}) + "\n")
        f.write(json.dumps({"trailer": {"entries": 1, "entriesSha256": "ab"}}) + "\n")
    header, trailer = scalebench.read_manifest_ends(str(path))
    assert header == {"manifest": "efs-backup-verifier/1", "role": "post"}
    assert trailer == {"entries": 1, "entriesSha256": "ab"}


def test_round_trips_and_in_flight():
    # 100 entries in 2 s at 2 ms: 10 sequential round trips each.
    assert scalebench.round_trips_per_file(2.0, 100, 2) == pytest.approx(10.0)
    # 5,000 entries/s x 10 round trips x 2 ms = 100 in flight.
    assert scalebench.in_flight(5000, 10, 2) == pytest.approx(100.0)


def test_supports_needs_every_needle():
    assert scalebench.supports("generate --plan P --shard I", "--plan", "--shard")
    assert not scalebench.supports("generate --plan P", "--plan", "--shard")


def model(**overrides):
    c = dict(scaling_model.CONSTANTS)
    for k, v in overrides.items():
        c[k] = (v, "test")
    return scaling_model.Model(c, concurrency=64, vcpu=4, mean_file_kib=64)


def test_walk_is_bound_by_round_trips_then_by_efs_iops():
    m = model(round_trips_per_entry=10, in_flight_fraction=1.0, task_start_s=0, imbalance=1.0,
              efs_read_iops=100_000, cpu_us_per_entry=1.0)
    # One task: 64 in flight / (10 x 2 ms) = 3,200 entries/s.
    t, binding = m.walk(3_200_000, 1, 2)
    assert binding == "round trips" and t == pytest.approx(1000.0)
    # 64 tasks would do 204,800/s; the file system allows 100,000 / 10 = 10,000/s.
    t, binding = m.walk(3_200_000, 64, 2)
    assert binding == "EFS read IOPS" and t == pytest.approx(320.0)


def test_walk_adds_start_imbalance_and_launch_spread():
    m = model(round_trips_per_entry=10, in_flight_fraction=1.0, task_start_s=60, imbalance=1.5,
              efs_read_iops=10**12, efs_fs_read_gibps=10**6, cpu_us_per_entry=1.0, fargate_burst_tasks=100, fargate_tasks_per_s=20)
    t, _ = m.walk(3_200_000, 2, 2)
    assert t == pytest.approx(3_200_000 / 6400 * 1.5 + 60)
    t, _ = m.walk(3_200_000 * 150, 300, 2)
    assert t == pytest.approx(3_200_000 * 150 / (3200 * 300) * 1.5 + 60 + 200 / 20)


def test_s3_part_limit_and_smallest_k():
    m = model(manifest_bytes_per_entry=64)
    assert not m.shard_fits_s3(1_000_000_000, 1)
    assert m.shard_fits_s3(1_000_000_000, 4)
    k = m.smallest_k(1_000_000_000, 2, 3600)
    assert k > 1 and m.shard_fits_s3(1_000_000_000, k)
    assert m.smallest_k(1_000_000, 2, 3600) == 1


def test_report_lists_every_size_and_limit():
    text = scaling_model.report(model())
    for label in ("| 1M |", "| 10M |", "| 100M |", "| 1B |", "EFS read IOPS", "Lambda diff", "S3 parts"):
        assert label in text


def test_load_measured_replaces_measured_constants(tmp_path):
    path = tmp_path / "constants.json"
    path.write_text(json.dumps({"walk": {"roundTripsPerEntry": 7.5, "inFlightByConcurrency": {"64": 32.0}},
                                "cpu": {"cpuMicrosPerEntry": 20.0}, "hashMBpsPerCore": 900.0,
                                "diff": {"entriesPerSecond": 123.0}}))
    c = scaling_model.load_measured(str(path), scaling_model.CONSTANTS)
    # The simulator's round trips are kept beside the model's NFS ones, not in their place.
    assert c["latfs_round_trips_per_entry"][0] == 7.5
    assert c["round_trips_per_entry"] == scaling_model.CONSTANTS["round_trips_per_entry"]
    assert c["in_flight_fraction"][0] == 0.5
    assert c["cpu_us_per_entry"][0] == 20.0
    assert c["hash_mbps_per_core"][0] == 900.0
    assert c["diff_entries_per_s"][0] == 123.0
    assert c["efs_read_iops"] == scaling_model.CONSTANTS["efs_read_iops"]


def test_load_nfs_takes_round_trips_and_reuse_fraction(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps([
        {"label": "small-mw-c16-cold", "rpcs": 4000, "entries": 1000},
        {"label": "small-reuse-c16-cold", "rpcs": 200, "entries": 1000},
        {"label": "small-find-cold", "rpcs": 50, "entries": 1000}]))
    c = scaling_model.load_nfs(str(path), scaling_model.CONSTANTS)
    assert c["round_trips_per_entry"][0] == 4.0
    assert c["reuse_round_trip_fraction"][0] == 0.05
    assert c["cpu_us_per_entry"] == scaling_model.CONSTANTS["cpu_us_per_entry"]


def test_load_nfs_without_the_full_walk_names_the_case(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps([{"label": "small-find-cold", "rpcs": 50, "entries": 1000}]))
    with pytest.raises(SystemExit, match="has no case small-mw-c16-cold"):
        scaling_model.load_nfs(str(path), scaling_model.CONSTANTS)


def test_timed_parallel_waits_for_every_process_and_names_a_failure():
    wall, ends = scalebench.timed_parallel([["true"], ["sh", "-c", "exit 0"]])
    assert len(ends) == 2 and all(0 <= e <= wall for e in ends)
    with pytest.raises(SystemExit, match=r"-> 3: boom"):
        scalebench.timed_parallel([["true"], ["sh", "-c", "echo boom >&2; exit 3"]])
