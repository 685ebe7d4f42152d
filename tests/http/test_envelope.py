"""The error envelope: one shape for every non-2xx, one status per code, 404 and 405."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from octollm.errors import CODE_BY_STATUS, STATUS_BY_CODE
from tests.conftest import SPECS
from tests.http._support import REQUEST_ID_RE, Service, assert_envelope, is_uuid


def load(name: str) -> dict[str, Any]:
    with (SPECS / f"{name}.yaml").open() as fh:
        return yaml.safe_load(fh)


# --- the code <-> status table ---------------------------------------------------------------


def test_status_table_lists_exactly_the_codes_of_the_spec_enum() -> None:
    enum = load("common")["components"]["schemas"]["ErrorCode"]["enum"]
    assert list(STATUS_BY_CODE) == enum


def test_every_code_maps_to_the_status_written_in_the_spec() -> None:
    description = load("common")["components"]["schemas"]["ErrorCode"]["description"]
    written = {
        code: int(status) for code, status in re.findall(r"\b([A-Z_]{4,}) (\d{3})\b", description)
    }
    assert written == STATUS_BY_CODE
    assert len(CODE_BY_STATUS) == len(STATUS_BY_CODE), "two codes share a status"
    assert {v: k for k, v in CODE_BY_STATUS.items()} == STATUS_BY_CODE


def test_each_shared_error_response_documents_a_code_of_its_status() -> None:
    """The example of each common response names the code its status stands for."""
    responses = load("common")["components"]["responses"]
    seen = {}
    for name, response in responses.items():
        example = response["content"]["application/json"]["example"]
        seen[name] = example["error"]["code"]
        assert example["error"]["code"] in STATUS_BY_CODE
        assert set(example["error"]) == {"code", "message", "details", "request_id"}
    assert seen["ValidationError"] == "VALIDATION_ERROR"
    assert seen["InternalError"] == "INTERNAL_ERROR"


@pytest.mark.parametrize("spec", ["reflex", "orchestrator"])
def test_service_specs_reference_the_right_error_response_for_each_status(spec: str) -> None:
    common = load("common")["components"]["responses"]
    for path, item in load(spec)["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                ref = response["$ref"]
                assert ref.startswith("common.yaml#/components/responses/"), (path, method, ref)
                example = common[ref.rsplit("/", 1)[1]]["content"]["application/json"]["example"]
                assert STATUS_BY_CODE[example["error"]["code"]] == int(status), (path, method)


# --- every non-2xx is the envelope -------------------------------------------------------------


JSON_HEADERS = {"content-type": "application/json"}

# name -> (service -> (method, request kwargs)), status, code
PROVOCATIONS: dict[str, tuple[Callable[[Service], tuple[str, dict[str, Any]]], int, str]] = {
    "unknown-root-path": (lambda s: ("GET", {"url": "/nope"}), 404, "NOT_FOUND"),
    "unknown-api-path": (lambda s: ("GET", {"url": "/api/v1/nope"}), 404, "NOT_FOUND"),
    "unknown-path-asking-for-html": (
        lambda s: ("GET", {"url": "/api/v1/nope", "headers": {"accept": "text/html"}}),
        404,
        "NOT_FOUND",
    ),
    "wrong-method": (
        lambda s: (s.wrong_method[0], {"url": s.wrong_method[1]}),
        405,
        "METHOD_NOT_ALLOWED",
    ),
    "bad-path-parameter": (
        lambda s: ("GET", {"url": s.bad_path_param[0]}),
        400,
        "VALIDATION_ERROR",
    ),
    "bad-request-id": (
        lambda s: ("GET", {"url": s.json_get, "headers": {"x-request-id": "no spaces"}}),
        400,
        "VALIDATION_ERROR",
    ),
    "unknown-query-parameter": (
        lambda s: ("GET", {"url": f"{s.json_get}?unknown=1"}),
        400,
        "VALIDATION_ERROR",
    ),
    "accept-html": (
        lambda s: ("GET", {"url": s.json_get, "headers": {"accept": "text/html"}}),
        406,
        "NOT_ACCEPTABLE",
    ),
    "malformed-json": (
        lambda s: ("POST", {"url": s.post_path, "content": b"{", "headers": JSON_HEADERS}),
        400,
        "VALIDATION_ERROR",
    ),
    "unknown-body-field": (
        lambda s: ("POST", {"url": s.post_path, "json": {"unexpected": 1}}),
        400,
        "VALIDATION_ERROR",
    ),
    "text-body": (
        lambda s: (
            "POST",
            {"url": s.post_path, "content": b"x", "headers": {"content-type": "text/plain"}},
        ),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    "body-over-default-limit": (
        lambda s: (
            "POST",
            {"url": s.post_path, "content": b"x" * 1_100_000, "headers": JSON_HEADERS},
        ),
        413,
        "PAYLOAD_TOO_LARGE",
    ),
}


@pytest.mark.parametrize("provocation", sorted(PROVOCATIONS))
def test_every_error_is_exactly_the_envelope(
    client: Any, service: Service, provocation: str
) -> None:
    make_request, status, code = PROVOCATIONS[provocation]
    method, kwargs = make_request(service)
    response = client.request(method, **kwargs)
    assert_envelope(response, status, code)


# --- 404 and 405 -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nope", "/nope", "/api/v1/stats/extra/segments"])
def test_unknown_route_is_not_found(client: Any, path: str) -> None:
    response = client.get(path, headers={"X-Request-ID": "trace-404"})
    error = assert_envelope(response, 404, "NOT_FOUND", request_id="trace-404")
    assert path in error["message"]


def test_unknown_route_without_request_id_gets_a_generated_one(client: Any) -> None:
    response = client.get("/api/v1/nope")
    error = assert_envelope(response, 404, "NOT_FOUND")
    assert is_uuid(error["request_id"])


def allow_set(header: str) -> set[str]:
    return {m.strip().upper() for m in header.split(",") if m.strip()}


def test_wrong_method_is_method_not_allowed_with_allow_header(
    client: Any, service: Service
) -> None:
    method, path = service.wrong_method
    response = client.request(method, path, headers={"X-Request-ID": "trace-405"})
    error = assert_envelope(response, 405, "METHOD_NOT_ALLOWED", request_id="trace-405")
    assert "allow" in response.headers, "405 without an Allow header"
    allowed = allow_set(response.headers["allow"])
    # HEAD is implied by GET and may be listed; every method of the spec must be.
    assert allowed - {"HEAD"} == set(service.allowed), response.headers["allow"]
    assert method not in allowed
    assert set(error["details"].get("allowed", [])) == allowed


@pytest.mark.parametrize(
    ("spec", "method", "path", "expected"),
    [
        ("reflex", "PATCH", "/api/v1/cache/some.key", {"GET", "DELETE"}),
        ("reflex", "GET", "/api/v1/check", {"POST"}),
        ("orchestrator", "PUT", f"/api/v1/tasks/{'3f1e4c1a-7d7e-4b8e-9a53-0c1f2b8d9e10'}",
         {"GET", "DELETE"}),
        ("orchestrator", "POST", "/api/v1/health", {"GET"}),
    ],
)  # fmt: skip
def test_allow_header_lists_every_method_of_the_path(
    request: pytest.FixtureRequest,
    backend: dict[str, Any],  # asked for here, so the client fixtures below can use it
    spec: str,
    method: str,
    path: str,
    expected: set[str],
) -> None:
    client = request.getfixturevalue(spec)
    response = client.request(method, path)
    assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    allowed = allow_set(response.headers["allow"])
    assert allowed - {"HEAD"} == expected, response.headers["allow"]


def test_the_405_request_id_is_valid(client: Any, service: Service) -> None:
    method, path = service.wrong_method
    response = client.request(method, path)
    assert REQUEST_ID_RE.match(response.headers["x-request-id"])
