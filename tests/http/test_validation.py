"""Validation failures of parameters and bodies map to 400 VALIDATION_ERROR naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http._support import Service, assert_envelope, is_uuid

JSON = {"content-type": "application/json"}


# --- parameters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "constraint", "in_message"),
    [
        ("page_size=abc", "page_size", "type", "abc"),
        ("page_size=101", "page_size", "maximum", "maximum of 100"),
        ("page_size=0", "page_size", "minimum", "minimum of 1"),
        ("page=0", "page", "minimum", "minimum of 1"),
        ("page=1.5", "page", "type", "integer"),
        ("order=sideways", "order", "enum", "sideways"),
        ("sort_by=goal", "sort_by", "enum", "goal"),
        ("status=done", "status", "enum", "done"),
    ],
)
def test_query_parameter_errors(
    orchestrator: Any, query: str, field: str, constraint: str, in_message: str
) -> None:
    response = orchestrator.get(f"/api/v1/tasks?{query}", headers={"X-Request-ID": "q-1"})
    error = assert_envelope(
        response, 400, "VALIDATION_ERROR", request_id="q-1", field=field, constraint=constraint
    )
    assert error["message"].startswith(f"{field}: ")
    assert in_message in error["message"]


def test_unknown_query_parameter_is_rejected(client: Any, service: Service) -> None:
    response = client.get(f"{service.json_get}?colour=blue")
    error = assert_envelope(
        response, 400, "VALIDATION_ERROR", field="colour", constraint="additionalProperties"
    )
    assert "colour" in error["message"]


def test_invalid_request_id_header_names_the_header(client: Any, service: Service) -> None:
    response = client.get(service.json_get, headers={"X-Request-ID": "bad id!"})
    error = assert_envelope(
        response, 400, "VALIDATION_ERROR", field="X-Request-ID", constraint="pattern"
    )
    assert is_uuid(response.headers["x-request-id"])
    assert error["request_id"] == response.headers["x-request-id"]


def test_invalid_idempotency_key_header_names_the_header(orchestrator: Any) -> None:
    response = orchestrator.post(
        "/api/v1/tasks", json={"goal": "hi"}, headers={"Idempotency-Key": "x" * 256}
    )
    assert_envelope(
        response, 400, "VALIDATION_ERROR", field="Idempotency-Key", constraint="maxLength"
    )


def test_invalid_path_parameter_names_the_parameter(client: Any, service: Service) -> None:
    url, field, constraint = service.bad_path_param
    response = client.get(url, headers={"X-Request-ID": "p-1"})
    error = assert_envelope(
        response, 400, "VALIDATION_ERROR", request_id="p-1", field=field, constraint=constraint
    )
    assert error["message"].startswith(f"{field}: ")


def test_overlong_cache_key_is_rejected(reflex: Any) -> None:
    response = reflex.get(f"/api/v1/cache/{'k' * 257}")
    assert_envelope(response, 400, "VALIDATION_ERROR", field="key", constraint="maxLength")


def test_task_id_path_parameter_is_validated_on_delete_too(orchestrator: Any) -> None:
    response = orchestrator.delete("/api/v1/tasks/12345")
    assert_envelope(response, 400, "VALIDATION_ERROR", field="task_id", constraint="format")


# --- patterns are ECMA-262 regexes, as JSON Schema says (found by tests/conformance) ----------


def test_pattern_dollar_does_not_match_before_a_final_newline(reflex: Any) -> None:
    # Python's `$` would accept "abc\n" for ^[A-Za-z0-9._:-]+$, and the newline would then
    # break the Location header of the 201.
    response = reflex.post("/api/v1/cache", json={"key": "abc\n", "value": 1})
    assert_envelope(response, 400, "VALIDATION_ERROR", field="key", constraint="pattern")


@pytest.mark.parametrize(
    ("goal", "status"),
    [
        ("\ufeff", 400),  # whitespace to ECMA-262's \s, not to Python's
        ("\u00a0\u3000", 400),
        ("\x1c", 202),  # whitespace to Python's \s, not to ECMA-262's
        ("\x85", 202),
    ],
)
def test_goal_blankness_is_ecma_262_whitespace(orchestrator: Any, goal: str, status: int) -> None:
    response = orchestrator.post("/api/v1/tasks", json={"goal": goal})
    assert response.status_code == status, response.text
    if status == 400:
        assert_envelope(response, 400, "VALIDATION_ERROR", field="goal", constraint="pattern")


# --- bodies ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "constraint"),
    [
        ("malformed", b'{"text": "unterminated', "json"),
        ("trailing-garbage", b'{"text": "x"} extra', "json"),
        ("invalid-utf8", b'{"text": "\xff\xfe\xfa"}', "json"),
        ("nan", b'{"text": NaN}', "json"),
        ("infinity", b'{"text": Infinity}', "json"),
        ("negative-infinity", b'{"text": -Infinity}', "json"),
        ("empty", b"", "required"),
        ("whitespace", b"  \n ", "required"),
        ("array", b'[{"text": "x"}]', "type"),
        ("string", b'"just a string"', "type"),
        ("number", b"42", "type"),
        ("null", b"null", "type"),
    ],
)
def test_bad_json_bodies_are_validation_errors(
    client: Any, service: Service, name: str, raw: bytes, constraint: str
) -> None:
    response = client.post(
        service.post_path, content=raw, headers={**JSON, "X-Request-ID": f"body-{name}"}
    )
    assert response.status_code != 500, response.text
    error = assert_envelope(
        response,
        400,
        "VALIDATION_ERROR",
        request_id=f"body-{name}",
        field="body",
        constraint=constraint,
    )
    assert "Traceback" not in error["message"]


def test_body_field_errors_name_the_nested_path(orchestrator: Any) -> None:
    response = orchestrator.post(
        "/api/v1/tasks", json={"goal": "hi", "budget": {"max_tokens": 100001}}
    )
    error = assert_envelope(
        response, 400, "VALIDATION_ERROR", field="budget.max_tokens", constraint="maximum"
    )
    assert error["message"] == "budget.max_tokens: 100001 is greater than the maximum of 100000"


def test_unknown_body_field_is_rejected_with_a_suggestion(reflex: Any) -> None:
    response = reflex.post("/api/v1/check", json={"text": "hi", "check_pi": True})
    error = assert_envelope(
        response, 400, "VALIDATION_ERROR", field="check_pi", constraint="additionalProperties"
    )
    assert "check_pii" in error["message"]


def test_missing_required_field_is_named(client: Any, service: Service) -> None:
    response = client.post(service.post_path, json={})
    assert_envelope(
        response, 400, "VALIDATION_ERROR", field=service.text_field, constraint="required"
    )
