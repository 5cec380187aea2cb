"""Tests of the Dockerfile reader and of what scripts/check-docker reads from the real files."""

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dockerfile import (DockerfileError, apt_packages, debian_codename, exec_form,  # noqa: E402
                        instructions, stage, stages)
from worker_runtime import CheckFailed, build_command  # noqa: E402

DOCKER = Path(__file__).resolve().parents[1]

SAMPLE = """\
# syntax=docker/dockerfile:1
ARG BASE=x
FROM swift:6.3-bookworm AS build
RUN swift build -c release \\
    # a comment inside a continued instruction
    --product a \\
 && install a /out/a
FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends \\
      libfoo1 \\
      ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/local/bin/a"]
CMD --help
"""


class ReaderTests(unittest.TestCase):
    def test_continuations_and_comments(self):
        runs = [i for i in instructions(SAMPLE) if i.keyword == "RUN"]
        self.assertEqual(runs[0].arguments, "swift build -c release --product a && install a /out/a")
        self.assertEqual(runs[0].line, 4)
        self.assertEqual(runs[1].line, 9)

    def test_stages(self):
        found = stages(SAMPLE)
        self.assertEqual([(s.image, s.name) for s in found],
                         [("swift:6.3-bookworm", "build"), ("debian:bookworm-slim", "runtime")])
        self.assertEqual([i.keyword for i in stage(SAMPLE, "runtime").instructions], ["RUN", "ENTRYPOINT", "CMD"])
        with self.assertRaisesRegex(DockerfileError, "no stage named 'x'"):
            stage(SAMPLE, "x")

    def test_apt_packages(self):
        run = stage(SAMPLE, "runtime").all("RUN")[0]
        self.assertEqual(apt_packages(run), ["libfoo1", "ca-certificates"])

    def test_exec_form(self):
        runtime = stage(SAMPLE, "runtime")
        self.assertEqual(exec_form(runtime.all("ENTRYPOINT")[0]), ["/usr/local/bin/a"])
        with self.assertRaisesRegex(DockerfileError, "line 14: CMD is not in exec form"):
            exec_form(runtime.all("CMD")[0])

    def test_codenames(self):
        self.assertEqual(debian_codename("swift:6.3-bookworm"), "bookworm")
        self.assertEqual(debian_codename("debian:bookworm-slim@sha256:00"), "bookworm")
        self.assertEqual(debian_codename("swift:6.3-noble"), "noble")
        with self.assertRaisesRegex(DockerfileError, "swift:6.3-amazonlinux2023"):
            debian_codename("swift:6.3-amazonlinux2023")

    def test_errors(self):
        with self.assertRaisesRegex(DockerfileError, "RUN before FROM"):
            stages("RUN true\n")
        with self.assertRaisesRegex(DockerfileError, "ends inside a continued instruction"):
            instructions("FROM a\nRUN true \\\n")
        with self.assertRaisesRegex(CheckFailed, "no `swift build`"):
            build_command("FROM a AS build\nRUN true\n")


class RealDockerfileTests(unittest.TestCase):
    def test_worker(self):
        text = (DOCKER / "worker.Dockerfile").read_text()
        self.assertEqual(build_command(text),
                         "swift build -c release --product manifest-worker --static-swift-stdlib".split())
        build, runtime = stage(text, "build"), stage(text, "runtime")
        self.assertEqual(debian_codename(build.image), debian_codename(runtime.image))
        packages = [p for run in runtime.all("RUN") for p in apt_packages(run)]
        self.assertEqual(sorted(packages), ["ca-certificates", "libssl3", "libxml2", "tzdata", "zlib1g"])
        self.assertEqual(exec_form(runtime.all("ENTRYPOINT")[0]), ["/usr/local/bin/manifest-worker"])
        self.assertEqual([u.arguments for u in runtime.all("USER")], ["10001:10001"])

    def test_lambda(self):
        text = (DOCKER / "lambda.Dockerfile").read_text()
        build = stage(text, "build")
        self.assertEqual(build.image, "swift:6.3-amazonlinux2023")
        self.assertIn("swift build -c release --product orchestrator --static-swift-stdlib",
                      " ".join(r.arguments for r in build.all("RUN")))
        self.assertEqual(stage(text, "artifact").image, "scratch")

    def test_lambda_glibc_guard(self):
        """The build stage's glibc check, run with a stand-in objdump: a binary needing
        GLIBC_2.35 (as one built on Debian 12 does) is refused, 2.34 passes."""
        run = " ".join(r.arguments for r in stage((DOCKER / "lambda.Dockerfile").read_text(), "build").all("RUN"))
        pieces = run.split(" && ")
        first = next(i for i, p in enumerate(pieces) if p.startswith("newest="))
        guard = " && ".join(pieces[first:first + 3])
        self.assertIn('"2.34" ]', guard)
        for versions, status in (("GLIBC_2.2.5 GLIBC_2.17 GLIBC_2.34", 0), ("GLIBC_2.2.5 GLIBC_2.35", 1)):
            with tempfile.TemporaryDirectory() as folder:
                fake = Path(folder) / "objdump"
                fake.write_text(f"#!/bin/sh\nfor v in {versions}; do echo \"0000 DF *UND* 0000 ($v) f\"; done\n")
                fake.chmod(0o755)
                env = dict(os.environ, PATH=f"{folder}:{os.environ['PATH']}")
                done = subprocess.run(["bash", "-o", "pipefail", "-c", guard], env=env, capture_output=True, text=True)
                self.assertEqual(done.returncode, status, (versions, done.stdout, done.stderr))


if __name__ == "__main__":
    unittest.main()
