"""DELETE /tasks/{id}, and the task state machine behind it."""

from __future__ import annotations

import itertools
import uuid

import pytest

from octollm.clock import rfc3339
from octollm.errors import ApiError
from octollm.orchestrator.tasks.model import check_transition
from tests.orchestrator.helpers import (
    TASKS,
    app_client,
    create_task,
    error_of,
    force_status,
    validation_error,
)

STATUSES = ["pending", "processing", "completed", "failed", "cancelled"]
ALLOWED = {
    ("pending", "processing"),
    ("pending", "cancelled"),
    ("processing", "completed"),
    ("processing", "failed"),
    ("processing", "cancelled"),
}


@pytest.fixture
def settings(make_settings, reflex_url, tmp_path):
    return make_settings(reflex_url=reflex_url, data_dir=tmp_path / "cancel-data")


@pytest.fixture
def clocked(settings, clock):
    """An orchestrator on the fake clock."""
    with app_client(settings, clock) as client:
        yield client


def cancel(client, task_id: str):
    return client.delete(f"{TASKS}/{task_id}")


def move(settings, task_id: str, *path: str) -> None:
    for status in path:
        force_status(settings, task_id, status)


def test_cancelling_a_pending_task(clocked, clock):
    task = create_task(clocked)
    clock.advance(90)

    response = cancel(clocked, task["task_id"])

    assert response.status_code == 200
    cancelled = response.json()
    assert cancelled == {**task, "status": "cancelled", "updated_at": rfc3339(clock.now)}
    assert cancelled["updated_at"] > cancelled["created_at"]
    assert clocked.get(f"{TASKS}/{task['task_id']}").json() == cancelled


def test_cancelling_twice_returns_the_cancelled_task_unchanged(clocked, clock):
    task = create_task(clocked)
    clock.advance(5)
    first = cancel(clocked, task["task_id"]).json()
    clock.advance(5)

    again = cancel(clocked, task["task_id"])

    assert again.status_code == 200
    assert again.json() == first
    assert again.json()["status"] == "cancelled"


def test_cancelling_a_processing_task(clocked, clock, settings):
    task = create_task(clocked)
    move(settings, task["task_id"], "processing")
    clock.advance(1)

    response = cancel(clocked, task["task_id"])

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["updated_at"] == rfc3339(clock.now)


@pytest.mark.parametrize("final", ["completed", "failed"])
def test_a_finished_task_cannot_be_cancelled(clocked, settings, final):
    task = create_task(clocked)
    move(settings, task["task_id"], "processing", final)
    before = clocked.get(f"{TASKS}/{task['task_id']}").json()
    assert before["status"] == final

    error = error_of(cancel(clocked, task["task_id"]), 409, "CONFLICT")

    assert error["details"]["field"] == "status"
    assert error["details"]["constraint"] == "state_transition"
    assert final in error["message"]
    assert task["task_id"] in error["message"]
    assert clocked.get(f"{TASKS}/{task['task_id']}").json() == before


def test_cancelling_an_unknown_task_is_not_found(orchestrator):
    create_task(orchestrator)

    error_of(cancel(orchestrator, str(uuid.uuid4())), 404, "NOT_FOUND")


def test_cancelling_with_a_malformed_id_is_a_validation_error(orchestrator):
    validation_error(cancel(orchestrator, "not-a-uuid"), "task_id", "format")


def test_cancelling_one_task_leaves_the_others_alone(orchestrator):
    keep, drop = create_task(orchestrator), create_task(orchestrator)

    assert cancel(orchestrator, drop["task_id"]).status_code == 200

    assert orchestrator.get(f"{TASKS}/{keep['task_id']}").json() == keep


# --- the transition table ---------------------------------------------------------------------


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_transition_table(current, target):
    if (current, target) in ALLOWED:
        check_transition("t-1", current, target)
        return
    with pytest.raises(ApiError) as raised:
        check_transition("t-1", current, target)
    error = raised.value
    assert (error.code, error.status) == ("CONFLICT", 409)
    assert error.details["field"] == "status"
    assert error.details["constraint"] == "state_transition"
    assert "t-1" in error.message
    assert current in error.message
