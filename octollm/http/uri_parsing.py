"""Query and path values read as numbers only when they are written as numbers.

connexion converts an `integer` parameter with Python's `int()` and a `number` with `float()`,
which take more than a client means: `?page_size=1_0` is 10, `?page=%203` (a space, then 3) and
`?page=%D9%A3` (an Arabic-Indic digit three) are 3, and `?x=nan` or `?x=infinity` are numbers.
`StrictURIParser` keeps connexion's reading (styles, explode, repeated names) and then puts
back, as the string it was, every value that is not written in ASCII digits (with an optional
sign, and for a `number` a fraction and an exponent): validation then refuses it as any
other value of the wrong type, 400 with the parameter's name and the constraint `type`.
"""

from __future__ import annotations

import re
import typing as t

from connexion.uri_parsing import OpenAPIURIParser

_WRITTEN = {
    "integer": re.compile(r"[+-]?[0-9]+"),
    "number": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
}


def _as_written(kind: str | None, raw: t.Any, value: t.Any) -> t.Any:
    """`value`, connexion's conversion of `raw`, or `raw` itself where it is not written as a
    number of the parameter's type."""
    pattern = _WRITTEN.get(kind or "")
    if pattern is None or not isinstance(raw, str) or pattern.fullmatch(raw):
        return value
    return raw


class StrictURIParser(OpenAPIURIParser):
    def resolve_params(self, params: dict[str, t.Any], _in: str) -> dict[str, t.Any]:
        resolved = super().resolve_params(params, _in)
        for name, value in resolved.items():
            schema = self.param_schemas.get(name) or {}
            kind = schema.get("type")
            raws = [params[name]] if _in == "path" else params[name]
            if kind == "array" and isinstance(value, list):
                items = self._split(
                    self._resolve_param_duplicates(raws, self.param_defns.get(name), _in),
                    self.param_defns.get(name),
                    _in,
                )
                item_kind = (schema.get("items") or {}).get("type")
                if isinstance(items, list) and len(items) == len(value):
                    resolved[name] = [
                        _as_written(item_kind, raw, v) for raw, v in zip(items, value, strict=True)
                    ]
            elif kind in _WRITTEN and isinstance(raws, list) and raws:
                resolved[name] = _as_written(kind, raws[-1], value)
        return resolved
