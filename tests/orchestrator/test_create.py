"""POST /tasks: the accepted task, its defaults, and the validation errors at the boundary."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime

import pytest

from octollm.clock import parse_rfc3339
from tests.orchestrator.helpers import (
    DEFAULT_BUDGET,
    GOAL,
    TASKS,
    app_client,
    list_tasks,
    shared_settings,
    validation_error,
)

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
FULL = {
    "goal": "Find the root cause of the checkout latency spike",
    "constraints": {"max_sources": 5, "nested": {"allow": ["logs", "metrics"]}},
    "context": "p99 latency of /checkout rose from 120 ms to 2.3 s at 14:05 UTC",
    "acceptance_criteria": ["Names the component responsible", "Cites at least two metrics"],
    "budget": {"max_tokens": 20000, "max_time_seconds": 600, "max_cost_usd": 2.5},
    "priority": "high",
    "metadata": {"team": "payments", "ticket": 4711, "tags": ["p1"]},
}


@pytest.fixture(scope="module")
def rejecting(tmp_path_factory, reflex_url):
    """One orchestrator for the many rejected requests below (none of them may store a task)."""
    settings = shared_settings(tmp_path_factory.mktemp("rejecting"), reflex_url)
    with app_client(settings) as client:
        yield client


def post_raw(client, content: bytes | str, content_type: str = "application/json"):
    return client.post(TASKS, content=content, headers={"Content-Type": content_type})


def assert_readable(message: str, field: str) -> None:
    """A one-line message that names the field and does not dump the schema."""
    assert message.startswith(f"{field}: "), message
    assert len(message) < 300, message
    assert "\n" not in message
    for leak in ("'type':", '"type":', "Failed validating", "On instance", "$ref"):
        assert leak not in message, message


# --- the accepted task ----------------------------------------------------------------------


def test_minimal_task_is_accepted_pending_with_every_default(orchestrator):
    before = time.time()
    response = orchestrator.post(TASKS, json={"goal": GOAL})

    assert response.status_code == 202
    task = response.json()
    task_id = task.pop("task_id")
    assert uuid.UUID(task_id).version == 4
    assert str(uuid.UUID(task_id)) == task_id
    assert response.headers["location"] == f"/api/v1/tasks/{task_id}"
    created_at, updated_at = task.pop("created_at"), task.pop("updated_at")
    deadline_at, cache_key = task.pop("deadline_at"), task.pop("cache_key")
    assert task == {
        "status": "pending",
        "goal": GOAL,
        "constraints": {},
        "context": "",
        "acceptance_criteria": [],
        "budget": DEFAULT_BUDGET,
        "priority": "medium",
        "metadata": {},
        "result": None,
        "error": None,
        "processing_time_ms": None,
        "required_capabilities": ["general"],
        "use_cache": True,
        "provenance": None,
    }
    assert created_at == updated_at
    assert parse_rfc3339(deadline_at) - parse_rfc3339(created_at) == pytest.approx(300)
    assert re.fullmatch(r"task:sha256:[0-9a-f]{64}", cache_key), cache_key
    assert RFC3339_UTC.match(created_at), created_at
    stamp = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    assert stamp.tzinfo is not None and stamp.utcoffset() == UTC.utcoffset(None)
    assert before - 1 <= stamp.timestamp() <= time.time() + 1


def test_every_field_is_returned_as_given(orchestrator):
    response = orchestrator.post(TASKS, json=FULL)

    assert response.status_code == 202
    task = response.json()
    assert {k: task[k] for k in FULL} == FULL
    assert task["status"] == "pending"
    assert (task["result"], task["error"], task["processing_time_ms"]) == (None, None, None)


def test_location_points_at_the_same_task(orchestrator):
    response = orchestrator.post(TASKS, json=FULL)

    fetched = orchestrator.get(response.headers["location"])

    assert fetched.status_code == 200
    assert fetched.json() == response.json()


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        ({}, DEFAULT_BUDGET),
        ({"max_tokens": 500}, {**DEFAULT_BUDGET, "max_tokens": 500}),
        ({"max_time_seconds": 60}, {**DEFAULT_BUDGET, "max_time_seconds": 60}),
        ({"max_cost_usd": 0}, {**DEFAULT_BUDGET, "max_cost_usd": 0}),
    ],
)
def test_a_partial_budget_takes_the_missing_defaults(orchestrator, budget, expected):
    response = orchestrator.post(TASKS, json={"goal": GOAL, "budget": budget})

    assert response.status_code == 202
    assert response.json()["budget"] == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"goal": "g" * 10000},
        {"goal": "x"},
        {"goal": GOAL, "context": "c " * 25000},
        {"goal": GOAL, "budget": {"max_tokens": 1, "max_time_seconds": 1, "max_cost_usd": 0}},
        {
            "goal": GOAL,
            "budget": {"max_tokens": 100000, "max_time_seconds": 3600, "max_cost_usd": 100},
        },
        {"goal": GOAL, "acceptance_criteria": ["c" * 2000] * 100},
        {"goal": GOAL, "metadata": {f"k{i}": i for i in range(100)}},
        {"goal": GOAL, "constraints": {f"k{i}": i for i in range(100)}},
    ],
)
def test_values_on_the_limits_are_accepted(orchestrator, fields):
    response = orchestrator.post(TASKS, json=fields)

    assert response.status_code == 202, response.text[:300]
    task = response.json()
    assert {k: task[k] for k in fields if k != "budget"} == {
        k: v for k, v in fields.items() if k != "budget"
    }
    assert task["budget"] == {**DEFAULT_BUDGET, **fields.get("budget", {})}


def test_each_create_makes_a_new_task(orchestrator):
    first = orchestrator.post(TASKS, json={"goal": GOAL}).json()
    second = orchestrator.post(TASKS, json={"goal": GOAL}).json()

    assert first["task_id"] != second["task_id"]
    assert list_tasks(orchestrator)["pagination"]["total_items"] == 2


# --- validation errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "constraint"),
    [
        ({}, "goal", "required"),
        ({"context": "no goal"}, "goal", "required"),
        ({"goal": "   "}, "goal", "pattern"),
        ({"goal": "\t\n"}, "goal", "pattern"),
        ({"goal": ""}, "goal", "minLength"),
        ({"goal": "x" * 10001}, "goal", "maxLength"),
        ({"goal": GOAL, "context": "x" * 50001}, "context", "maxLength"),
        ({"goal": GOAL, "budget": {"max_tokens": 0}}, "budget.max_tokens", "minimum"),
        ({"goal": GOAL, "budget": {"max_tokens": 100001}}, "budget.max_tokens", "maximum"),
        ({"goal": GOAL, "budget": {"max_tokens": 2.5}}, "budget.max_tokens", "type"),
        (
            {"goal": GOAL, "budget": {"max_time_seconds": 3601}},
            "budget.max_time_seconds",
            "maximum",
        ),
        ({"goal": GOAL, "budget": {"max_cost_usd": 100.5}}, "budget.max_cost_usd", "maximum"),
        ({"goal": GOAL, "budget": {"max_cost_usd": -0.01}}, "budget.max_cost_usd", "minimum"),
        ({"goal": GOAL, "budget": "lots"}, "budget", "type"),
        ({"goal": GOAL, "priority": "urgent"}, "priority", "enum"),
        ({"goal": 5}, "goal", "type"),
        ({"goal": None}, "goal", "type"),
        ({"goal": GOAL, "context": ["a"]}, "context", "type"),
        ({"goal": GOAL, "constraints": "none"}, "constraints", "type"),
        ({"goal": GOAL, "metadata": [1]}, "metadata", "type"),
        ({"goal": GOAL, "acceptance_criteria": "one"}, "acceptance_criteria", "type"),
        ({"goal": GOAL, "acceptance_criteria": ["ok", 3]}, "acceptance_criteria[1]", "type"),
        ({"goal": GOAL, "acceptance_criteria": ["ok", ""]}, "acceptance_criteria[1]", "minLength"),
        ({"goal": GOAL, "acceptance_criteria": ["c"] * 101}, "acceptance_criteria", "maxItems"),
        (
            {"goal": GOAL, "metadata": {f"k{i}": i for i in range(101)}},
            "metadata",
            "maxProperties",
        ),
        ([1, 2], "body", "type"),
        ("a goal", "body", "type"),
    ],
)
def test_invalid_body_names_the_field_and_the_rule(rejecting, body, field, constraint):
    response = rejecting.post(TASKS, json=body)

    error = validation_error(response, field, constraint)
    assert_readable(error["message"], field)
    assert list_tasks(rejecting)["pagination"]["total_items"] == 0


def test_missing_goal_message_says_it_is_required(rejecting):
    error = validation_error(rejecting.post(TASKS, json={}), "goal", "required")

    assert "required" in error["message"]


def test_unknown_field_is_rejected_with_a_suggestion(rejecting):
    response = rejecting.post(TASKS, json={"goal": GOAL, "priorty": "high"})

    error = validation_error(response, "priorty", "additionalProperties")
    assert_readable(error["message"], "priorty")
    assert "'priority'" in error["message"]


def test_unknown_budget_field_is_rejected(rejecting):
    response = rejecting.post(TASKS, json={"goal": GOAL, "budget": {"max_token": 5}})

    error = validation_error(response, "budget.max_token", "additionalProperties")
    assert_readable(error["message"], "budget.max_token")
    assert "'max_tokens'" in error["message"]


def test_out_of_range_message_gives_the_value_and_the_limit(rejecting):
    response = rejecting.post(TASKS, json={"goal": GOAL, "budget": {"max_tokens": 100001}})

    error = validation_error(response, "budget.max_tokens", "maximum")
    assert "100001" in error["message"]
    assert "100000" in error["message"]


def test_enum_message_lists_the_allowed_values(rejecting):
    error = validation_error(
        rejecting.post(TASKS, json={"goal": GOAL, "priority": "urgent"}), "priority", "enum"
    )

    for allowed in ("low", "medium", "high", "critical"):
        assert allowed in error["message"]


@pytest.mark.parametrize(
    ("body", "field", "constraint"),
    [
        ({"goal": {"text": "y" * 10001}}, "goal", "type"),
        ({"goal": ["y" * 10001]}, "goal", "type"),
        ({"goal": GOAL, "priority": "u" * 10001}, "priority", "enum"),
        ({"goal": GOAL, "budget": {"max_tokens": "9" * 10001}}, "budget.max_tokens", "type"),
        ({"goal": "x" * 10001}, "goal", "maxLength"),
        ({"goal": GOAL, "context": "c" * 50001}, "context", "maxLength"),
        ({"goal": GOAL, "z" * 10001: 1}, "z" * 125 + "...", "additionalProperties"),
    ],
)
def test_a_huge_invalid_value_is_truncated_in_the_message(rejecting, body, field, constraint):
    response = rejecting.post(TASKS, json=body)

    error = validation_error(response, field, constraint)
    assert len(error["message"]) < 300, error["message"][:400]
    assert "y" * 100 not in error["message"]
    assert "u" * 100 not in error["message"]
    assert "9" * 100 not in error["message"]


@pytest.mark.parametrize(
    ("content", "constraint"),
    [
        (b'{"goal": "unterminated', "json"),
        (b"{'goal': 'single quotes'}", "json"),
        (b'{"goal": NaN}', "json"),
        (b"\xff\xfe not utf-8", "json"),
        (b"", "required"),
        (b"   \n", "required"),
    ],
)
def test_unparseable_or_empty_body_is_a_body_error(rejecting, content, constraint):
    error = validation_error(post_raw(rejecting, content), "body", constraint)

    assert error["message"]
    assert len(error["message"]) < 300


def test_json_null_body_is_a_type_error(rejecting):
    validation_error(post_raw(rejecting, b"null"), "body", "type")


def test_non_json_content_type_is_unsupported(rejecting):
    response = post_raw(rejecting, "goal=hello", "application/x-www-form-urlencoded")

    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert error["details"] == {"field": "Content-Type", "constraint": "media_type"}
