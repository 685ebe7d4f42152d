"""Bad requests to /execute are 400 (or 415) envelopes, decided by the spec alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.arm.helpers import EXECUTE, TASK, task


def body(**changes: Any) -> dict[str, Any]:
    return {"task": TASK, "request_id": "req-1", "timeout_seconds": 30, **changes}


def without(document: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != key}


@pytest.mark.parametrize(
    ("request_body", "field", "constraint"),
    [
        (without(body(), "task"), "task", "required"),
        (without(body(), "timeout_seconds"), "timeout_seconds", "required"),
        (body(timeout_seconds=0), "timeout_seconds", "minimum"),
        (body(timeout_seconds=3601), "timeout_seconds", "maximum"),
        (body(timeout_seconds="30"), "timeout_seconds", "type"),
        (body(request_id="has spaces"), "request_id", "pattern"),
        (body(surprise=1), "surprise", "additionalProperties"),
        (body(task=without(TASK, "budget")), "task.budget", "required"),
        (body(task=task(goal="")), "task.goal", "minLength"),
        (body(task=task(task_id="not-a-uuid")), "task.task_id", "format"),
        (body(task=task(budget={"max_tokens": 0})), "task.budget.max_tokens", "minimum"),
        (body(task=task(acceptance_criteria="one")), "task.acceptance_criteria", "type"),
    ],
    ids=lambda v: None if isinstance(v, dict) else str(v),
)
def test_a_request_breaking_the_spec_is_a_validation_error(
    arm, upstream, request_body, field, constraint
):
    response = arm.post(EXECUTE, json=request_body, headers={"X-Request-ID": "bad-1"})

    assert response.status_code == 400
    assert response.headers["x-request-id"] == "bad-1"
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"] == {"field": field, "constraint": constraint}
    assert error["request_id"] == "bad-1"
    assert upstream.requests == []


def test_a_body_that_is_not_json_is_a_validation_error(arm):
    response = arm.post(EXECUTE, content=b"{nope", headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"field": "body", "constraint": "json"}


def test_a_body_that_is_not_declared_json_is_unsupported(arm):
    response = arm.post(EXECUTE, content=b"do it", headers={"Content-Type": "text/plain"})

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_an_unknown_route_and_a_wrong_method_are_envelopes(arm):
    assert arm.get("/api/v1/tasks").json()["error"]["code"] == "NOT_FOUND"
    response = arm.get(EXECUTE)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
