"""The AWS provider's schema, extracted from the cdktf-cdktf-provider-aws wheel.

The wheel holds `_jsii/provider-aws@<v>.jsii.tgz`, whose `package/.jsii` (about 125 MB of
JSON) describes every resource and data source: a class whose doc summary links to
`docs/resources/<name>` or `docs/data-sources/<name>`, and its `<Class>Config` struct whose
properties are the arguments (`optional` absent: required). The real attribute name is the
`#anchor` of each property's doc link; a nested block has the summary `"<name> block."` and
a struct type. `extract` turns that into a compact JSON (about 2 MB) cached next to the
wheel, so later runs load it in a fraction of a second.

Compact form: {"provider_version": "6.25.0", "resource": {type: NODE}, "data": {type: NODE}}
where NODE = {"args": {name: required}, "blocks": {name: [required, NODE]}}.
"""
from __future__ import annotations

import io
import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

LINK = re.compile(r"registry\.terraform\.io/providers/hashicorp/aws/([0-9.]+)/docs/(resources|data-sources)/([a-z0-9_]+)")
ANCHOR = re.compile(r"#([a-z0-9_]+) ")


def _load_jsii(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".jsii.tgz"))
        data = zf.read(name)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tf:
        member = tf.extractfile("package/.jsii")
        assert member is not None
        return json.load(member)


def _struct_fqn(type_ref: object) -> str | None:
    """The first provider struct named anywhere in a jsii type reference."""
    if isinstance(type_ref, dict):
        fqn = type_ref.get("fqn")
        if isinstance(fqn, str) and fqn.startswith("@cdktf/provider-aws."):
            return fqn
        for value in type_ref.values():
            found = _struct_fqn(value)
            if found:
                return found
    elif isinstance(type_ref, list):
        for value in type_ref:
            found = _struct_fqn(value)
            if found:
                return found
    return None


def _node(types: dict, fqn: str, memo: dict, depth: int = 0) -> dict:
    if fqn in memo:
        return memo[fqn]
    node: dict = {"args": {}, "blocks": {}}
    memo[fqn] = node
    for prop in types.get(fqn, {}).get("properties", []) or []:
        docs = prop.get("docs", {})
        text = (docs.get("summary", "") or "") + " " + (docs.get("remarks", "") or "")
        anchor = ANCHOR.search(text)
        if not anchor:
            continue
        name = anchor.group(1)
        required = not prop.get("optional", False)
        nested = _struct_fqn(prop.get("type"))
        if docs.get("summary", "").endswith(" block.") and nested and depth < 12:
            node["blocks"][name] = [required, _node(types, nested, memo, depth + 1)]
        else:
            node["args"][name] = required
    return node


def extract(wheel: Path) -> dict:
    jsii = _load_jsii(wheel)
    types = jsii["types"]
    out: dict = {"provider_version": None, "resource": {}, "data": {}}
    memo: dict = {}
    for fqn, spec in types.items():
        if spec.get("kind") != "class" or "initializer" not in spec:
            continue
        match = LINK.search(spec.get("docs", {}).get("summary", ""))
        if not match or not spec.get("docs", {}).get("summary", "").startswith("Represents"):
            continue
        version, kind, tf_name = match.groups()
        config = fqn + "Config"
        if config not in types:
            continue
        out["provider_version"] = version
        out["resource" if kind == "resources" else "data"]["aws_" + tf_name] = _node(types, config, memo)
    return out


def load(wheel: Path, cache: Path) -> dict:
    """The compact schema, from `cache` when it was extracted from this very wheel."""
    stamp = f"{wheel.name}:{wheel.stat().st_size}"
    if cache.exists():
        cached = json.loads(cache.read_text())
        if cached.get("wheel") == stamp:
            return cached
    schema = extract(wheel)
    schema["wheel"] = stamp
    cache.write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True))
    return schema


if __name__ == "__main__":
    schema = load(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"schema: AWS provider {schema['provider_version']}: {len(schema['resource'])} resources, {len(schema['data'])} data sources")
