"""Shared helpers for the cross-cutting HTTP contract tests (both services)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from octollm.errors import STATUS_BY_CODE

ENVELOPE_KEYS = {"code", "message", "details", "request_id"}
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
TASK_UUID = "3f1e4c1a-7d7e-4b8e-9a53-0c1f2b8d9e10"


@dataclass(frozen=True)
class Service:
    """What the shared tests need to know about one service's spec."""

    name: str
    json_get: str  # a GET operation producing application/json
    post_path: str  # a POST operation taking a JSON object body
    post_body: dict[str, Any]  # a valid body for it
    post_status: int  # its success status
    text_field: str  # a free-text string field of that body, used to pad it
    wrong_method: tuple[str, str]  # (method, path) the path does not support
    allowed: frozenset[str]  # the methods the spec defines on that path
    bad_path_param: tuple[str, str, str]  # (url, field, constraint)
    breakable: tuple[str, str, str]  # (import path of a service method, method, url)
    extra: dict[str, Any] = field(default_factory=dict)


REFLEX = Service(
    name="reflex",
    json_get="/api/v1/stats",
    post_path="/api/v1/check",
    post_body={"text": "hello there"},
    post_status=200,
    text_field="text",
    wrong_method=("PUT", "/api/v1/stats"),
    allowed=frozenset({"GET"}),
    bad_path_param=("/api/v1/cache/bad%20key", "key", "pattern"),
    breakable=("octollm.reflex.stats.StatsService.get", "GET", "/api/v1/stats"),
)

ORCHESTRATOR = Service(
    name="orchestrator",
    json_get="/api/v1/tasks",
    post_path="/api/v1/tasks",
    post_body={"goal": "Write a haiku about autumn"},
    post_status=202,
    text_field="goal",
    wrong_method=("PATCH", "/api/v1/tasks"),
    allowed=frozenset({"GET", "POST"}),
    bad_path_param=("/api/v1/tasks/not-a-uuid", "task_id", "format"),
    breakable=(
        "octollm.orchestrator.tasks.service.TaskService.get",
        "GET",
        f"/api/v1/tasks/{TASK_UUID}",
    ),
)

SERVICES = {s.name: s for s in (REFLEX, ORCHESTRATOR)}


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def assert_envelope(
    response: Any,
    status: int,
    code: str,
    *,
    request_id: str | None = None,
    field: str | None = None,
    constraint: str | None = None,
) -> dict[str, Any]:
    """Asserts the response is exactly the shared error envelope; returns `error`."""
    text = response.text
    assert response.status_code == status, text
    content_type = response.headers.get("content-type", "")
    assert content_type.split(";")[0].strip() == "application/json", content_type
    assert "problem" not in content_type
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ENVELOPE_KEYS, error
    assert not PROBLEM_KEYS & set(error)
    assert error["code"] == code, error
    assert STATUS_BY_CODE[error["code"]] == status
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["details"], dict), error
    header_id = response.headers.get("x-request-id")
    assert header_id, "no X-Request-ID on the response"
    assert error["request_id"] == header_id
    if request_id is not None:
        assert header_id == request_id
    if field is not None:
        assert error["details"].get("field") == field, error
    if constraint is not None:
        assert error["details"].get("constraint") == constraint, error
    lowered = text.lower()
    assert "traceback" not in lowered
    assert "<html" not in lowered and "<!doctype" not in lowered
    return error


def json_body_of_size(template: dict[str, Any], text_field: str, size: int) -> bytes:
    """`template` serialised, with `text_field` padded so the body is exactly `size` bytes."""
    base = json.dumps({**template, text_field: ""}).encode()
    padding = size - len(base)
    assert padding > 0, "size too small for the template"
    body = json.dumps({**template, text_field: "a" * padding}).encode()
    assert len(body) == size
    return body
