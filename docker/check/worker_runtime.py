"""Reproduces docker/worker.Dockerfile's runtime stage without Docker and runs the worker
in it (scripts/check-docker). Needs root (debootstrap, chroot, a mount namespace).

  python3 docker/check/worker_runtime.py build-command      # the build stage's `swift build ...`
  python3 docker/check/worker_runtime.py base               # make the cached base root (if missing)
  python3 docker/check/worker_runtime.py run --binary PATH [--source "commit C, DATE"]  # the reproduction

`run`: a minbase debootstrap root of the runtime base's Debian release (cached as a
tarball in .build-iac/, rebuilt when missing), unpacked fresh; then the runtime stage's
instructions in order — ENV, WORKDIR, RUN (through /bin/sh -c in the chroot, as Docker
does), COPY --from=build of the binary (the one built here with the build stage's own
command), USER, ENTRYPOINT — and finally, as the stage's USER through its exec-form
ENTRYPOINT: `--version`, `generate` of a small tree, `show`. It also checks that the
stage's library packages are exactly the ones whose libraries the binary names
(ELF NEEDED), and that the build stage, the runtime base and this machine are one
Debian release (the host-built binary stands in for the build stage's).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dockerfile import DockerfileError, apt_packages, debian_codename, exec_form, stage  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "worker.Dockerfile"
CACHE = REPO / ".build-iac"
# Packages that carry data, not libraries: they are in the list for what they install.
DATA_PACKAGES = {"ca-certificates", "tzdata"}


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"check-docker: {message}", flush=True)


def build_command(text: str) -> list[str]:
    build = stage(text, "build")
    for run in build.all("RUN"):
        for piece in run.arguments.split("&&"):
            words = piece.split()
            if words[:2] == ["swift", "build"]:
                return words
    raise CheckFailed("the build stage has no `swift build` command")


def host_codename() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip().strip('"')
    raise CheckFailed("/etc/os-release has no VERSION_CODENAME")


def apt_mirror() -> str:
    """The Debian mirror this machine's apt uses (deb822 or one-line sources)."""
    candidates: list[str] = []
    for path in sorted(Path("/etc/apt/sources.list.d").glob("*.sources")):
        for line in path.read_text().splitlines():
            if line.startswith("URIs:"):
                candidates += line.split()[1:]
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*.list"))]:
        if path.exists():
            for line in path.read_text().splitlines():
                words = line.split()
                if words and words[0] == "deb":
                    candidates += [w for w in words[1:] if "://" in w][:1]
    for uri in candidates:
        if "security" not in uri and re.search(r"/debian/?$", uri):
            return uri
    return "http://deb.debian.org/debian"


def base_tarball(codename: str) -> Path:
    tarball = CACHE / f"debootstrap-{codename}-minbase.tar"
    if tarball.exists():
        return tarball
    CACHE.mkdir(exist_ok=True)
    scratch = CACHE / f"debootstrap-{codename}-scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    mirror = apt_mirror()
    say(f"debootstrap --variant=minbase {codename} from {mirror} (once; cached in {tarball.relative_to(REPO)})")
    subprocess.run(["debootstrap", "--variant=minbase", codename, str(scratch), mirror], check=True,
                   stdout=subprocess.DEVNULL)
    partial = tarball.with_suffix(".tar.partial")
    subprocess.run(["tar", "-C", str(scratch), "--numeric-owner", "-cf", str(partial), "."], check=True)
    partial.rename(tarball)
    shutil.rmtree(scratch)
    return tarball


def in_chroot(root: Path, argv: list[str], env: dict[str, str], user: str | None = None,
              capture: bool = False) -> subprocess.CompletedProcess[str]:
    """Runs argv in the root with /proc mounted in a private mount namespace (Swift on
    Linux reads its arguments from /proc/self/cmdline); the mount ends with the namespace."""
    spec = ["--userspec", user] if user else []
    script = 'mount -t proc proc "$0/proc" && exec chroot "$@"'
    command = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, str(root),
               *spec, str(root), *argv]
    return subprocess.run(["env", "-i", *[f"{k}={v}" for k, v in env.items()], *command], text=True,
                          capture_output=capture)


def reproduce(binary: Path, source: str | None = None) -> None:
    text = DOCKERFILE.read_text()
    build, runtime = stage(text, "build"), stage(text, "runtime")
    build_release, runtime_release, host = debian_codename(build.image), debian_codename(runtime.image), host_codename()
    if not runtime.image.startswith("debian:"):
        raise CheckFailed(f"the runtime base {runtime.image} is not a Debian image debootstrap can reproduce")
    if len({build_release, runtime_release, host}) != 1:
        raise CheckFailed(f"one Debian release expected: build stage {build.image} ({build_release}), "
                          f"runtime stage {runtime.image} ({runtime_release}), this machine {host}")
    root = CACHE / "worker-runtime-root"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    subprocess.run(["tar", "-C", str(root), "--numeric-owner", "-xpf", str(base_tarball(runtime_release))], check=True)
    shutil.copy("/etc/resolv.conf", root / "etc" / "resolv.conf")

    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"}
    user: str | None = None
    entrypoint: list[str] | None = None
    workdir = "/"
    listed: list[str] = []
    copied = False
    base = set(in_chroot(root, ["dpkg-query", "-W", "-f", "${Package}\n"], env, capture=True).stdout.split())
    for instruction in runtime.instructions:
        keyword, arguments = instruction.keyword, instruction.arguments
        if keyword == "RUN":
            listed += apt_packages(instruction)
            say(f"RUN (line {instruction.line}) in the chroot")
            shell = f"cd {workdir} && {arguments}"
            done = in_chroot(root, ["/bin/sh", "-c", shell], env, capture=True)
            if done.returncode != 0:
                raise CheckFailed(f"line {instruction.line}: RUN failed in the chroot:\n{done.stdout}{done.stderr}")
        elif keyword == "COPY":
            words = arguments.split()
            if len(words) != 3 or words[0] != "--from=build":
                raise CheckFailed(f"line {instruction.line}: only `COPY --from=build SRC DEST` is reproduced")
            if Path(words[1]).name != binary.name:
                raise CheckFailed(f"line {instruction.line}: copies {words[1]}, but the binary built here is {binary.name}")
            target = root / words[2].lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(binary, target)
            os.chmod(target, 0o755)
            copied = True
        elif keyword == "ENV":
            for key, value in re.findall(r'(\w+)=("[^"]*"|\S+)', arguments):
                env[key] = value.strip('"')
        elif keyword == "WORKDIR":
            workdir = arguments
        elif keyword == "USER":
            user = arguments
        elif keyword == "ENTRYPOINT":
            entrypoint = exec_form(instruction)
        elif keyword in ("CMD", "HEALTHCHECK", "LABEL", "EXPOSE"):
            continue
        else:
            raise CheckFailed(f"line {instruction.line}: {keyword} is not reproduced by this check; teach it")
    if not copied or entrypoint is None or user is None:
        raise CheckFailed("the runtime stage must COPY the binary, set a USER and an exec-form ENTRYPOINT")
    if user.split(":")[0] in ("0", "root"):
        raise CheckFailed("the runtime stage runs as root")

    check_libraries(root, entrypoint[0], listed, base, env)

    def worker(*args: str) -> subprocess.CompletedProcess[str]:
        result = in_chroot(root, [*entrypoint, *args], env, user=user, capture=True)
        if result.returncode != 0:
            raise CheckFailed(f"`manifest-worker {' '.join(args)}` exited {result.returncode}: {result.stderr.strip()}")
        return result

    version = worker("--version").stdout.strip()
    if not version.startswith("manifest-worker "):
        raise CheckFailed(f"--version printed {version!r}")
    if source is not None and not version.endswith(f"({source})"):
        raise CheckFailed(f"--version printed {version!r}, not the commit of the build args ({source})")
    data = root / "srv" / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.txt").write_text("hello\n")
    (data / "sub" / "b").write_text("x\n")
    worker("generate", "/srv/data", "-o", "/tmp/data.ndjson.gz")
    shown = json.loads(worker("show", "--json", "/tmp/data.ndjson.gz").stdout)
    trailer = shown.get("trailer", {})
    if not shown.get("valid") or (trailer.get("entries"), trailer.get("files"), trailer.get("bytes")) != (3, 2, 8):
        raise CheckFailed(f"show --json: {shown}")
    text_lines = worker("show", "/tmp/data.ndjson.gz").stdout.splitlines()
    if not any(line.endswith(" a.txt") and " 5891b5b522d5df08 " in line for line in text_lines):
        raise CheckFailed("show does not list a.txt with its SHA-256 prefix:\n" + "\n".join(text_lines))
    say(f"runtime stage reproduced ({runtime.image}, user {user}): {version}; generate and show work")


def check_libraries(root: Path, binary: str, listed: list[str], base: set[str], env: dict[str, str]) -> None:
    """The listed library packages are exactly those providing the binary's NEEDED
    libraries that the base (the packages debootstrap installed) does not already have —
    apart from the listed base packages the binary needs, which may be named too."""
    readelf = subprocess.run(["readelf", "-d", str(root / binary.lstrip("/"))], capture_output=True, text=True, check=True)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf.stdout)
    resolved = in_chroot(root, ["ldd", binary], env, capture=True)
    if resolved.returncode != 0 or "not found" in resolved.stdout:
        raise CheckFailed(f"ldd in the runtime root:\n{resolved.stdout}{resolved.stderr}")
    paths = dict(re.findall(r"^\s*(\S+) => (\S+)", resolved.stdout, re.MULTILINE))
    providers: dict[str, str] = {}
    for library in needed:
        if library not in paths:
            continue  # the dynamic loader itself
        owner = in_chroot(root, ["dpkg", "-S", os.path.realpath(root / paths[library].lstrip("/")).removeprefix(str(root))],
                          env, capture=True)
        if owner.returncode != 0:
            owner = in_chroot(root, ["dpkg", "-S", paths[library]], env, capture=True)
        providers[library] = owner.stdout.split(":", 1)[0].strip()
    unlisted = sorted({p for p in providers.values() if p not in listed and p not in base})
    unused = sorted(set(listed) - DATA_PACKAGES - set(providers.values()))
    if unlisted or unused:
        raise CheckFailed(f"runtime packages: not listed but loaded {unlisted}; listed but no library loaded {unused} "
                          f"(NEEDED → package: {providers})")
    say(f"libraries: {', '.join(f'{lib} ({pkg})' for lib, pkg in sorted(providers.items()))}")


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build-command")
    sub.add_parser("base")
    run = sub.add_parser("run")
    run.add_argument("--binary", type=Path, required=True)
    run.add_argument("--source", help="what --version must end with in parentheses (the build args' commit and date)")
    options = parser.parse_args()
    try:
        if options.command == "build-command":
            print(" ".join(build_command(DOCKERFILE.read_text())))
        elif options.command == "base":
            base_tarball(debian_codename(stage(DOCKERFILE.read_text(), "runtime").image))
        else:
            reproduce(options.binary, options.source)
    except (CheckFailed, DockerfileError) as error:
        print(f"check-docker: FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
