"""Reading terraform/ with python-hcl2 (blocks kept apart from arguments)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import hcl2
from hcl2 import SerializationOptions

OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=True)
BLOCK = "__is_block__"


def load(path: Path) -> dict:
    with path.open() as f:
        return hcl2.load(f, serialization_options=OPTIONS)


def tf_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.tf") if ".terraform" not in p.parts)


def is_block(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and v.get(BLOCK) for v in value)


def labelled(doc: dict, kind: str) -> Iterator[tuple[str, str, dict]]:
    """(type, name, body) of every `kind` block with two labels (resource, data)."""
    for entry in doc.get(kind, []):
        for type_name, named in entry.items():
            for name, body in named.items():
                yield type_name, name, body


def single(doc: dict, kind: str) -> Iterator[tuple[str, dict]]:
    """(name, body) of every `kind` block with one label (variable, output, module)."""
    for entry in doc.get(kind, []):
        for name, body in entry.items():
            yield name, body


def module_dirs(terraform: Path) -> list[Path]:
    """The root module, every module under modules/ and every example."""
    dirs = [terraform]
    dirs += sorted(p for p in (terraform / "modules").iterdir() if p.is_dir())
    dirs += sorted(p for p in (terraform / "examples").iterdir() if p.is_dir())
    return dirs
