"""The compiled checks of octollm/http/quick_schema.py against jsonschema, on generated values.

`validation.check` trusts a compiled check's "valid" and asks jsonschema only otherwise, so a
compiled check must be sound: whenever it says valid, jsonschema (`validation._SpecValidator`,
or `_DefaultsValidator` filling defaults) finds no error. With `fill_defaults` it must also
leave the body as jsonschema would (the handler receives it), and when it says invalid after
filling part of the body, jsonschema must still report what it reported before the compiled
checks existed: the error of jsonschema alone on the body as received.

Schemas: every request schema of octollm's specs (parameters and JSON bodies, as connexion
resolves them), and hand-written ones covering each keyword quick_schema compiles. Values:
arbitrary JSON (bools beside ints, 1.0-like floats, unicode and newlines, keys that are the
schema's property names), values built from the schema to be valid or nearly so, and the specs'
examples, mutated.
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import best_match

from octollm.errors import ApiError
from octollm.http import quick_schema, validation
from tests.conftest import SPECS
from tests.spec_check import load_spec

# --- the two sides -------------------------------------------------------------------------


def compile_check(schema: dict, fill: bool = False) -> quick_schema.Check | None:
    """The compiled check as validation.py builds it."""
    return validation.quick_check(schema, fill_defaults=fill)


def _jsonschema(schema: dict, fill: bool) -> Any:
    cls = validation._DefaultsValidator if fill else validation._SpecValidator
    return cls(schema, format_checker=validation.FORMAT_CHECKER)


def _described(error: ApiError | None) -> tuple[str, str, dict] | None:
    return None if error is None else (error.code, error.message, error.details)


def jsonschema_alone(schema: dict, value: Any, fill: bool = False) -> tuple | None:
    """The error `validation.check` raised before the compiled checks (jsonschema alone),
    described; None when valid. Fills `value` when `fill`."""
    try:
        error = best_match(_jsonschema(schema, fill).iter_errors(value))
        return None if error is None else _described(validation.to_api_error(error))
    except Exception as exc:  # compared, not hidden: see REQUIRED_FIRST
        return ("raised", type(exc).__name__)


def validated(schema: dict, value: Any, fill: bool = False) -> tuple[tuple | None, Any]:
    """What validation raises now for `value` (compiled check, then jsonschema), described, and
    the value it passes on: `check` without defaults; with them `validated_body`, as the body
    validator calls it (decoding a fresh copy when the compiled check refuses). `value` itself
    is left as it is."""
    passed = copy.deepcopy(value)
    try:
        if fill:
            passed = validation.validated_body(schema, lambda: copy.deepcopy(value))
        else:
            validation.check(schema, passed)
    except ApiError as exc:
        return _described(exc), None
    except Exception as exc:  # compared, not hidden
        return ("raised", type(exc).__name__), None
    return None, passed


def checked(schema: dict, value: Any, fill: bool = False) -> tuple | None:
    return validated(schema, value, fill)[0]


def typed(value: Any) -> Any:
    """`value` with the type of every leaf, so that 1, 1.0, True and "1" differ."""
    if isinstance(value, dict):
        return {key: typed(v) for key, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def compare(schema: dict, value: Any) -> Counter:
    """Asserts the compiled checks (without and with defaults) agree with jsonschema on
    `value`; counts which way it went (`valid`/`fast` without defaults, `valid_fill`/
    `fast_fill` with)."""
    seen: Counter = Counter()
    for fill in (False, True):
        quick = compile_check(schema, fill)
        expected_value = copy.deepcopy(value)
        expected = jsonschema_alone(schema, expected_value, fill)
        suffix = "_fill" if fill else ""
        seen["valid" + suffix] += expected is None
        if quick is None:
            continue
        mine = copy.deepcopy(value)
        if quick(mine):
            assert expected is None, (
                f"unsound (fill_defaults={fill}): the compiled check passes {value!r}, "
                f"jsonschema says {expected}"
            )
            seen["fast" + suffix] += 1
            if fill:
                assert typed(mine) == typed(expected_value), "defaults filled differently"
            continue
        # Refused (or not known to be valid): jsonschema decides, on the value as it came.
        error, passed = validated(schema, value, fill)
        assert error == expected, f"fill_defaults={fill}: {value!r}"
        if expected is None:
            assert typed(passed) == typed(expected_value), "defaults filled differently"
    return seen


# --- values --------------------------------------------------------------------------------

UUID = "3f1e4c1a-7d7e-4b8e-9a53-0c1f2b8d9e10"
STRINGS = [
    "", "a", "A", "ab", "abc", " ", "  a ", "\n", "a\n", "abc\n", "\na", "a b", "a\tb", "\r\n",
    "\u00a0", "\ufeff", "\u2028", "\u3000", "\x1c", "\x85", "\x00", "é", "日本", "😀", "a😀",
    "sha256:5d2a", "key.1_x:y-z", "A-z.0", "1", "1.0", "true", "null", "{}", "[]",
    UUID, UUID.upper(), UUID + "\n", UUID.replace("-", ""), UUID[:-1], UUID + "0", "low", "high",
]  # fmt: skip
FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.0, 100.0, 1e20, 1e300, 3600.0, 0.1]


def _constants(schema: Any) -> tuple[list[str], list[Any]]:
    """(property names, other values worth trying) found anywhere in `schema`."""
    names: list[str] = []
    values: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key == "properties":
                names.extend(value)
            elif key == "enum":
                values.extend(value)
            elif key == "default":
                values.append(copy.deepcopy(value))
            elif key in ("minimum", "maximum") and not isinstance(value, bool):
                values.extend([value, value - 1, value + 1, value - 0.5, value + 0.5])
                values.extend([float(value)] if abs(value) < 2**53 else [])
            elif key in ("minLength", "maxLength"):
                values.extend("a" * n for n in (value - 1, value, value + 1) if n >= 0)
            elif key == "required":
                names.extend(value)
            walk(value)

    walk(schema)
    return sorted(set(names)), values


def json_values(names: Sequence[str] = (), extra: Sequence[Any] = ()) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values; object keys are often `names`, leaves often from `extra`."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.integers(),
        st.sampled_from(FLOATS),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(STRINGS),
        st.text(max_size=6),
        *([st.sampled_from(extra).map(copy.deepcopy)] if extra else []),
    )
    keys = st.one_of(st.sampled_from(names), st.text(max_size=3)) if names else st.text(max_size=3)
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(keys, children, max_size=5),
        ),
        max_leaves=12,
    )


def _merged(schema: dict) -> dict:
    """`schema` with its allOf folded in: a guide for generating values, not a schema."""
    result = {k: v for k, v in schema.items() if k != "allOf"}
    for sub in schema.get("allOf", []):
        sub = _merged(sub)
        for key, value in sub.items():
            if key == "properties":
                result["properties"] = {**result.get("properties", {}), **value}
            elif key == "required":
                result["required"] = [*result.get("required", []), *value]
            else:
                result.setdefault(key, value)
    return result


def _strings(schema: dict) -> st.SearchStrategy[str]:
    low = schema.get("minLength", 0)
    high = schema.get("maxLength", low + 40)
    if schema.get("format") == "uuid":
        base = st.uuids().map(str)
    elif schema.get("format") == "ipv4":
        base = st.ip_addresses(v=4).map(str)
    elif "pattern" in schema:
        # Python's reading of the ECMA pattern: `$` lets a final "\n" through, for instance.
        base = st.from_regex(schema["pattern"])
    else:
        base = st.text(min_size=low, max_size=min(high, low + 12))
    return st.one_of(base.filter(lambda s: low <= len(s) <= high), st.sampled_from(STRINGS))


def _numbers(schema: dict, integer: bool) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if integer:
        lo = None if low is None else math.floor(low) + (1 if schema.get("exclusiveMinimum") else 0)
        hi = (
            None if high is None else math.ceil(high) - (1 if schema.get("exclusiveMaximum") else 0)
        )
        ints = st.integers(min_value=lo, max_value=hi)
        return st.one_of(ints, ints.map(float))
    return st.one_of(
        st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False),
        st.integers(
            min_value=None if low is None else math.ceil(low),
            max_value=None if high is None else math.floor(high),
        ),
    )


def valid_ish(schema: Any, anything: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Values shaped by `schema`: mostly valid, or near it (its patterns read as Python's);
    `anything` where it does not say."""
    if not isinstance(schema, dict):
        return anything
    schema = _merged(schema)
    if "enum" in schema:
        members = st.sampled_from(schema["enum"]).map(copy.deepcopy)
        return st.one_of(members, st.none()) if schema.get("nullable") else members
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = kind[0] if kind else None
    if kind is None and ("properties" in schema or "required" in schema):
        kind = "object"
    if kind is None and "items" in schema:
        kind = "array"
    if kind == "string":
        found = _strings(schema)
    elif kind in ("integer", "number"):
        found = _numbers(schema, kind == "integer")
    elif kind == "boolean":
        found = st.booleans()
    elif kind == "null":
        found = st.none()
    elif kind == "array":
        items = schema.get("items", {})
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 4), low + 4)
        element = valid_ish(items, anything)
        unique = {"unique_by": _canonical} if schema.get("uniqueItems") else {}
        found = st.lists(element, min_size=low, max_size=high, **unique)
    elif kind == "object":
        found = _objects(schema, anything)
    else:
        return anything
    return st.one_of(found, st.none()) if schema.get("nullable") else found


def _canonical(value: Any) -> str:
    return json.dumps(typed(value), sort_keys=True)


def _objects(schema: dict, anything: st.SearchStrategy[Any]) -> st.SearchStrategy[dict]:
    properties = schema.get("properties", {})
    required = [n for n in schema.get("required", []) if isinstance(n, str)]
    fixed = {n: valid_ish(properties.get(n, {}), anything) for n in required}
    optional = {n: valid_ish(s, anything) for n, s in properties.items() if n not in fixed}
    base = st.fixed_dictionaries(fixed, optional=optional)
    additional = schema.get("additionalProperties", True)
    if additional is False:
        return base
    more = valid_ish(additional if isinstance(additional, dict) else {}, anything)
    extras = st.dictionaries(st.text(max_size=3), more, max_size=2)
    return st.builds(lambda b, e: {**e, **b}, base, extras)


def _paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def _replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    _at(value, path[:-1])[path[-1]] = new
    return value


@st.composite
def mutated(
    draw: st.DrawFn, base: st.SearchStrategy[Any], anything: st.SearchStrategy[Any], keys: Any
) -> Any:
    """A value of `base` with one to three small changes: a node replaced, a key dropped or
    added, an element repeated, a string or a number nudged."""
    value = copy.deepcopy(draw(base))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(value))))
        node = _at(value, path)
        change = draw(st.integers(0, 5))
        if change == 0:
            value = _replaced(value, path, draw(anything))
        elif isinstance(node, dict) and change in (1, 2) and node:
            del node[draw(st.sampled_from(sorted(node)))]
        elif isinstance(node, dict):
            node[draw(keys)] = draw(anything)
        elif isinstance(node, list) and node:
            if change in (1, 2):
                node.append(copy.deepcopy(draw(st.sampled_from(node))))
            else:
                node.pop(draw(st.integers(0, len(node) - 1)))
        elif isinstance(node, str):
            nudge = draw(st.sampled_from([node + "\n", " " + node, "", node.upper(), node * 2]))
            value = _replaced(value, path, nudge)
        elif isinstance(node, bool) or node is None:
            value = _replaced(value, path, draw(st.sampled_from([0, 1, "true", not node])))
        elif isinstance(node, int | float):
            nudge = draw(
                st.sampled_from([node + 1, node - 1, float(node), -node, str(node), bool(node)])
            )
            value = _replaced(value, path, nudge)
    return value


def values_for(schema: dict, examples: Sequence[Any] = ()) -> st.SearchStrategy[Any]:
    names, extra = _constants(schema)
    anything = json_values(names, extra)
    keys = st.one_of(st.sampled_from(names), st.text(max_size=3)) if names else st.text(max_size=3)
    shaped = valid_ish(schema, anything)
    seeds = st.one_of(shaped, st.sampled_from(examples)) if examples else shaped
    return st.one_of(
        shaped,
        mutated(seeds, anything, keys),
        anything,
        *([st.sampled_from(examples).map(copy.deepcopy)] if examples else []),
    )


# --- the specs' request schemas ------------------------------------------------------------

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def _spec_schemas() -> dict[str, tuple[dict, list[Any]]]:
    """Each distinct request schema of the specs, as connexion resolves them: id -> (schema,
    the spec's examples of it)."""
    found: dict[str, tuple[dict, list[Any]]] = {}
    seen: dict[str, str] = {}

    def add(name: str, schema: dict, examples: list[Any]) -> None:
        key = json.dumps(schema, sort_keys=True)
        if key in seen:
            found[seen[key]][1].extend(examples)
            return
        seen[key] = name
        found[name] = (schema, list(examples))

    for spec_name in ("reflex", "orchestrator", "arm"):
        spec = load_spec(SPECS / f"{spec_name}.yaml")
        for template, item in spec["paths"].items():
            for method, operation in item.items():
                if method not in HTTP_METHODS:
                    continue
                for param in [*item.get("parameters", []), *operation.get("parameters", [])]:
                    schema = param.get("schema", {})
                    examples = [param["example"]] if "example" in param else []
                    add(f"{spec_name} {param['in']} {param['name']}", schema, examples)
                body = operation.get("requestBody", {})
                for media, content in body.get("content", {}).items():
                    examples = [e["value"] for e in content.get("examples", {}).values()]
                    examples += [content["example"]] if "example" in content else []
                    add(
                        f"{spec_name} {method.upper()} {template} {media}",
                        content["schema"],
                        examples,
                    )
    return found


SPEC_SCHEMAS = _spec_schemas()
BODY_EXAMPLES = [
    pytest.param(name, example, id=f"{name} #{n}")
    for name, (_, examples) in SPEC_SCHEMAS.items()
    for n, example in enumerate(examples)
]

# --- hand-written schemas, a keyword or a few at a time ----------------------------------------

STR, INT, NUM, BOOL = ({"type": t} for t in ("string", "integer", "number", "boolean"))
KEY_PATTERN = "^[A-Za-z0-9._:-]+$"

HAND_WRITTEN: dict[str, dict[str, dict]] = {
    "type": {
        "integer": INT,
        "number": NUM,
        "string": STR,
        "boolean": BOOL,
        "null": {"type": "null"},
        "object": {"type": "object"},
        "array": {"type": "array"},
        "type list": {"type": ["string", "null"]},
        "type list of numbers": {"type": ["integer", "boolean"]},
        "nullable": {"type": "string", "nullable": True},
        "x-nullable": {"type": "integer", "x-nullable": True},
        "x-nullable not true": {"type": "integer", "x-nullable": "yes"},
        "nullable false": {"type": "object", "nullable": False},
    },
    "enum": {
        "enum of strings": {"enum": ["low", "medium", "high"]},
        "enum typed": {"type": "string", "enum": ["a", "b"]},
        "enum mixed": {"enum": ["1", 1, 2.5, True, None, 0]},
        "enum of numbers": {"enum": [1, 2.0, False]},
        "enum nullable": {"type": "string", "enum": ["a", "b"], "nullable": True},
        "enum mixed nullable": {"enum": [1, "x"], "nullable": True},
    },
    "strings": {
        "lengths": {"type": "string", "minLength": 2, "maxLength": 4},
        "lengths untyped": {"minLength": 1, "maxLength": 2},
        "pattern anchored": {"type": "string", "pattern": KEY_PATTERN},
        "pattern dollar": {"pattern": "^[a-z]+$"},
        "pattern not blank": {"type": "string", "pattern": "\\S"},
        "pattern whitespace": {"type": "string", "pattern": "^\\s*$"},
        "pattern printable": {"type": "string", "minLength": 1, "pattern": "^[\\x21-\\x7E]+$"},
        "format uuid": {"type": "string", "format": "uuid"},
        "format uuid untyped": {"format": "uuid"},
        "format ipv4": {"type": "string", "format": "ipv4"},
        "format unknown": {"type": "string", "format": "no-such-format"},
    },
    "numbers": {
        "minimum maximum": {"type": "number", "minimum": 0, "maximum": 100},
        "exclusive": {
            "type": "integer",
            "minimum": 1,
            "exclusiveMinimum": True,
            "maximum": 10,
            "exclusiveMaximum": True,
        },
        "exclusive false": {"minimum": 0.5, "exclusiveMinimum": False, "maximum": 3},
        "exclusive alone": {"exclusiveMinimum": True, "exclusiveMaximum": True},
        "float bounds": {
            "type": "number",
            "minimum": -1.5,
            "maximum": 2.5,
            "exclusiveMaximum": True,
        },
    },
    "arrays": {
        "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": INT},
        "items untyped": {"minItems": 2, "items": {"type": "string", "maxLength": 2}},
        "unique strings": {"type": "array", "uniqueItems": True, "items": STR},
        "unique anything": {"type": "array", "uniqueItems": True},
        "unique false": {"uniqueItems": False, "maxItems": 2},
        "nested arrays": {"type": "array", "items": {"type": "array", "items": NUM, "maxItems": 2}},
    },
    "objects": {
        "properties count": {"type": "object", "minProperties": 1, "maxProperties": 2},
        "required": {"required": ["a", "b"]},
        "closed": {
            "type": "object",
            "properties": {"a": INT, "b": {"type": "string", "pattern": KEY_PATTERN}},
            "additionalProperties": False,
        },
        "additional schema": {
            "type": "object",
            "properties": {"a": INT},
            "additionalProperties": {"type": "string", "minLength": 1},
        },
        "additional true": {"properties": {"a": BOOL}, "additionalProperties": True},
        "additional without properties": {"type": "object", "additionalProperties": False},
        "annotations": {
            "type": "object",
            "title": "t",
            "description": "d",
            "example": {"a": 1},
            "readOnly": True,
            "writeOnly": True,
            "x-anything": {"type": "integer"},
            "properties": {"a": {"description": "any", "nullable": True}},
        },
    },
    "allOf": {
        "allOf": {
            "allOf": [
                {"type": "object", "required": ["a"]},
                {"properties": {"a": {"type": "string", "maxLength": 3}}},
            ]
        },
        "allOf enum": {"allOf": [STR, {"enum": ["low", "high"]}], "default": "low"},
    },
    "defaults": {
        "defaults nested": {
            "type": "object",
            "properties": {
                "a": {"type": "integer", "minimum": 0, "default": 1},
                "b": {
                    "type": "object",
                    "default": {},
                    "additionalProperties": False,
                    "properties": {
                        "c": {"type": "string", "default": "x"},
                        "d": {
                            "type": "array",
                            "default": [],
                            "maxItems": 2,
                            "items": {"type": "object", "properties": {"e": {**INT, "default": 5}}},
                        },
                    },
                },
                "n": {"type": "number", "default": 1.0},
                "f": {"type": "boolean", "default": False},
            },
            "required": ["z"],
            "maxProperties": 5,
            "additionalProperties": {"type": "object", "properties": {"g": {"default": [1]}}},
        },
        "defaults invalid": {
            "type": "object",
            "properties": {
                "bad": {"type": "integer", "default": "x"},
                "ok": {**STR, "default": ""},
            },
        },
        "defaults after safe keywords": {
            "type": "object",
            "required": ["a"],
            "additionalProperties": False,
            "minLength": 3,
            "properties": {"a": STR, "b": {**INT, "default": 2}, "c": {"default": None}},
            "minProperties": 3,
        },
        "defaults in allOf": {
            "type": "object",
            "allOf": [
                {"properties": {"a": {**INT, "default": 1}}},
                {"properties": {"b": {**STR, "default": "b"}}, "required": ["b"]},
            ],
            "maxProperties": 3,
        },
        "defaults of items": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "required": ["k"],
                "properties": {"k": STR, "v": {**INT, "default": 0}},
                "additionalProperties": False,
            },
        },
    },
}


def _run(schemas: dict[str, tuple[dict, list[Any]]], examples: int) -> dict[str, Counter]:
    """Each example draws a value for each of `schemas` (name -> (schema, its examples)) and
    compares it on that schema and on the next one; the counts of `compare` by schema."""
    names = list(schemas)
    seen: dict[str, Counter] = {name: Counter() for name in names}
    values = st.tuples(*(values_for(*schemas[name]) for name in names))

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(values)
    def run(drawn: tuple) -> None:
        for index, value in enumerate(drawn):
            name = names[index]
            seen[name].update(compare(schemas[name][0], value))
            other = names[(index + 1) % len(names)]
            if other != name:
                seen[other].update(compare(schemas[other][0], value))

    run()
    return seen


SPEC_PARAMETERS = {n: s for n, (s, _) in SPEC_SCHEMAS.items() if "application/json" not in n}
SPEC_GROUPS = {
    "parameters": sorted(SPEC_PARAMETERS),
    **{n: [n] for n in SPEC_SCHEMAS if n not in SPEC_PARAMETERS},
}


@pytest.mark.parametrize("group", list(SPEC_GROUPS))
def test_spec_schemas_compile_and_agree_with_jsonschema(group: str) -> None:
    """Sound on every request schema of the specs, and complete: each value jsonschema finds
    valid passes the compiled check (the fast path is the path, for octollm's own schemas)."""
    schemas = {name: SPEC_SCHEMAS[name][0] for name in SPEC_GROUPS[group]}
    for name, schema in schemas.items():
        assert compile_check(schema) is not None, name
        assert compile_check(schema, fill=True) is not None, name
    seen = _run(
        {name: SPEC_SCHEMAS[name] for name in schemas}, examples=60 if len(schemas) > 1 else 80
    )
    for name, counts in seen.items():
        assert counts["valid"] >= 2 and counts["valid_fill"] >= 2, (name, counts)
        assert counts["fast"] == counts["valid"], (name, counts)
        assert counts["fast_fill"] == counts["valid_fill"], (name, counts)


@pytest.mark.parametrize("group", list(HAND_WRITTEN))
def test_hand_written_schemas_agree_with_jsonschema(group: str) -> None:
    schemas = HAND_WRITTEN[group]
    for name, schema in schemas.items():
        assert compile_check(schema) is not None, name
        assert compile_check(schema, fill=True) is not None, name
    seen = _run({name: (schema, []) for name, schema in schemas.items()}, examples=25)
    for name, counts in seen.items():
        assert counts["fast"] <= counts["valid"], (name, counts)
        assert counts["valid"] + counts["valid_fill"] > 0, (name, counts)  # valid ones reached


@pytest.mark.parametrize(("name", "example"), BODY_EXAMPLES)
def test_spec_examples_take_the_fast_path(name: str, example: Any) -> None:
    schema, _ = SPEC_SCHEMAS[name]
    for fill in (False, True):
        filled, expected = copy.deepcopy(example), copy.deepcopy(example)
        assert compile_check(schema, fill)(filled) is True
        assert jsonschema_alone(schema, expected, fill) is None
        assert typed(filled) == typed(expected)


def test_the_spec_examples_are_there() -> None:
    """The fast path test above has something to check: each JSON body has examples."""
    bodies = [n for n in SPEC_SCHEMAS if "application/json" in n]
    assert len(bodies) == 4, bodies
    assert all(SPEC_SCHEMAS[n][1] for n in bodies), bodies


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"pattern": "^[a-z]+$"}, "abc\n"),  # Python's `$` matches before a final newline
        ({"pattern": KEY_PATTERN}, "key\n"),
        ({"pattern": "^\\s+$"}, "\x1c"),  # Python's \s takes in \x1c-\x1f, \x85
        ({"pattern": "^\\s+$"}, "\x85"),
        ({"format": "uuid"}, UUID + "\n"),
        ({"type": "integer"}, 1.0),
        ({"type": "integer"}, True),
        ({"type": "number"}, False),
        ({"enum": [1]}, True),
        ({"enum": [0]}, False),
        ({"enum": [True]}, 1),
        ({"enum": ["a"], "x-nullable": "yes"}, None),
        ({"type": "object", "maxProperties": 0}, {"a": None}),
        ({"type": "array", "uniqueItems": True, "items": STR}, ["a", "a"]),
        ({"minimum": 1, "exclusiveMinimum": True}, 1),
        ({"maximum": 1.5, "exclusiveMaximum": True}, 1.5),
        ({"additionalProperties": False}, {"a": 1}),
        ({"additionalProperties": {"type": "string"}, "properties": {"a": INT}}, {"a": 1, "b": 2}),
    ],
)
def test_refusals_that_python_would_accept(schema: dict, value: Any) -> None:
    assert jsonschema_alone(schema, copy.deepcopy(value)) is not None
    assert compile_check(schema)(copy.deepcopy(value)) is False


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"pattern": "^\\s+$"}, "\ufeff"),  # ECMA's \s takes in U+FEFF, Python's does not
        ({"format": "no-such-format"}, "anything"),  # unknown to the checker: no constraint
        ({"enum": ["a"], "nullable": True}, None),
        ({"type": "integer", "x-nullable": True}, None),
        ({"minimum": 1}, "0"),
        ({"type": ["integer", "null"]}, None),
    ],
)
def test_acceptances(schema: dict, value: Any) -> None:
    assert jsonschema_alone(schema, copy.deepcopy(value)) is None
    assert compile_check(schema)(copy.deepcopy(value)) is True


# --- what is left to jsonschema --------------------------------------------------------------

DEFINITIONS = {"definitions": {"small": {"type": "integer", "maximum": 3}}}
UNSUPPORTED: dict[str, tuple[dict, list[Any]]] = {
    "anyOf": ({"anyOf": [STR, INT]}, ["a", 1, 1.5, None]),
    "oneOf": ({"oneOf": [NUM, INT]}, [1, 1.5, "a"]),
    "not": ({"not": STR}, ["a", 1]),
    "$ref": (
        {**DEFINITIONS, "properties": {"a": {"$ref": "#/definitions/small"}}},
        [{"a": 1}, {"a": 4}, {"a": "x"}, {}],
    ),
    "multipleOf": ({"type": "number", "multipleOf": 0.5}, [1.5, 1.25, "a"]),
    "patternProperties": (
        {"patternProperties": {"^x-": STR}, "additionalProperties": False},
        [{"x-a": "s"}, {"x-a": 1}, {"y": 1}],
    ),
    "tuple items": ({"items": [STR, INT]}, [["a", 1], [1, "a"], ["a"]]),
    "dependencies": ({"dependencies": {"a": ["b"]}}, [{"a": 1}, {"a": 1, "b": 2}, {}]),
    "nested anyOf": (
        {"type": "object", "properties": {"a": {"anyOf": [STR, {"type": "null"}]}}},
        [{"a": None}, {"a": 1}],
    ),
}


@pytest.mark.parametrize("name", list(UNSUPPORTED))
def test_unsupported_keywords_are_left_to_jsonschema(name: str) -> None:
    schema, values = UNSUPPORTED[name]
    assert compile_check(schema) is None
    assert compile_check(schema, fill=True) is None
    outcomes = set()
    for value in values:
        for fill in (False, True):
            expected = jsonschema_alone(schema, copy.deepcopy(value), fill)
            assert checked(schema, copy.deepcopy(value), fill) == expected
            outcomes.add(expected is None)
    assert outcomes == {True, False}  # some values valid, some not: both ways checked


REQUIRED_FIRST = {
    "type": "object",
    "required": ["a"],
    "properties": {"a": {**INT, "default": 1}, "b": STR},
}


@pytest.mark.parametrize(
    "schema",
    [
        REQUIRED_FIRST,
        {"maxProperties": 1, "properties": {"a": {"default": 1}}},
        {"enum": [{}], "properties": {"a": {"default": 1}}},
        {"allOf": [{"required": ["a"]}], "properties": {"a": {"default": 1}}},
        {"type": "array", "uniqueItems": True, "items": {"properties": {"a": {"default": 1}}}},
        {"uniqueItems": True},
    ],
    ids=["required", "maxProperties", "enum", "allOf", "uniqueItems of objects", "uniqueItems"],
)
def test_keywords_that_see_keys_before_defaults_are_filled_see_what_jsonschema_sees(
    schema: dict,
) -> None:
    """jsonschema fills a default when it reaches `properties`: a keyword before it that looks
    at the keys sees them unfilled. The compiled check takes the keywords in the same order; when
    it stops early, jsonschema starts again from the value as it came."""
    assert compile_check(schema, fill=True) is not None
    outcomes = set()
    for value in ({}, {"a": 1}, {"a": 2, "b": "x"}, [{}, {}], [{"a": 1}, {}], ["x", "x"]):
        expected_value = copy.deepcopy(value)
        expected = jsonschema_alone(schema, expected_value, fill=True)
        error, passed = validated(schema, value, fill=True)
        assert error == expected, value
        if expected is None:
            assert typed(passed) == typed(expected_value), value
        outcomes.add(expected is None)
    assert outcomes == {True, False}


def test_a_required_default_before_properties_is_still_required() -> None:
    """jsonschema reads `required` before `properties` fills `a`: `{}` is refused."""
    error = checked(REQUIRED_FIRST, {}, fill=True)
    assert error == ("VALIDATION_ERROR", "a: this field is required", {
        "field": "a", "constraint": "required"})  # fmt: skip
    body: dict = {"a": 2}
    assert checked(REQUIRED_FIRST, body, fill=True) is None


def test_a_required_default_after_properties_is_filled_first() -> None:
    schema = {"type": "object", "properties": {"a": {**INT, "default": 1}}, "required": ["a"]}
    quick = compile_check(schema, fill=True)
    body: dict = {}
    assert quick is not None and quick(body) is True
    assert body == {"a": 1}


def test_filled_defaults_are_fresh_copies() -> None:
    schema = {"properties": {"a": {"default": {"b": [1]}}}}
    quick = compile_check(schema, fill=True)
    first: dict = {}
    second: dict = {}
    assert quick(first) and quick(second)
    first["a"]["b"].append(2)
    assert second == {"a": {"b": [1]}}
    assert schema["properties"]["a"]["default"] == {"b": [1]}


def test_without_defaults_nothing_is_filled() -> None:
    schema = SPEC_SCHEMAS["orchestrator POST /tasks application/json"][0]
    body = {"goal": "g"}
    assert compile_check(schema)(body) is True
    assert body == {"goal": "g"}


# --- unsoundness found -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"enum": [[1, "a"]]}, [True, "a"]),
        ({"enum": [{"a": 0}]}, {"a": False}),
        ({"enum": ["x", [[True]]]}, [[1]]),
    ],
)
def test_enum_of_arrays_and_objects_tells_booleans_from_numbers(schema: dict, value: Any) -> None:
    assert jsonschema_alone(schema, copy.deepcopy(value)) is not None
    assert compile_check(schema)(copy.deepcopy(value)) is False


# With defaults, the compiled check fills as it goes and stops at the first failure; jsonschema
# then validates the partly filled body from the start. `_fill_is_safe` guards the keywords
# before `properties` in the same schema, but a default can also be filled by an `allOf` member
# (after keywords of the enclosing schema that read the keys) or below a keyword of an
# enclosing schema that reads the whole value (`enum`): those keywords then see keys that
# jsonschema alone would have filled only after them.
FILL_ORDER_CASES = {
    # 400 with a different error: `b` (filled by allOf) reported as unknown, not `zzz` missing.
    "allOf default seen by additionalProperties, other error": (
        {
            "type": "object",
            "properties": {"a": {}},
            "additionalProperties": False,
            "allOf": [{"properties": {"b": {"default": 1}}}],
            "required": ["zzz"],
        },
        {"a": 1},
    ),
    # A valid body refused: the compiled enum takes 1.0 for not 1 (jsonschema: equal), so
    # jsonschema is asked, and sees `b`, filled by allOf, as an unknown field.
    "allOf default seen by additionalProperties, valid body": (
        {
            "additionalProperties": False,
            "allOf": [{"properties": {"b": {"default": 1}}}],
            "properties": {"a": {"enum": [1, "x"]}},
        },
        {"a": 1.0},
    ),
    "allOf default seen by maxProperties": (
        {
            "maxProperties": 1,
            "allOf": [{"properties": {"b": {"default": 1}}}],
            "required": ["zzz"],
        },
        {"a": 1},
    ),
    # An enclosing enum sees a nested default filled.
    "nested default seen by an enclosing enum": (
        {
            "enum": [{"a": {}}],
            "properties": {"a": {"type": "object", "properties": {"b": {"default": 1}}}},
            "required": ["zzz"],
        },
        {"a": {}},
    ),
}


@pytest.mark.parametrize("name", list(FILL_ORDER_CASES))
def test_partly_filled_bodies_fail_as_before(name: str) -> None:
    schema, value = FILL_ORDER_CASES[name]
    expected = jsonschema_alone(schema, copy.deepcopy(value), fill=True)
    assert checked(schema, copy.deepcopy(value), fill=True) == expected


def test_the_fill_order_cases_are_compiled() -> None:
    """The cases above reach the compiled check (None would leave them to jsonschema)."""
    for schema, _ in FILL_ORDER_CASES.values():
        assert compile_check(schema, fill=True) is not None
