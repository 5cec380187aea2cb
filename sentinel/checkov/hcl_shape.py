"""checkov's view of a resource (every attribute wrapped in a one-element list, nested
blocks as lists of dicts) turned into the plan-JSON shape ebv_rules reads. Values that
stay references (`var.x`, `${...}`) are not known here: checks answer UNKNOWN for them
and judge them where they are set (the module call checkov also evaluates)."""

from __future__ import annotations

import json
import re

BLOCKS = {
    "statement", "condition", "principals", "not_principals", "volume", "efs_volume_configuration",
    "authorization_config", "runtime_platform", "inline_policy", "rule", "apply_server_side_encryption_by_default",
    "vpc_config", "dead_letter_config", "destination_config", "on_failure",
}
# A reference anywhere (also inside a function call checkov left unevaluated, such as
# `tostring(var.cpu)`), an interpolation, or a call.
_REFERENCE = re.compile(r"\$\{|(?<![A-Za-z0-9_.])(var|local|module|data|each|count)\.[A-Za-z_]|^aws_[a-z0-9_]+\.|^[a-z_0-9]+\(")


def unresolved(value) -> bool:
    return isinstance(value, str) and bool(_REFERENCE.search(value))


def plan_shape(conf: dict) -> dict:
    result = {}
    for key, value in conf.items():
        if not isinstance(key, str) or key.startswith("__"):
            continue
        if key in BLOCKS:
            result[key] = [plan_shape(b) for b in (value if isinstance(value, list) else [value]) if isinstance(b, dict)]
        else:
            result[key] = value[0] if isinstance(value, list) and len(value) == 1 else value
    return result


def json_value(value):
    """A JSON document given as jsonencode(...) (already a structure) or as a string."""
    if isinstance(value, str) and not unresolved(value):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value
