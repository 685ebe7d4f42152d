"""Request validation against the spec, failing as `ApiError`s that name the field and the rule.

Plugged into connexion through its public `validator_map`. Validators are compiled once per
schema and reused; JSON defaults from the spec are filled into the body the handler receives.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import jsonschema
import regress
from connexion.json_schema import Draft4RequestValidator
from connexion.validators import VALIDATOR_MAP, AbstractRequestBodyValidator, ParameterValidator
from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError, best_match
from starlette.requests import Request
from starlette.types import Receive, Scope

from octollm.errors import ApiError
from octollm.http import quick_schema
from octollm.http.handler_call import BODY_KEY, resolved_query

_ASCII_BASED = frozenset({"utf-8", "utf8", "ascii", "us-ascii", "latin-1", "iso-8859-1"})
PREVIEW_CHARS = 40
FIELD_CHARS = 128
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

FORMAT_CHECKER = copy.deepcopy(Draft4Validator.FORMAT_CHECKER)


@FORMAT_CHECKER.checks("uuid")
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID.fullmatch(value))  # not before a final \n


@functools.cache
def _ecma_regex(pattern: str) -> regress.Regex:
    return regress.Regex(pattern)


def _ecma_pattern(validator, pattern, instance, schema):  # type: ignore[no-untyped-def]
    """`pattern` as JSON Schema defines it: an ECMA-262 regular expression, not a Python one.

    Python's `re` reads some patterns differently: its `$` also matches before a final newline
    (a key `abc\\n` would pass `^[A-Za-z0-9._:-]+$`), and its `\\s` takes in \\x1c-\\x1f and
    \\x85 but not U+FEFF.
    """
    if validator.is_type(instance, "string") and _ecma_regex(pattern).find(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_SpecValidator = jsonschema.validators.extend(Draft4RequestValidator, {"pattern": _ecma_pattern})


def _with_defaults(validator_class: type) -> type:
    """A validator class that fills in each missing property's `default` (a fresh copy)."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def properties(validator, props, instance, schema):  # type: ignore[no-untyped-def]
        if isinstance(instance, dict):
            for name, subschema in props.items():
                if "default" in subschema and name not in instance:
                    instance[name] = copy.deepcopy(subschema["default"])
        yield from validate_properties(validator, props, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": properties})


_DefaultsValidator = _with_defaults(_SpecValidator)
_KEYWORDS = frozenset(_SpecValidator.VALIDATORS)
_compiled: dict[int, tuple[dict, Any, quick_schema.Check | None]] = {}


def _ecma_matcher(pattern: str) -> Callable[[str], bool]:
    find = _ecma_regex(pattern).find
    return lambda text: find(text) is not None


def quick_check(schema: dict, *, fill_defaults: bool = False) -> quick_schema.Check | None:
    """The compiled check of `schema`, read as the spec's validator class reads it."""
    return quick_schema.compile_check(
        schema,
        keywords=_KEYWORDS,
        formats=FORMAT_CHECKER,
        pattern=_ecma_matcher,
        fill_defaults=fill_defaults,
    )


def _validators(schema: dict, fill_defaults: bool) -> tuple[dict, Any, quick_schema.Check | None]:
    """(schema, jsonschema validator, compiled check) for `schema`, built once (schemas live
    as long as the app)."""
    key = id(schema) * 2 + fill_defaults
    hit = _compiled.get(key)
    if hit is None or hit[0] is not schema:
        cls = _DefaultsValidator if fill_defaults else _SpecValidator
        quick = quick_check(schema, fill_defaults=fill_defaults)
        hit = (schema, cls(schema, format_checker=FORMAT_CHECKER), quick)
        _compiled[key] = hit
    return hit


def compiled(schema: dict, *, fill_defaults: bool = False) -> Any:
    """The jsonschema validator for `schema`, built once."""
    return _validators(schema, fill_defaults)[1]


# --- turning a jsonschema error into a readable ApiError -------------------------------------


def preview(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 3] + "..."


def _join(prefix: str, path: Iterable[Any]) -> str:
    field = prefix
    for part in path:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field = f"{field}.{part}" if field else str(part)
    return field


_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def _type_name(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _describe(error: ValidationError) -> tuple[str, str | None]:
    """(message, key) for an error; key is the missing or unknown property, if any."""
    rule, limit, value, schema = (
        error.validator,
        error.validator_value,
        error.instance,
        error.schema,
    )
    custom = schema.get("x-error-message") if isinstance(schema, dict) else None
    if rule == "required":
        # The first name missing; jsonschema may have filled a default for it since (when
        # `required` comes before `properties`), so then the first required name.
        missing = next((k for k in limit if k not in value), limit[0])
        return "this field is required", missing
    if rule == "additionalProperties":
        known = set(schema.get("properties", {}))
        unknown = sorted(k for k in value if k not in known)[0]
        hint = difflib.get_close_matches(unknown, sorted(known), n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        allowed = ", ".join(sorted(known)) or "none"
        return f"unknown field (allowed: {allowed}){suggestion}", unknown
    if custom:
        return custom, None
    messages = {
        "type": lambda: (
            f"expected {limit if isinstance(limit, str) else ' or '.join(limit)}, "
            f"got {_type_name(value)} {preview(value)}"
        ),
        "maximum": lambda: f"{preview(value)} is greater than the maximum of {limit}",
        "minimum": lambda: f"{preview(value)} is less than the minimum of {limit}",
        "maxLength": lambda: f"must be at most {_plural(limit, 'character')} (got {len(value)})",
        "minLength": lambda: (
            "must not be empty"
            if limit == 1
            else f"must be at least {_plural(limit, 'character')} (got {len(value)})"
        ),
        "pattern": lambda: f"{preview(value)} does not match the pattern {limit}",
        "enum": lambda: f"{preview(value)} is not one of " + ", ".join(map(preview, limit)),
        "format": lambda: f"{preview(value)} is not a valid {limit}",
        "maxItems": lambda: f"must have at most {_plural(limit, 'item')} (got {len(value)})",
        "minItems": lambda: f"must have at least {_plural(limit, 'item')} (got {len(value)})",
        "maxProperties": lambda: f"must have at most {_plural(limit, 'key')} (got {len(value)})",
        "minProperties": lambda: f"must have at least {_plural(limit, 'key')} (got {len(value)})",
        "multipleOf": lambda: f"{preview(value)} is not a multiple of {limit}",
        "uniqueItems": lambda: "items must be unique",
    }
    describe = messages.get(rule)
    if describe is not None:
        try:
            return describe(), None
        except TypeError:
            pass
    return error.message[:200], None


def to_api_error(error: ValidationError, prefix: str = "") -> ApiError:
    message, key = _describe(error)
    field = _join(prefix, [*error.absolute_path, *([key] if key else [])]) or "body"
    if len(field) > FIELD_CHARS:  # a field path echoes the client's keys: keep it bounded
        field = field[: FIELD_CHARS - 3] + "..."
    return ApiError(
        "VALIDATION_ERROR",
        f"{field}: {message}",
        {"field": field, "constraint": str(error.validator)},
    )


def check(schema: dict, instance: Any, prefix: str = "") -> None:
    """Validate `instance`, raising the most relevant failure as an ApiError: the compiled check
    says "valid" fast, and anything else is jsonschema's to find and describe (a body whose
    defaults are to be filled in: `validated_body`)."""
    _, validator, quick = _validators(schema, False)
    if quick is not None and quick(instance):
        return
    _raise_best(validator, instance, prefix)


def validated_body(schema: dict, decode: Callable[[], Any]) -> Any:
    """The value `decode()` gives, filled with the schema's defaults and validated (an ApiError
    if it is not valid). The compiled check fills as it checks and may stop half way on an
    invalid value: jsonschema then starts from a fresh `decode()`, as if it had been alone."""
    instance = decode()
    _, validator, quick = _validators(schema, True)
    if quick is not None:
        if quick(instance):
            return instance
        instance = decode()
    _raise_best(validator, instance, "")
    return instance


def _raise_best(validator: Any, instance: Any, prefix: str) -> None:
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise to_api_error(error, prefix)


# --- the validators connexion calls ---------------------------------------------------------


class SpecParameterValidator(ParameterValidator):
    """Path, query, header and cookie parameters, with the parameter's name as the field.

    Read straight from the ASGI scope: path strings as routed (percent-decoded), the query as
    connexion's URI parser resolves it (once per request: the handler call reads it too).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_query = [p["name"] for p in self.parameters.get("query", [])]
        self.allowed_query = {*self.known_query, *(self.security_query_params or [])}
        self.plan = [  # (location, name, routed name, as routed, required, schema)
            (
                location,
                p["name"],
                p["name"].replace("-", "_"),
                p.get("schema", {}).get("type", "string") == "string",
                bool(p.get("required")),
                p.get("schema", {}),
            )
            for location in ("path", "query", "header", "cookie")
            for p in self.parameters.get(location, ())
        ]

    def validate(self, scope: Scope) -> None:
        query = resolved_query(scope, self.uri_parser) if scope.get("query_string") else {}
        if self.strict_validation and query:
            for name in sorted(set(query) - self.allowed_query):
                known = ", ".join(self.known_query) or "none"
                raise ApiError(
                    "VALIDATION_ERROR",
                    f"{name}: unknown query parameter (allowed: {known})",
                    {"field": name, "constraint": "additionalProperties"},
                )
        request = None  # built only for headers and cookies
        for location, name, routed, as_routed, required, schema in self.plan:
            if location == "path":
                matched = scope.get("path_params", {})
                if as_routed:  # a string: what connexion's URI parser would give, without it
                    value = matched.get(routed)
                else:  # coerced to the schema's type
                    value = self.uri_parser.resolve_path(matched).get(routed)
            elif location == "query":
                value = query.get(name)
            else:
                request = request or Request(scope)
                value = (request.headers if location == "header" else request.cookies).get(name)
            if value is None:
                if required:
                    raise ApiError(
                        "VALIDATION_ERROR",
                        f"{name}: this {location} parameter is required",
                        {"field": name, "constraint": "required"},
                    )
                continue
            check(schema, value, name)


class SpecJSONBodyValidator(AbstractRequestBodyValidator):
    """A JSON body: parsed, filled with the spec's defaults, validated, and passed on to the
    handler call in the scope."""

    MUTABLE_VALIDATION = True

    def __init__(self, *, max_json_depth: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_json_depth = max_json_depth

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        chunks = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ApiError(
                    "VALIDATION_ERROR", "The client disconnected before sending the body"
                )
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        body = validated_body(self._schema, lambda: self._decode(raw))
        if b"\\u" in raw or self._encoding.lower() not in _ASCII_BASED:
            _encode(body)  # a `\\ud800` escape decodes to text no UTF-8 can hold: refused
        # The handler call (octollm.http.handler_call) takes the body from here; what was
        # received is consumed.
        return receive, {**scope, BODY_KEY: body}

    def _decode(self, raw: bytes) -> Any:
        return decode_json(raw, max_depth=self.max_json_depth, encoding=self._encoding)


def decode_json(raw: bytes, *, max_depth: int, encoding: str = "utf-8") -> Any:
    """A JSON request body, or the 400 `ApiError` saying why not: empty, not JSON, or hostile
    (duplicate keys, numbers beyond a double, NaN/Infinity, nested deeper than `max_depth`)."""
    if not raw.strip():
        raise ApiError(
            "VALIDATION_ERROR",
            "The request body is empty; send a JSON object",
            {"field": "body", "constraint": "required"},
        )
    try:
        body = json.loads(
            raw.decode(encoding),
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except RecursionError:  # deeper than Python's parser goes
        raise _too_deep(max_depth) from None
    except UnicodeDecodeError as exc:
        reason = f"it is not valid {encoding} (byte {exc.start})"
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    except BodyProblem as exc:
        raise ApiError(
            "VALIDATION_ERROR",
            f"The request body is refused: {exc}",
            {"field": "body", "constraint": exc.constraint},
        ) from None
    except ValueError as exc:
        reason = str(exc)
    except LookupError:  # a charset no codec reads: the media type is not one served (RFC 9110)
        raise ApiError(
            "UNSUPPORTED_MEDIA_TYPE",
            f"The request body's charset {encoding!r} is not one this service reads; "
            "send the body as UTF-8 JSON",
            {"field": "Content-Type", "constraint": "charset"},
        ) from None
    else:
        # Counting brackets is cheap; only a body that may be too deep is walked.
        limit = max_depth
        brackets = raw.count(b"[") + raw.count(b"{")
        if brackets > limit and _deeper_than(body, limit):
            raise _too_deep(limit)
        return body
    raise ApiError(
        "VALIDATION_ERROR",
        f"The request body is not valid JSON: {reason}",
        {"field": "body", "constraint": "json"},
    )


def _encode(body: Any) -> bytes:
    """UTF-8 JSON; JSON's `\\ud800` escapes can carry text that no UTF-8 can hold."""
    try:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ApiError(
            "VALIDATION_ERROR",
            "The request body is not valid Unicode: it contains an unpaired surrogate "
            f"({exc.object[exc.start : exc.end]!a})",
            {"field": "body", "constraint": "unicode"},
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# Hostile JSON: what a parser accepts but an API should not.


def _too_deep(limit: int) -> ApiError:
    return ApiError(
        "VALIDATION_ERROR",
        f"The request body is refused: JSON nested deeper than {limit} levels",
        {"field": "body", "constraint": "max_depth", "limit": limit},
    )


class BodyProblem(ValueError):
    def __init__(self, message: str, constraint: str) -> None:
        super().__init__(message)
        self.constraint = constraint


def _finite_float(text: str) -> float:
    """A number too large for a double would come back as `Infinity`: not JSON."""
    value = float(text)
    if math.isinf(value):
        shown = text if len(text) <= 24 else text[:21] + "..."
        raise BodyProblem(f"the number {shown} is out of range", "number_range")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Duplicate keys mean different things to different parsers: refused, not guessed."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise BodyProblem(f"the key {preview(duplicate)} appears twice in an object", "unique_keys")
    return result


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def validators(*, max_json_depth: int) -> dict[str, Any]:
    """connexion's `validator_map`: JSON bodies nested deeper than `max_json_depth` are refused
    (the body object itself is level 1)."""
    if max_json_depth < 1:
        raise ValueError(f"OCTOLLM_MAX_JSON_DEPTH must be at least 1, not {max_json_depth}")
    body = functools.partial(SpecJSONBodyValidator, max_json_depth=max_json_depth)
    return {
        **VALIDATOR_MAP,
        "parameter": SpecParameterValidator,
        "body": VALIDATOR_MAP["body"].__class__({"*/*json": body}),
    }
