"""References inside each module resolve (what `terraform validate` would reject): every
var.X is a declared variable, local.X a local, module.M.O an output of module M's source,
data.T.N and T.N (resources) blocks of the module."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import tfhcl

VAR = re.compile(r"\bvar\.([A-Za-z_][\w-]*)")
LOCAL = re.compile(r"\blocal\.([A-Za-z_][\w-]*)")
MODULE = re.compile(r"\bmodule\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)")
DATA = re.compile(r"\bdata\.([a-z0-9_]+)\.([A-Za-z_][\w-]*)")
RESOURCE = re.compile(r"(?<![.\w])(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _outputs(module: Path) -> set[str]:
    return {name for path in module.glob("*.tf") for name, _ in tfhcl.single(tfhcl.load(path), "output")}


def check_module(module: Path, root: Path) -> list[str]:
    docs = {path: tfhcl.load(path) for path in sorted(module.glob("*.tf"))}
    variables = {n for d in docs.values() for n, _ in tfhcl.single(d, "variable")}
    locals_ = {k for d in docs.values() for entry in d.get("locals", []) for k in entry if not k.startswith("__")}
    resources = {(t, n) for d in docs.values() for t, n, _ in tfhcl.labelled(d, "resource")}
    datas = {(t, n) for d in docs.values() for t, n, _ in tfhcl.labelled(d, "data")}
    modules = {n: (module / b["source"]).resolve() for d in docs.values() for n, b in tfhcl.single(d, "module")}
    errors: list[str] = []
    for path, doc in docs.items():
        where = str(path.relative_to(root))
        text = "\n".join(s for s in _strings(doc) if "${" in s or "%{" in s)
        for name in sorted(set(VAR.findall(text)) - variables):
            errors.append(f"{where}: var.{name} is not declared")
        for name in sorted(set(LOCAL.findall(text)) - locals_):
            errors.append(f"{where}: local.{name} is not defined")
        for name, output in sorted(set(MODULE.findall(text))):
            if name not in modules:
                errors.append(f"{where}: module.{name} is not called here")
            elif output not in _outputs(modules[name]):
                errors.append(f"{where}: module.{name} has no output \"{output}\"")
        for ref in sorted(set(DATA.findall(text)) - datas):
            errors.append(f"{where}: data.{ref[0]}.{ref[1]} is not declared")
        for ref in sorted(set(RESOURCE.findall(text)) - resources):
            errors.append(f"{where}: {ref[0]}.{ref[1]} is not declared")
    return errors


def main(terraform: Path) -> int:
    errors: list[str] = []
    dirs = tfhcl.module_dirs(terraform)
    for module in dirs:
        errors += check_module(module, terraform.parent)
    for error in errors:
        print(f"references: {error}", file=sys.stderr)
    print(f"references: {len(dirs)} modules' var/local/module/data/resource references checked: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
