"""The spec is served (self-contained, with Swagger UI) and is the one source of the rules."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from octollm.reflex.app import create_app as create_reflex
from tests.conftest import SPECS, spec_client
from tests.http._support import Service, assert_envelope


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to something other than loopback fails the test."""
    original = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if host not in {"127.0.0.1", "::1", "localhost"}:
            raise AssertionError(f"network access to {address!r}")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


# --- served spec and Swagger UI ----------------------------------------------------------------


def test_served_spec_is_self_contained_and_complete(
    client: Any, service: Service, no_network: None
) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "application/json"
    served = response.json()
    with (SPECS / f"{service.name}.yaml").open() as fh:
        source = yaml.safe_load(fh)
    assert set(served["paths"]) == set(source["paths"])
    for path, item in source["paths"].items():
        methods = {m for m in item if m != "parameters"}
        assert {m for m in served["paths"][path] if m != "parameters"} == methods, path
    assert served["info"]["title"] == source["info"]["title"]
    assert "common.yaml#" not in response.text
    for ref in _refs(served):
        assert ref.startswith("#/"), f"unresolved external $ref {ref}"
        _resolve(served, ref)  # raises when it points nowhere
    # The shared envelope from common.yaml is really there (inlined or as a local component).
    response_500 = served["paths"]["/health"]["get"]["responses"]["500"]
    if "$ref" in response_500:
        response_500 = _resolve(served, response_500["$ref"])
    envelope = response_500["content"]["application/json"]["schema"]
    if "$ref" in envelope:
        envelope = _resolve(served, envelope["$ref"])
    assert envelope["required"] == ["error"]
    body = envelope["properties"]["error"]
    if "$ref" in body:
        body = _resolve(served, body["$ref"])
    assert body["required"] == ["code", "message", "details", "request_id"]


def test_swagger_ui_is_served_without_network(
    client: Any, service: Service, no_network: None
) -> None:
    response = client.get("/api/v1/ui/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in response.text.lower()
    assert "/api/v1/openapi.json" in response.text
    assert "https://" not in response.text and "http://" not in response.text
    bundle = client.get("/api/v1/ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert len(bundle.content) > 10_000


# --- the spec is the truth ---------------------------------------------------------------------


@pytest.fixture
def edited_specs(tmp_path: Path) -> Callable[[str, Callable[[dict[str, Any]], None]], Path]:
    target = tmp_path / "specs"
    shutil.copytree(SPECS, target)

    def edit(name: str, change: Callable[[dict[str, Any]], None]) -> Path:
        path = target / f"{name}.yaml"
        document = yaml.safe_load(path.read_text())
        change(document)
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
        return target

    return edit


def _page_size_max_7(common: dict[str, Any]) -> None:
    schema = common["components"]["parameters"]["PageSize"]["schema"]
    assert schema["maximum"] == 100
    schema["maximum"] = 7


def _max_tokens_max_500(orchestrator: dict[str, Any]) -> None:
    prop = orchestrator["components"]["schemas"]["TaskBudget"]["properties"]["max_tokens"]
    assert prop["maximum"] == 100000
    prop["maximum"] = 500
    prop["default"] = 100  # the spec's default must stay within the new maximum


def test_limits_come_from_the_spec_files(
    make_orchestrator: Callable[..., Any], edited_specs: Callable[..., Path]
) -> None:
    edited_specs("common", _page_size_max_7)
    specs_dir = edited_specs("orchestrator", _max_tokens_max_500)
    edited = make_orchestrator(specs_dir=specs_dir)
    original = make_orchestrator()

    assert edited.get("/api/v1/tasks?page_size=7").status_code == 200
    error = assert_envelope(
        edited.get("/api/v1/tasks?page_size=8"),
        400,
        "VALIDATION_ERROR",
        field="page_size",
        constraint="maximum",
    )
    assert error["message"] == "page_size: 8 is greater than the maximum of 7"

    over = {"goal": "Count to three", "budget": {"max_tokens": 501}}
    error = assert_envelope(
        edited.post("/api/v1/tasks", json=over),
        400,
        "VALIDATION_ERROR",
        field="budget.max_tokens",
        constraint="maximum",
    )
    assert error["message"] == "budget.max_tokens: 501 is greater than the maximum of 500"
    ok = {"goal": "Count to three", "budget": {"max_tokens": 500}}
    assert edited.post("/api/v1/tasks", json=ok).status_code == 202
    defaulted = edited.post("/api/v1/tasks", json={"goal": "Count to three"})
    assert defaulted.json()["budget"]["max_tokens"] == 100  # the edited default, too

    served = edited.get("/api/v1/openapi.json").json()
    params = served["paths"]["/tasks"]["get"]["parameters"]
    assert next(p for p in params if p["name"] == "page_size")["schema"]["maximum"] == 7

    # The untouched spec keeps the original limits.
    listed = original.get("/api/v1/tasks?page_size=8")
    assert listed.status_code == 200, listed.text
    assert listed.json()["pagination"]["page_size"] == 8
    created = original.post("/api/v1/tasks", json=over)
    assert created.status_code == 202, created.text
    assert created.json()["budget"]["max_tokens"] == 501


def test_request_id_rule_comes_from_the_spec(
    make_settings: Callable[..., Any], edited_specs: Callable[..., Path]
) -> None:
    def shorter_ids(common: dict[str, Any]) -> None:
        schema = common["components"]["parameters"]["RequestId"]["schema"]
        assert schema["maxLength"] == 128
        schema["maxLength"] = 16

    specs_dir = edited_specs("common", shorter_ids)
    app = create_reflex(make_settings(specs_dir=specs_dir))
    with spec_client(app, "reflex") as edited:
        ok = edited.get("/api/v1/stats", headers={"X-Request-ID": "a" * 16})
        assert ok.status_code == 200
        assert ok.headers["x-request-id"] == "a" * 16
        response = edited.get("/api/v1/stats", headers={"X-Request-ID": "a" * 17})
        error = assert_envelope(
            response, 400, "VALIDATION_ERROR", field="X-Request-ID", constraint="maxLength"
        )
        assert error["request_id"] != "a" * 17
        assert "16" in error["message"]
