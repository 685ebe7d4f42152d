"""The project's rules for its specs, beyond OpenAPI validity. `octollm lint` runs them.

Each problem names the spec, the operation and the rule, so a failing CI run says exactly what
to fix. The rules:

- `openapi-valid`: the spec, and its bundle, validate as OpenAPI 3.0.
- `operation-id-unique`: no two operations share an operationId.
- `operation-documented`: summary, description and at least one tag.
- `examples-present`: an example for the request body and for the success response.
- `example-valid`: every example (request, response, parameter) validates against its schema.
- `errors-documented`: 400 and 500 are documented.
- `error-envelope`: every 4xx/5xx response is the shared `ErrorEnvelope`.
- `request-strict`: every object in a request body says `additionalProperties: false`, unless
  it says `x-tolerant-reader: true`: an object another service owns, whose unknown fields the
  receiver deliberately ignores (the Task an arm receives, in `arm.yaml`).
- `security-declared`: in a spec with security schemes, every operation declares its
  `security` (`[]` for an open one), and a secured operation documents 401 and 403.
- `handler-resolves`: the operationId names a handler whose arguments match the operation.
- `handler-used`: every handler is named by an operationId.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from connexion.spec import Specification
from jsonschema.exceptions import best_match
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from octollm.contract.bundle import bundle
from octollm.http.operation_middleware import argument_name
from octollm.http.validation import FORMAT_CHECKER

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
TOLERANT = "x-tolerant-reader"  # exempts a request object from `request-strict`, on purpose


@dataclass(frozen=True)
class Problem:
    spec: str
    operation: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.spec} {self.operation}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    resolved: dict[str, Any]  # every $ref resolved, for schemas and examples
    bundled: dict[str, Any]  # refs kept (local), to see what an operation refers to
    parameters: list[dict[str, Any]]  # path-level and operation-level, resolved

    @property
    def id(self) -> str:
        return self.resolved.get("operationId") or f"{self.method.upper()} {self.path}"


def operations(bundled: dict[str, Any]) -> list[Operation]:
    resolved = Specification.from_dict(copy.deepcopy(bundled)).spec
    found = []
    for path, item in resolved.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                found.append(
                    Operation(
                        path,
                        method,
                        item[method],
                        bundled["paths"][path][method],
                        [*item.get("parameters", []), *item[method].get("parameters", [])],
                    )
                )
    return found


def _examples(media: dict[str, Any]) -> list[tuple[str, Any]]:
    found = [(name, e["value"]) for name, e in media.get("examples", {}).items() if "value" in e]
    return [*found, ("example", media["example"])] if "example" in media else found


def _invalid(validator_class: Any, schema: dict[str, Any], value: Any) -> str | None:
    validator = validator_class(schema, format_checker=FORMAT_CHECKER)
    error = best_match(validator.iter_errors(value))
    if error is None:
        return None
    where = "/".join(map(str, error.absolute_path)) or "(root)"
    return f"{error.message[:150]} at {where}"


def _objects(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "object" and "properties" in schema:
        yield where, schema
    for name, sub in schema.get("properties", {}).items():
        yield from _objects(sub, f"{where}.{name}")
    for key in ("items", "allOf", "anyOf", "oneOf"):
        subs = schema.get(key, [])
        for sub in subs if isinstance(subs, list) else [subs]:
            yield from _objects(sub, where)


def _bundled_response(spec: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    ref = response.get("$ref", "")
    if ref.startswith("#/components/responses/"):
        return spec["components"]["responses"][ref.rsplit("/", 1)[1]]
    return response


def check_operation(op: Operation, bundled_spec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(rule, message) for each rule the operation breaks, handlers aside."""
    r = op.resolved
    for field in ("summary", "description", "tags"):
        if not r.get(field):
            yield "operation-documented", f"no {field}"
    body = r.get("requestBody", {}).get("content", {})
    for media_type, media in body.items():
        if not _examples(media):
            yield "examples-present", f"request body {media_type} has no example"
        for name, value in _examples(media):
            if problem := _invalid(Draft4RequestValidator, media.get("schema", {}), value):
                yield "example-valid", f"request example {name!r}: {problem}"
        for where, schema in _objects(media.get("schema", {}), "body"):
            if schema.get("additionalProperties") is not False and not schema.get(TOLERANT):
                yield "request-strict", f"{where} does not say additionalProperties: false"
    responses = r.get("responses", {})
    successes = [s for s in responses if str(s).startswith("2")]
    success_media = [m for s in successes for m in responses[s].get("content", {}).values()]
    if success_media and not any(_examples(m) for m in success_media):
        yield "examples-present", "no example for the success response"
    for status in ("400", "500"):
        if status not in responses:
            yield "errors-documented", f"{status} is not documented"
    if bundled_spec.get("components", {}).get("securitySchemes"):
        security = op.bundled.get("security", bundled_spec.get("security"))
        if security is None:
            yield "security-declared", "no security (say `security: []` for an open operation)"
        elif any(security):
            for status in ("401", "403"):
                if status not in responses:
                    yield "security-declared", f"secured, but {status} is not documented"
    for status, response in responses.items():
        for media_type, media in response.get("content", {}).items():
            if media_type != "application/json":
                continue
            for name, value in _examples(media):
                if problem := _invalid(Draft4ResponseValidator, media.get("schema", {}), value):
                    yield "example-valid", f"{status} example {name!r}: {problem}"
        if str(status)[0] in "45":
            raw = _bundled_response(bundled_spec, op.bundled["responses"][status])
            schema = raw.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") != ENVELOPE_REF:
                yield "error-envelope", f"{status} is not the shared ErrorEnvelope"
    for param in op.parameters:
        if "example" not in param:
            continue
        if problem := _invalid(Draft4RequestValidator, param.get("schema", {}), param["example"]):
            yield "example-valid", f"parameter {param['name']} example: {problem}"


def handler_problems(op: Operation, component: str) -> Iterator[str]:
    resource, _, verb = op.id.partition(".")
    try:
        module = importlib.import_module(f"handlers.{component}.{resource}")
        handler = getattr(module, verb)
    except (ImportError, AttributeError):
        yield f"no handler handlers/{component}/{resource}.py::{verb}"
        return
    if not inspect.iscoroutinefunction(handler):
        yield f"handlers.{component}.{resource}.{verb} is not async"
    _service, *arguments = inspect.signature(handler).parameters.values()
    names = {a.name for a in arguments}
    passed = {p["name"] for p in op.parameters if p["in"] in {"path", "query"}}
    headers = {argument_name(p["name"]) for p in op.parameters if p["in"] == "header"}
    if "requestBody" in op.resolved:
        passed.add("body")
    if missing := passed - names:
        yield f"the handler does not take {sorted(missing)}"
    if extra := names - passed - headers:
        yield f"the handler takes {sorted(extra)}, which the operation does not declare"


def unused_handlers(component: str, used: set[str]) -> Iterator[str]:
    try:
        package = importlib.import_module(f"handlers.{component}")
    except ImportError:
        return
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"handlers.{component}.{info.name}")
        for name, _fn in inspect.getmembers(module, inspect.iscoroutinefunction):
            if f"{info.name}.{name}" not in used:
                yield f"{info.name}.{name}"


def duplicate_ids(spec: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    first: dict[str, str] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            operation_id = item.get(method, {}).get("operationId")
            if operation_id is None:
                continue
            where = f"{method.upper()} {path}"
            if operation_id in first:
                yield operation_id, "operation-id-unique", f"on {first[operation_id]} and {where}"
            first.setdefault(operation_id, where)


def lint_spec(spec_path: Path, *, component: str | None = None) -> list[Problem]:
    """Every problem of one spec; `component` (default: the file's stem) names its handlers."""
    name, component = spec_path.name, component or spec_path.stem
    spec_dict, base_uri = read_from_filename(str(spec_path))
    problems = [Problem(name, *p) for p in duplicate_ids(spec_dict)]
    try:
        validate(spec_dict, base_uri=base_uri)
        bundled = bundle(spec_path)
        validate(bundled)
    except Exception as exc:  # any invalidity (BundleError too) stops the other rules
        return [*problems, Problem(name, "-", "openapi-valid", str(exc).splitlines()[0][:300])]
    seen: set[str] = set()
    ops = operations(bundled)
    for op in ops:
        seen.add(op.id)
        problems += [Problem(name, op.id, rule, msg) for rule, msg in check_operation(op, bundled)]
        if ops and bundled.get("paths"):
            problems += [
                Problem(name, op.id, "handler-resolves", msg)
                for msg in handler_problems(op, component)
            ]
    for handler in unused_handlers(component, set(seen)) if ops else ():
        problems.append(Problem(name, handler, "handler-used", "no operationId names it"))
    return problems


def lint(specs_dir: Path) -> list[Problem]:
    """Every spec in `specs_dir` (the shared one only for validity: it has no operations)."""
    return [p for path in sorted(specs_dir.glob("*.yaml")) for p in lint_spec(path)]
