"""One self-contained document per service spec: the shared components copied in by name.

SDK generators and other tools read the bundle. Unlike a fully inlined spec, it keeps every
schema under its own name (`#/components/schemas/ErrorEnvelope`), so generated models have
clean names. Component names are unique across the spec files, which makes the merge flat.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml


class BundleError(ValueError):
    pass


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _pointer(document: dict[str, Any], fragment: str, where: str) -> Any:
    node: Any = document
    for part in fragment.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise BundleError(f"{where}: unresolvable $ref #{fragment}")
        node = node[part]
    return node


def bundle(spec_path: Path) -> dict[str, Any]:
    """The spec at `spec_path` with every `$ref` into another file replaced by a local one."""
    spec_path = spec_path.resolve()
    main = load_yaml(spec_path)
    documents: dict[Path, dict[str, Any]] = {spec_path: main}
    adopted: dict[str, dict[str, Any]] = {}

    def document(path: Path) -> dict[str, Any]:
        if path not in documents:
            documents[path] = load_yaml(path)
        return documents[path]

    def adopt(ref: str, base: Path) -> str:
        """Rewrite `ref` (relative to the file `base`) to a local ref, copying what it names."""
        file_part, _, fragment = ref.partition("#")
        source = (base.parent / file_part).resolve() if file_part else base
        if source == spec_path:
            return f"#{fragment}"
        parts = fragment.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "components":
            raise BundleError(f"{source.name}: only refs to components can be bundled: {ref}")
        _, kind, name = parts
        node = _pointer(document(source), fragment, source.name)
        existing = adopted.setdefault(kind, {}).get(name)
        if existing is None:
            adopted[kind][name] = {}  # claimed first, so a cycle ends here
            adopted[kind][name] = walk(copy.deepcopy(node), source)
        elif existing != walk(copy.deepcopy(node), source):
            raise BundleError(f"{kind}/{name} is defined differently in two spec files")
        return f"#/components/{kind}/{name}"

    def walk(node: Any, base: Path) -> Any:
        if isinstance(node, dict):
            return {
                k: adopt(v, base) if k == "$ref" and isinstance(v, str) else walk(v, base)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v, base) for v in node]
        return node

    bundled = walk(main, spec_path)
    components = bundled.setdefault("components", {})
    for kind, named in adopted.items():
        clashes = set(named) & set(components.get(kind, {}))
        if clashes:
            raise BundleError(f"{spec_path.name} redefines shared {kind}: {sorted(clashes)}")
        components[kind] = dict(sorted({**components.get(kind, {}), **named}.items()))
    return bundled


def render(bundled: dict[str, Any]) -> dict[str, str]:
    """The bundle as the files `<name>.yaml` and `<name>.json` would hold it (name-less keys)."""
    return {
        "yaml": yaml.safe_dump(bundled, sort_keys=False, allow_unicode=True, width=100),
        "json": json.dumps(bundled, indent=2, ensure_ascii=False) + "\n",
    }
