"""The specs are valid, complete, and match the handlers one to one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from octollm.http.operation_middleware import argument_name
from tests.conftest import SPECS
from tests.spec_check import load_spec

COMPONENTS = ("orchestrator", "reflex")
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def operations(component: str) -> list[tuple[str, str, dict[str, Any]]]:
    spec = load_spec(SPECS / f"{component}.yaml")
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def parameters(component: str, path: str, op: dict[str, Any]) -> list[dict[str, Any]]:
    spec = load_spec(SPECS / f"{component}.yaml")
    return [*spec["paths"][path].get("parameters", []), *op.get("parameters", [])]


ALL_OPERATIONS = [(c, path, method, op) for c in COMPONENTS for path, method, op in operations(c)]
IDS = [f"{c}:{op['operationId']}" for c, _, _, op in ALL_OPERATIONS]


@pytest.mark.parametrize("name", ["common", *COMPONENTS])
def test_spec_is_valid_openapi(name: str) -> None:
    spec_dict, base_uri = read_from_filename(str(SPECS / f"{name}.yaml"))
    validate(spec_dict, base_uri=base_uri)


def handler_for(component: str, operation_id: str) -> Any:
    resource, _, verb = operation_id.partition(".")
    return getattr(importlib.import_module(f"handlers.{component}.{resource}"), verb)


@pytest.mark.parametrize(("component", "path", "method", "op"), ALL_OPERATIONS, ids=IDS)
def test_handler_signature_matches_operation(component, path, method, op) -> None:
    handler = handler_for(component, op["operationId"])
    assert inspect.iscoroutinefunction(handler)
    _service, *arguments = inspect.signature(handler).parameters.values()
    names = {a.name for a in arguments}
    params = parameters(component, path, op)
    passed = {p["name"] for p in params if p["in"] in {"path", "query"}}
    headers = {argument_name(p["name"]) for p in params if p["in"] == "header"}
    if "requestBody" in op:
        passed.add("body")
    assert passed <= names, f"handler ignores {passed - names}"
    assert names <= passed | headers, f"handler takes undeclared {names - passed - headers}"


def test_every_handler_is_used() -> None:
    used = {
        (c, op["operationId"].partition(".")[0], op["operationId"].partition(".")[2])
        for c, _, _, op in ALL_OPERATIONS
    }
    for component in COMPONENTS:
        package = importlib.import_module(f"handlers.{component}")
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"handlers.{component}.{module_info.name}")
            for name, _fn in inspect.getmembers(module, inspect.iscoroutinefunction):
                assert (component, module_info.name, name) in used, f"{module.__name__}.{name}"


@pytest.mark.parametrize(("component", "path", "method", "op"), ALL_OPERATIONS, ids=IDS)
def test_operation_is_documented(component, path, method, op) -> None:
    assert op.get("summary") and op.get("description") and op.get("tags")
    for status in ("400", "500"):
        assert status in op["responses"], f"{status} undocumented"
    for status, response in op["responses"].items():
        if int(status) >= 400:
            schema = response["content"]["application/json"]["schema"]
            assert set(schema["properties"]) == {"error"}, f"{status} is not the envelope"
        assert "X-Request-ID" in response.get("headers", {}), f"{status} lacks X-Request-ID"


def examples(media: dict[str, Any]) -> list[Any]:
    found = [e["value"] for e in media.get("examples", {}).values()]
    return [*found, media["example"]] if "example" in media else found


@pytest.mark.parametrize(("component", "path", "method", "op"), ALL_OPERATIONS, ids=IDS)
def test_examples_match_their_schemas(component, path, method, op) -> None:
    checked = 0
    for media in op.get("requestBody", {}).get("content", {}).values():
        for example in examples(media):
            Draft4RequestValidator(media["schema"]).validate(example)
            checked += 1
    for response in op["responses"].values():
        for media_type, media in response.get("content", {}).items():
            if media_type != "application/json":
                continue
            for example in examples(media):
                Draft4ResponseValidator(media["schema"]).validate(example)
                checked += 1
    assert checked, "no examples"


def object_schemas(schema: Any, path: str = "body") -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(schema, dict):
        return []
    found = [(path, schema)] if schema.get("type") == "object" and "properties" in schema else []
    for name, sub in schema.get("properties", {}).items():
        found += object_schemas(sub, f"{path}.{name}")
    for key in ("items", "allOf", "anyOf", "oneOf"):
        subs = schema.get(key, [])
        for sub in subs if isinstance(subs, list) else [subs]:
            found += object_schemas(sub, path)
    return found


@pytest.mark.parametrize(("component", "path", "method", "op"), ALL_OPERATIONS, ids=IDS)
def test_request_schemas_are_strict(component, path, method, op) -> None:
    for media in op.get("requestBody", {}).get("content", {}).values():
        for where, schema in object_schemas(media["schema"]):
            assert schema.get("additionalProperties") is False, f"{where} accepts unknown fields"
