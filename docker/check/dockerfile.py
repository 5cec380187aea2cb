"""A small Dockerfile reader: stages, instructions (continuation lines joined, comments
dropped, parser directives ignored), exec-form arguments. Enough for scripts/check-docker
to reproduce a stage without Docker; pure (no I/O beyond the text it is given)."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field


class DockerfileError(Exception):
    pass


@dataclass
class Instruction:
    keyword: str  # upper case, e.g. "RUN"
    arguments: str  # the text after the keyword, continuation lines joined
    line: int  # 1-based line of the keyword


@dataclass
class Stage:
    image: str  # the FROM image, e.g. "debian:bookworm-slim"
    name: str | None  # the AS name
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def instructions(text: str) -> list[Instruction]:
    result: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue  # comments (also inside a continued instruction) and blank lines
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        joined = " ".join(p for p in pending if p)
        pending = []
        keyword, _, arguments = joined.partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip(), start))
    if pending:
        raise DockerfileError(f"line {start}: the file ends inside a continued instruction")
    return result


_FROM = re.compile(r"^(?:--platform=\S+\s+)?(?P<image>\S+)(?:\s+AS\s+(?P<name>\S+))?$", re.IGNORECASE)


def stages(text: str) -> list[Stage]:
    result: list[Stage] = []
    for instruction in instructions(text):
        if instruction.keyword == "FROM":
            match = _FROM.match(instruction.arguments)
            if not match:
                raise DockerfileError(f"line {instruction.line}: cannot read FROM {instruction.arguments!r}")
            result.append(Stage(match["image"], match["name"]))
        elif instruction.keyword in ("ARG",) and not result:
            continue  # global ARGs before the first FROM
        elif not result:
            raise DockerfileError(f"line {instruction.line}: {instruction.keyword} before FROM")
        else:
            result[-1].instructions.append(instruction)
    if not result:
        raise DockerfileError("no FROM")
    return result


def stage(text: str, name: str) -> Stage:
    for candidate in stages(text):
        if candidate.name == name:
            return candidate
    raise DockerfileError(f"no stage named {name!r}")


def exec_form(instruction: Instruction) -> list[str]:
    """The JSON array of an exec-form ENTRYPOINT/CMD; shell form is an error."""
    try:
        value = json.loads(instruction.arguments)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise DockerfileError(f"line {instruction.line}: {instruction.keyword} is not in exec form (a JSON array of strings)")
    return value


def apt_packages(run: Instruction) -> list[str]:
    """The packages an `apt-get install` in a RUN names (options dropped)."""
    packages: list[str] = []
    for command in re.split(r"&&|;|\|\|", run.arguments):
        words = shlex.split(command)
        if len(words) >= 2 and words[0] == "apt-get" and "install" in words:
            after = words[words.index("install") + 1:]
            packages += [w for w in after if not w.startswith("-")]
    return packages


def debian_codename(image: str) -> str:
    """The Debian/Ubuntu release an image tag names: `swift:6.3-bookworm` and
    `debian:bookworm-slim` both give `bookworm`."""
    _, _, tag = image.partition(":")
    tag = tag.split("@", 1)[0]
    for part in re.split(r"[-_]", tag):
        if part in KNOWN_CODENAMES:
            return part
    raise DockerfileError(f"cannot tell the distribution of image {image!r}")


KNOWN_CODENAMES = {"bullseye", "bookworm", "trixie", "focal", "jammy", "noble"}
