"""JSON Schema compiled to plain Python checks: a fast "valid" for the schemas the specs use.

jsonschema interprets a schema on every call (a validator object, a generator per keyword, type
checker look-ups): ~50-100 µs for a small request body. `compile_check(schema)` turns a schema
into nested closures that answer only "valid or not", in microseconds, and is sound: when it says
valid, jsonschema (with the same validator class: connexion's request validator with the spec's
ECMA-262 `pattern`) says valid too. When it says invalid, `validation` asks jsonschema, which
finds and describes the error as before; so messages, fields and constraints are unchanged.

Only keywords whose meaning is simple are compiled; a schema using any other keyword jsonschema
knows (`anyOf`, `oneOf`, `not`, `$ref`, `multipleOf`, `patternProperties`, `dependencies`, a
tuple `items`...) compiles to None and is left to jsonschema whole. Keys jsonschema ignores
(annotations, extensions, a `format` its checker does not know) are ignored here too.

With `fill_defaults`, the check also fills each missing property's `default` (a fresh copy)
where jsonschema with `validation`'s defaults validator would: at each `properties` it reaches,
keywords taken in the schema's order, so a check that says valid has seen and filled exactly
what jsonschema would have. A check that says invalid may have stopped half way: jsonschema
must then start again from the value as it was (`validation.validated_body` decodes it again).
tests/http/test_quick_schema.py checks the compiled checks against jsonschema.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

# Keywords that constrain nothing here: annotations, and the ones read with another keyword.
_READ_ELSEWHERE = frozenset(
    {"nullable", "x-nullable", "exclusiveMinimum", "exclusiveMaximum", "default"}
)
_TYPES: dict[str, Check] = {
    "string": lambda x: type(x) is str,
    "integer": lambda x: type(x) is int,
    "number": lambda x: type(x) is int or type(x) is float,
    "boolean": lambda x: type(x) is bool,
    "object": lambda x: type(x) is dict,
    "array": lambda x: type(x) is list,
    "null": lambda x: x is None,
}


_SCALARS = frozenset({str, int, float, bool, type(None)})


class Unsupported(Exception):
    """The schema uses a keyword this module does not compile."""


def compile_check(
    schema: Mapping[str, Any],
    *,
    keywords: frozenset[str],
    formats: Any,
    pattern: Callable[[str], Callable[[str], bool]],
    fill_defaults: bool = False,
) -> Check | None:
    """A check for `schema`, or None when jsonschema must do it all.

    `keywords` are the keywords jsonschema's validator class knows (any other key is ignored by
    it, and so here); `formats` its format checker; `pattern(p)` a matcher for an ECMA-262
    pattern `p`, as the validator class reads `pattern`.
    """
    compiler = _Compiler(keywords, formats, pattern, fill_defaults)
    try:
        return compiler.compile(schema)
    except Unsupported:
        return None


class _Compiler:
    def __init__(
        self, keywords: frozenset[str], formats: Any, pattern: Callable, fill: bool
    ) -> None:
        self.keywords = keywords
        self.formats = formats
        self.pattern = pattern
        self.fill = fill

    def compile(self, schema: Mapping[str, Any]) -> Check:
        if not isinstance(schema, Mapping):
            raise Unsupported(type(schema).__name__)
        checks = []
        for key, value in schema.items():
            if key not in self.keywords or key in _READ_ELSEWHERE:
                continue  # an annotation, or an extension: jsonschema ignores it
            build = getattr(self, "_" + key, None)
            if build is None:
                raise Unsupported(key)
            check = build(value, schema)
            if check is not None:
                checks.append(check)
        return _all(checks)

    # --- keywords --------------------------------------------------------------------------

    def _type(self, value: Any, schema: Mapping[str, Any]) -> Check:
        names = [value] if isinstance(value, str) else list(value)
        if any(n not in _TYPES for n in names):
            raise Unsupported(f"type {value!r}")
        tests = tuple(_TYPES[n] for n in names)
        nullable = _nullable(schema)
        if len(tests) == 1 and not nullable:
            return tests[0]
        return lambda x: (nullable and x is None) or any(t(x) for t in tests)

    def _enum(self, value: Any, schema: Mapping[str, Any]) -> Check:
        nullable = _nullable(schema)
        if all(type(v) is str for v in value):
            allowed = frozenset(value)
            return lambda x: (nullable and x is None) or (type(x) is str and x in allowed)
        # Scalars of the same type and equal: what jsonschema's enum accepts too. Arrays and
        # objects are left to jsonschema (its equality tells True from 1 at any depth).
        members = [m for m in value if type(m) in _SCALARS]
        return lambda x: (
            (nullable and x is None)
            or (type(x) in _SCALARS and any(type(x) is type(m) and x == m for m in members))
        )

    def _minLength(self, value: int, schema: Mapping[str, Any]) -> Check:
        return lambda x: type(x) is not str or len(x) >= value

    def _maxLength(self, value: int, schema: Mapping[str, Any]) -> Check:
        return lambda x: type(x) is not str or len(x) <= value

    def _pattern(self, value: str, schema: Mapping[str, Any]) -> Check:
        matches = self.pattern(value)
        return lambda x: type(x) is not str or matches(x)

    def _format(self, value: str, schema: Mapping[str, Any]) -> Check | None:
        if value not in self.formats.checkers:
            return None  # a format the checker does not know: jsonschema lets any value pass
        conforms = self.formats.conforms
        return lambda x: conforms(x, value)

    def _minimum(self, value: Any, schema: Mapping[str, Any]) -> Check:
        if schema.get("exclusiveMinimum"):
            return lambda x: not _is_number(x) or x > value
        return lambda x: not _is_number(x) or x >= value

    def _maximum(self, value: Any, schema: Mapping[str, Any]) -> Check:
        if schema.get("exclusiveMaximum"):
            return lambda x: not _is_number(x) or x < value
        return lambda x: not _is_number(x) or x <= value

    def _minItems(self, value: int, schema: Mapping[str, Any]) -> Check:
        return lambda x: type(x) is not list or len(x) >= value

    def _maxItems(self, value: int, schema: Mapping[str, Any]) -> Check:
        return lambda x: type(x) is not list or len(x) <= value

    def _uniqueItems(self, value: bool, schema: Mapping[str, Any]) -> Check | None:
        if not value:
            return None
        # Strings only: jsonschema's equality across types (1 and 1.0, True) is its own.
        return lambda x: (
            type(x) is not list or (all(type(i) is str for i in x) and len(set(x)) == len(x))
        )

    def _minProperties(self, value: int, schema: Mapping[str, Any]) -> Check:
        return lambda x: type(x) is not dict or len(x) >= value

    def _maxProperties(self, value: int, schema: Mapping[str, Any]) -> Check:
        return lambda x: type(x) is not dict or len(x) <= value

    def _required(self, value: list[str], schema: Mapping[str, Any]) -> Check:
        names = tuple(value)
        return lambda x: type(x) is not dict or all(n in x for n in names)

    def _items(self, value: Any, schema: Mapping[str, Any]) -> Check:
        if not isinstance(value, Mapping):
            raise Unsupported("items as a list")
        item = self.compile(value)
        return lambda x: type(x) is not list or all(item(i) for i in x)

    def _allOf(self, value: list, schema: Mapping[str, Any]) -> Check:
        return _all([self.compile(s) for s in value])

    def _additionalProperties(self, value: Any, schema: Mapping[str, Any]) -> Check | None:
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = frozenset(schema.get("properties", {}))
        if value is True:
            return None
        if value is False:
            return lambda x: type(x) is not dict or all(k in known for k in x)
        extra = self.compile(value)
        return lambda x: (
            type(x) is not dict or all(extra(v) for k, v in x.items() if k not in known)
        )

    def _properties(self, value: Mapping[str, Any], schema: Mapping[str, Any]) -> Check:
        checks = tuple((name, self.compile(sub)) for name, sub in value.items())
        defaults = tuple(
            (name, sub["default"])
            for name, sub in value.items()
            if self.fill and isinstance(sub, Mapping) and "default" in sub
        )

        def properties(x: Any) -> bool:
            if type(x) is not dict:
                return True
            for name, default in defaults:
                if name not in x:
                    x[name] = copy.deepcopy(default)
            return all(check(x[name]) for name, check in checks if name in x)

        return properties


def _nullable(schema: Mapping[str, Any]) -> bool:
    """connexion's request validator lets `None` pass `type` and `enum` for these."""
    return schema.get("x-nullable") is True or bool(schema.get("nullable"))


def _is_number(x: Any) -> bool:
    return type(x) is int or type(x) is float


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) and second(x)
    checks_ = tuple(checks)
    return lambda x: all(c(x) for c in checks_)
