"""A Terraform root module evaluated by tfparse (Go's HCL library: variables with their
defaults and optional() attributes, locals, module calls) turned into the tfplan/v2
shape plan_rules.py reads: values tfparse cannot know (resource attributes, unset
inputs) are absent from `after` and true in `after_unknown`, as in a plan.
terraform_scan.py uses it where checkov cannot resolve a value statically."""

from __future__ import annotations

import sys
from pathlib import Path

import tfparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checkov"))
from hcl_shape import BLOCKS  # noqa: E402


def _shape(value):
    """(after, unknown) for one value."""
    if isinstance(value, dict) and "__attribute__" in value:
        return None, True
    if isinstance(value, dict):
        after, unknown = {}, {}
        for key, item in value.items():
            if key in ("__tfmeta", "id"):
                continue
            if key in BLOCKS and isinstance(item, dict):
                item = [item]
            a, u = _shape(item)
            if u is True:
                unknown[key] = True
            else:
                after[key] = a
                if u:
                    unknown[key] = u
        return after, unknown
    if isinstance(value, list):
        pairs = [_shape(v) for v in value]
        if any(u is True for _, u in pairs):
            return None, True
        return [a for a, _ in pairs], ([u for _, u in pairs] if any(u for _, u in pairs) else {})
    return value, {}


def pseudo_plan(directory: Path) -> dict:
    changes = {}
    for type_, items in tfparse.load_from_path(str(directory)).items():
        for item in items:
            meta = item.get("__tfmeta", {})
            if meta.get("type") not in ("resource", "data"):
                continue
            mode = "managed" if meta["type"] == "resource" else "data"
            address = meta["path"]
            marker = ("data." if mode == "data" else "") + type_ + "."
            at = address.rfind(marker)
            after, unknown = _shape(item)
            changes[address] = {
                "address": address, "mode": mode, "type": type_,
                "name": address[at + len(marker):].split("[", 1)[0],
                "module_address": address[:at].rstrip("."),
                "change": {"actions": ["create"], "after": after, "after_unknown": unknown or {}},
            }
    return {"resource_changes": changes}
