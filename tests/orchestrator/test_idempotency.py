"""Idempotency-Key on POST /tasks: a retry gets the original task; a new body conflicts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from octollm.orchestrator.app import create_app
from tests.conftest import live_server
from tests.orchestrator.helpers import (
    GOAL,
    TASKS,
    create_task,
    error_of,
    list_tasks,
    validation_error,
)

BODY = {"goal": GOAL, "priority": "high", "metadata": {"order": 4711}}


def post(client, body: dict, key: str):
    return client.post(TASKS, json=body, headers={"Idempotency-Key": key})


def total(client) -> int:
    return list_tasks(client)["pagination"]["total_items"]


def test_a_retry_returns_the_original_task(orchestrator):
    first = post(orchestrator, BODY, "order-4711-summary")

    retry = post(orchestrator, BODY, "order-4711-summary")

    assert first.status_code == retry.status_code == 202
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert total(orchestrator) == 1


def test_a_retry_returns_the_task_as_it_is_now(orchestrator):
    original = post(orchestrator, BODY, "k-cancelled").json()
    cancelled = orchestrator.delete(f"{TASKS}/{original['task_id']}").json()

    retry = post(orchestrator, BODY, "k-cancelled")

    assert retry.status_code == 202
    assert retry.json() == cancelled
    assert total(orchestrator) == 1


def test_the_same_key_with_a_different_body_is_a_conflict(orchestrator):
    original = post(orchestrator, BODY, "order-4711")

    response = post(orchestrator, {**BODY, "priority": "low"}, "order-4711")

    error = error_of(response, 409, "CONFLICT")
    assert error["details"]["field"] == "Idempotency-Key"
    assert "Idempotency-Key" in error["message"]
    assert "order-4711" in error["message"]
    assert total(orchestrator) == 1
    assert list_tasks(orchestrator)["data"] == [original.json()]


@pytest.mark.parametrize(
    "restated",
    [
        {**BODY, "priority": "high", "context": ""},
        {**BODY, "budget": {"max_tokens": 10000}},
        {**BODY, "constraints": {}, "acceptance_criteria": []},
        {
            **BODY,
            "budget": {"max_tokens": 10000, "max_time_seconds": 300, "max_cost_usd": 1.0},
        },
        {"metadata": {"order": 4711}, "priority": "high", "goal": GOAL},
    ],
)
def test_stating_a_default_explicitly_is_the_same_body(orchestrator, restated):
    first = post(orchestrator, BODY, "defaults")

    retry = post(orchestrator, restated, "defaults")

    assert retry.status_code == 202
    assert retry.json()["task_id"] == first.json()["task_id"]
    assert total(orchestrator) == 1


def test_stating_the_default_priority_is_the_same_body(orchestrator):
    first = post(orchestrator, {"goal": GOAL}, "prio")

    retry = post(orchestrator, {"goal": GOAL, "priority": "medium"}, "prio")

    assert retry.status_code == 202
    assert retry.json()["task_id"] == first.json()["task_id"]
    assert total(orchestrator) == 1


@pytest.mark.parametrize(
    ("first", "retry"),
    [
        ({"goal": GOAL}, {"goal": GOAL, "budget": {"max_cost_usd": 1}}),
        (
            {"goal": GOAL, "budget": {"max_cost_usd": 2.0}},
            {"goal": GOAL, "budget": {"max_cost_usd": 2}},
        ),
    ],
)
def test_the_same_number_written_differently_is_the_same_body(orchestrator, first, retry):
    # JSON has one number type: 1 and 1.0 are the same value (the default max_cost_usd is 1.0).
    original = post(orchestrator, first, "numbers")

    again = post(orchestrator, retry, "numbers")

    assert again.status_code == 202, again.text
    assert again.json()["task_id"] == original.json()["task_id"]
    assert total(orchestrator) == 1


def test_concurrent_retries_make_one_task(make_settings, reflex_url):
    settings = make_settings(reflex_url=reflex_url)
    with live_server(create_app(settings)) as url, httpx.Client(base_url=url) as http:

        def attempt(_: int) -> httpx.Response:
            return http.post("/tasks", json=BODY, headers={"Idempotency-Key": "race"})

        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(attempt, range(8)))
        listed = http.get("/tasks").json()

    assert [r.status_code for r in responses] == [202] * 8
    assert len({r.json()["task_id"] for r in responses}) == 1
    assert listed["pagination"]["total_items"] == 1


def test_different_keys_make_different_tasks(orchestrator):
    first = post(orchestrator, BODY, "key-a")
    second = post(orchestrator, BODY, "key-b")

    assert first.status_code == second.status_code == 202
    assert first.json()["task_id"] != second.json()["task_id"]
    assert total(orchestrator) == 2


def test_creates_without_a_key_are_never_merged(orchestrator):
    keyed = post(orchestrator, BODY, "only-one").json()
    plain = create_task(orchestrator, **{k: v for k, v in BODY.items() if k != "goal"})

    assert plain["task_id"] != keyed["task_id"]
    assert total(orchestrator) == 2


def test_a_rejected_create_does_not_claim_the_key(orchestrator):
    rejected = post(orchestrator, {"goal": GOAL, "priority": "urgent"}, "retry-me")
    validation_error(rejected, "priority", "enum")

    accepted = post(orchestrator, BODY, "retry-me")

    assert accepted.status_code == 202
    assert total(orchestrator) == 1


def test_the_longest_key_is_accepted(orchestrator):
    key = "k" * 255

    first, retry = post(orchestrator, BODY, key), post(orchestrator, BODY, key)

    assert first.status_code == retry.status_code == 202
    assert retry.json()["task_id"] == first.json()["task_id"]


@pytest.mark.parametrize(
    ("key", "constraint"),
    [
        ("has space", "pattern"),
        ("k" * 256, "maxLength"),
        ("tab\there", "pattern"),
        ("", "minLength"),
    ],
)
def test_an_invalid_key_is_a_validation_error(orchestrator, key, constraint):
    response = post(orchestrator, BODY, key)

    error = validation_error(response, "Idempotency-Key", constraint)
    assert len(error["message"]) < 300
    assert total(orchestrator) == 0
