"""Tasks outlive the process: a new orchestrator on the same data dir sees them unchanged."""

from __future__ import annotations

import dataclasses
import json
import sqlite3

import pytest

from tests.orchestrator.arms import wait_for_status
from tests.orchestrator.helpers import TASKS, app_client, create_task, list_tasks

NEW_FIELDS = ("required_capabilities", "use_cache", "deadline_at", "cache_key", "provenance")

FULL = {
    "constraints": {"max_sources": 5},
    "context": "Background ünïcödé ✓",
    "acceptance_criteria": ["One", "Two"],
    "budget": {"max_tokens": 20000, "max_time_seconds": 600, "max_cost_usd": 2.5},
    "priority": "critical",
    "metadata": {"team": "payments", "nested": {"list": [1, 2.5, None, True]}},
}


@pytest.fixture
def settings(make_settings, reflex_url, tmp_path):
    return make_settings(reflex_url=reflex_url, data_dir=tmp_path / "durable")


def test_tasks_survive_a_restart(settings):
    with app_client(settings) as first:
        tasks = [create_task(first, "Minimal"), create_task(first, "Full", **FULL)]
        cancelled = first.delete(f"{TASKS}/{tasks[0]['task_id']}").json()
        listed = list_tasks(first, order="asc")

    with app_client(settings) as second:
        assert second.get(f"{TASKS}/{tasks[0]['task_id']}").json() == cancelled
        assert second.get(f"{TASKS}/{tasks[1]['task_id']}").json() == tasks[1]
        assert list_tasks(second, order="asc") == listed
        assert list_tasks(second, status="cancelled")["data"] == [cancelled]


def test_a_cancelled_task_stays_cancelled_after_a_restart(settings):
    with app_client(settings) as first:
        task = create_task(first)
        cancelled = first.delete(f"{TASKS}/{task['task_id']}").json()

    with app_client(settings) as second:
        again = second.delete(f"{TASKS}/{task['task_id']}")

        assert again.status_code == 200
        assert again.json() == cancelled


def test_idempotency_keys_survive_a_restart(settings):
    body, headers = {"goal": "Only once"}, {"Idempotency-Key": "durable-key"}
    with app_client(settings) as first:
        original = first.post(TASKS, json=body, headers=headers).json()

    with app_client(settings) as second:
        retry = second.post(TASKS, json=body, headers=headers)
        conflict = second.post(TASKS, json={"goal": "Something else"}, headers=headers)

        assert retry.status_code == 202
        assert retry.json() == original
        assert conflict.status_code == 409
        assert list_tasks(second)["pagination"]["total_items"] == 1


def test_new_tasks_join_the_old_ones(settings):
    with app_client(settings) as first:
        old = create_task(first, "Before the restart")

    with app_client(settings) as second:
        new = create_task(second, "After the restart")

        assert new["task_id"] != old["task_id"]
        assert {t["task_id"] for t in list_tasks(second)["data"]} == {
            old["task_id"],
            new["task_id"],
        }


def test_a_database_from_before_execution_is_upgraded(settings):
    """Tasks stored before deadlines and provenance existed: read with their defaults, and
    their deadline indexed, so they still end."""
    if settings.redis_url:
        pytest.skip("the SQLite store's upgrade")
    with app_client(settings) as first:
        task = create_task(first, "From an older release", budget={"max_time_seconds": 1})
    db = sqlite3.connect(settings.data_dir / "tasks.sqlite3")
    old = {k: v for k, v in task.items() if k not in NEW_FIELDS}
    with db:
        db.execute("DROP INDEX tasks_active_by_deadline")
        db.execute("ALTER TABLE tasks DROP COLUMN deadline_at")
        db.execute("UPDATE tasks SET doc = ? WHERE task_id = ?", (json.dumps(old), task["task_id"]))
    db.close()

    with app_client(
        dataclasses.replace(settings, reaper_interval_seconds=0.1, reaper_grace_seconds=0.1)
    ) as second:
        upgraded = wait_for_status(second, task["task_id"], timeout=5)

    assert upgraded["deadline_at"] == task["deadline_at"]
    assert upgraded["required_capabilities"] == ["general"]
    assert upgraded["use_cache"] is True and upgraded["cache_key"] is None
    assert upgraded["status"] == "failed"
    assert upgraded["error"]["code"] == "NO_ARM_AVAILABLE"
