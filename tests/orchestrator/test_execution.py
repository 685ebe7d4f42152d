"""Task execution end to end over HTTP: the orchestrator, its workers, and fake arms on
127.0.0.1 speaking the real arm contract; on the embedded default and on Redis."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from octollm.clock import parse_rfc3339
from octollm.orchestrator.execution.arms import load_arms
from tests.conftest import SpecClient, free_port
from tests.orchestrator.arms import (
    UNAVAILABLE,
    ScriptedArm,
    fail,
    hang,
    serve_arm,
    wait_for,
    wait_for_status,
    write_arms_file,
)
from tests.orchestrator.helpers import GOAL, TASKS, create_task, sample, scrape

Fleet = Callable[..., SpecClient]


@pytest.fixture
def fleet(tmp_path: Path, make_orchestrator: Callable[..., SpecClient]) -> Iterator[Fleet]:
    """Serves the given fake arms, writes the arms file, returns an orchestrator using them."""
    stack = contextlib.ExitStack()

    def make(*arms: ScriptedArm, extra: tuple[dict, ...] = (), **settings: Any) -> SpecClient:
        entries = [
            {
                "id": arm.arm_id,
                "url": stack.enter_context(serve_arm(arm)),
                "capabilities": arm.capability_list,
                "timeout_seconds": 10,
                "max_concurrency": 4,
            }
            for arm in arms
        ]
        path = write_arms_file(tmp_path / "arms.yaml", [*entries, *extra])
        values = {
            "arms_file": str(path),
            "retry_base_seconds": 0.01,
            "retry_max_seconds": 0.05,
            "reaper_interval_seconds": 0.2,
            "reaper_grace_seconds": 0.5,
            "worker_concurrency": 4,
        }
        return make_orchestrator(**{**values, **settings})

    with stack:
        yield make


def submit(client: SpecClient, **fields: Any) -> dict:
    """Creates a task with a goal of its own: the Reflex Layer (and so its result cache) is
    shared by every test of the session."""
    fields.setdefault("goal", f"{GOAL} (run {time.time_ns()})")
    return create_task(client, **fields)


def general(script: list[tuple] | None = None, arm_id: str = "alpha") -> ScriptedArm:
    return ScriptedArm(arm_id, ["general"], script)


# --- success and failure ------------------------------------------------------------------------


def test_a_task_is_executed_by_an_arm_and_completes(fleet: Fleet):
    arm = general()
    client = fleet(arm)
    created = submit(client, context="The incident began at 14:05 UTC")

    task = wait_for_status(client, created["task_id"])

    assert task["status"] == "completed", task
    assert task["result"] == {"answer": f"alpha did: {created['goal']}"}
    assert task["error"] is None
    assert task["provenance"] == {
        "arm_id": "alpha",
        "processing_time_ms": 7,
        "tokens_used": 42,
        "model": "fake-model-1",
        "cache_hit": False,
        "attempts": 1,
    }
    assert isinstance(task["processing_time_ms"], int) and task["processing_time_ms"] >= 0
    assert parse_rfc3339(task["updated_at"]) >= parse_rfc3339(task["created_at"])
    [call] = arm.calls
    assert call["task"]["task_id"] == created["task_id"]
    assert call["task"]["goal"] == created["goal"]
    assert call["task"]["context"] == "The incident began at 14:05 UTC"
    assert call["request_id"] == created["task_id"]
    assert 1 <= call["timeout_seconds"] <= 10  # the arm's limit, within the task's budget


def test_an_arm_reporting_failure_fails_the_task_with_its_code_and_is_not_retried(fleet: Fleet):
    arm = general([fail("BUDGET_EXCEEDED", "The answer would cost $3.10, over the $1 budget")])
    client = fleet(arm)
    created = submit(client)

    task = wait_for_status(client, created["task_id"])

    assert task["status"] == "failed"
    assert task["error"] == {
        "code": "BUDGET_EXCEEDED",
        "message": "The answer would cost $3.10, over the $1 budget",
        "arm_id": "alpha",
    }
    assert task["result"] is None and task["provenance"] is None
    assert len(arm.calls) == 1


def test_an_unavailable_arm_is_retried_then_succeeds(fleet: Fleet):
    arm = general([UNAVAILABLE, UNAVAILABLE])
    client = fleet(arm, retry_attempts=3)
    created = submit(client)

    task = wait_for_status(client, created["task_id"])

    assert task["status"] == "completed", task
    assert task["provenance"]["attempts"] == 3
    assert len(arm.calls_for(created["task_id"])) == 3
    samples = scrape(client)
    assert sample(samples, "octollm_arm_retries_total", arm="alpha") == 2
    assert sample(samples, "octollm_arm_calls_total", arm="alpha", outcome="unavailable") == 2
    assert sample(samples, "octollm_arm_calls_total", arm="alpha", outcome="success") == 1


def test_retries_are_bounded(fleet: Fleet):
    arm = general([UNAVAILABLE] * 5)
    client = fleet(arm, retry_attempts=2)
    created = submit(client)

    task = wait_for_status(client, created["task_id"])

    assert task["status"] == "failed", (task, arm.calls)
    assert task["error"]["code"] == "ARM_UNAVAILABLE"
    assert "after 2 attempts" in task["error"]["message"]
    assert task["error"]["arm_id"] == "alpha"
    assert len(arm.calls) == 2


def test_an_unreachable_arm_is_retried_on_another_arm(fleet: Fleet):
    """Connection errors are retried; the breaker of the dead arm counts them."""
    beta = general(arm_id="beta")
    dead = {
        "id": "a-dead",  # first by name among equally loaded arms
        "url": f"http://127.0.0.1:{free_port()}/api/v1",
        "capabilities": ["general"],
    }
    client = fleet(beta, extra=(dead,), retry_attempts=3)
    created = submit(client)

    task = wait_for_status(client, created["task_id"])

    assert task["status"] == "completed", task
    assert task["provenance"]["arm_id"] == "beta"
    samples = scrape(client)
    assert sample(samples, "octollm_arm_calls_total", arm="a-dead", outcome="unavailable") >= 1


# --- deadlines ------------------------------------------------------------------------------


def test_a_task_past_its_deadline_fails_with_timeout_and_its_call_is_abandoned(fleet: Fleet):
    arm = general([hang(30)])
    client = fleet(arm)
    started = time.monotonic()
    created = submit(client, budget={"max_time_seconds": 1})

    task = wait_for_status(client, created["task_id"], timeout=5)

    assert task["status"] == "failed"
    assert task["error"]["code"] == "TIMEOUT"
    assert "budget of 1 s" in task["error"]["message"]
    assert time.monotonic() - started < 3
    assert task["processing_time_ms"] <= 1500
    wait_for(
        lambda: sample(scrape(client), "octollm_arm_in_flight", arm="alpha") == 0,
        what="the abandoned call to end",
    )
    assert created["task_id"] not in arm.finished


def test_with_no_arm_offering_the_capabilities_a_task_fails_at_its_deadline(fleet: Fleet):
    client = fleet(general())
    created = submit(client, required_capabilities=["chemistry"], budget={"max_time_seconds": 1})
    assert created["status"] == "pending"

    task = wait_for_status(client, created["task_id"], timeout=5)

    assert task["status"] == "failed"
    assert task["error"]["code"] == "NO_ARM_AVAILABLE"
    assert "no configured arm offers all of [chemistry]" in task["error"]["message"]
    assert parse_rfc3339(task["updated_at"]) >= parse_rfc3339(task["deadline_at"]) - 0.05


def test_with_no_arms_configured_a_task_fails_at_its_deadline(make_orchestrator):
    client = make_orchestrator(reaper_interval_seconds=0.2, reaper_grace_seconds=0.5)
    created = submit(client, budget={"max_time_seconds": 1})

    task = wait_for_status(client, created["task_id"], timeout=5)

    assert task["error"]["code"] == "NO_ARM_AVAILABLE"
    assert "no arms are configured" in task["error"]["message"]


def test_the_reaper_fails_queued_tasks_past_their_deadline(make_orchestrator):
    """No worker takes it (none runs here): the deadline still ends it."""
    client = make_orchestrator(
        worker_concurrency=0, reaper_interval_seconds=0.2, reaper_grace_seconds=0.2
    )
    created = submit(client, budget={"max_time_seconds": 1})

    task = wait_for_status(client, created["task_id"], timeout=5)

    assert task["status"] == "failed"
    assert task["error"]["code"] in {"NO_ARM_AVAILABLE", "TIMEOUT"}


# --- cancelling -----------------------------------------------------------------------------


def test_cancelling_a_processing_task_abandons_its_call_within_a_second(fleet: Fleet):
    arm = general([hang(3)])
    client = fleet(arm)
    created = submit(client)
    wait_for_status(client, created["task_id"], "processing")
    wait_for(lambda: arm.calls, what="the arm to be called")

    started = time.monotonic()
    response = client.delete(f"{TASKS}/{created['task_id']}")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    wait_for(
        lambda: sample(scrape(client), "octollm_arm_in_flight", arm="alpha") == 0,
        timeout=1.0,
        what="the cancelled call to be abandoned",
    )
    assert time.monotonic() - started < 1.0

    time.sleep(3.2)  # past the moment the arm would have answered
    task = client.get(f"{TASKS}/{created['task_id']}").json()
    assert task["status"] == "cancelled"
    assert task["result"] is None


# --- the reflex shortcut ----------------------------------------------------------------------


def test_an_identical_task_completes_at_once_from_the_reflex_cache(fleet: Fleet):
    arm = general()
    client = fleet(arm)
    goal = f"Summarise report {time.time_ns()}"
    first = wait_for_status(client, submit(client, goal=goal)["task_id"])
    assert first["status"] == "completed"

    second = submit(client, goal=goal)

    assert second["status"] == "completed"
    assert second["task_id"] != first["task_id"]
    assert second["cache_key"] == first["cache_key"]
    assert second["result"] == first["result"]
    assert second["provenance"] == {**first["provenance"], "cache_hit": True, "attempts": 0}
    assert len(arm.calls) == 1
    assert client.get(f"{TASKS}/{second['task_id']}").json() == second


def test_use_cache_false_executes_again(fleet: Fleet):
    arm = general()
    client = fleet(arm)
    goal = f"Summarise report {time.time_ns()}"
    wait_for_status(client, submit(client, goal=goal)["task_id"])

    again = submit(client, goal=goal, use_cache=False)

    assert again["status"] == "pending"
    assert wait_for_status(client, again["task_id"])["provenance"]["cache_hit"] is False
    assert len(arm.calls) == 2


def test_a_task_differing_in_what_shapes_the_result_is_not_a_cache_hit(fleet: Fleet):
    arm = general()
    client = fleet(arm)
    goal = f"Summarise report {time.time_ns()}"
    first = wait_for_status(client, submit(client, goal=goal)["task_id"])

    other = submit(client, goal=goal, acceptance_criteria=["At most 50 words"])

    assert other["status"] == "pending"
    assert other["cache_key"] != first["cache_key"]
    wait_for_status(client, other["task_id"])
    assert len(arm.calls) == 2


# --- choosing arms, breakers, health, metrics -----------------------------------------------


def test_a_task_goes_to_an_arm_offering_all_its_capabilities(fleet: Fleet):
    # "a-plain" comes first among equally loaded arms: only the capabilities rule it out.
    plain, coder = general(arm_id="a-plain"), ScriptedArm("b-coder", ["general", "code"])
    client = fleet(plain, coder)
    created = submit(client, required_capabilities=["code", "general"])

    task = wait_for_status(client, created["task_id"])

    assert task["provenance"]["arm_id"] == "b-coder"
    assert plain.calls == []


def test_a_failing_arm_trips_its_circuit_breaker(fleet: Fleet):
    arm = general([UNAVAILABLE] * 2)
    client = fleet(arm, retry_attempts=1, circuit_failure_threshold=2, circuit_reset_seconds=1.5)
    for _ in range(2):
        failed = wait_for_status(client, submit(client)["task_id"])
        assert failed["error"]["code"] == "ARM_UNAVAILABLE"

    health = client.get("/api/v1/health")
    assert health.status_code == 200  # arms are not required dependencies
    assert health.json()["status"] == "degraded"
    state = health.json()["dependencies"]["arm:alpha"]
    assert state["status"] == "down" and state["required"] is False
    assert "circuit open" in state["detail"]
    assert sample(scrape(client), "octollm_arm_circuit_state", arm="alpha") == 2

    # While open, no call reaches the arm; after the reset a probe does, and closes it.
    waiting = submit(client)
    time.sleep(0.5)
    assert len(arm.calls) == 2
    task = wait_for_status(client, waiting["task_id"], timeout=5)
    assert task["status"] == "completed"
    assert len(arm.calls) == 3
    assert sample(scrape(client), "octollm_arm_circuit_state", arm="alpha") == 0
    assert client.get("/api/v1/health").json()["dependencies"]["arm:alpha"]["status"] == "up"


def test_execution_metrics(fleet: Fleet):
    arm = general([fail("NOPE", "no")])
    client = fleet(arm)
    wait_for_status(client, submit(client)["task_id"])
    wait_for_status(client, submit(client)["task_id"])

    samples = scrape(client)
    assert sample(samples, "octollm_task_execution_seconds_count", status="failed") == 1
    assert sample(samples, "octollm_task_execution_seconds_count", status="completed") == 1
    assert sample(samples, "octollm_arm_calls_total", arm="alpha", outcome="failure") == 1
    assert sample(samples, "octollm_arm_calls_total", arm="alpha", outcome="success") == 1
    assert sample(samples, "octollm_tasks", status="completed") == 1
    assert sample(samples, "octollm_tasks", status="failed") == 1
    assert sample(samples, "octollm_task_queue_depth") == 0


# --- durability -----------------------------------------------------------------------------


def test_a_task_queued_before_a_restart_is_executed_after_it(fleet: Fleet):
    arm = general()
    first = fleet(arm, worker_concurrency=0)  # accepts, but executes nothing
    created = submit(first)
    first.__exit__(None, None, None)

    second = fleet(arm)
    task = wait_for_status(second, created["task_id"])

    assert task["status"] == "completed", task
    assert len(arm.calls_for(created["task_id"])) == 1


def test_a_task_cut_off_by_a_stop_is_executed_again_after_the_restart(fleet: Fleet):
    """At least once: the call in flight when the orchestrator stopped is made again."""
    arm = general([hang(4)])
    first = fleet(arm, queue_visibility_timeout_seconds=1.0)
    created = submit(first)
    wait_for_status(first, created["task_id"], "processing")
    first.__exit__(None, None, None)

    second = fleet(arm, queue_visibility_timeout_seconds=1.0)
    task = wait_for_status(second, created["task_id"], timeout=8)

    assert task["status"] == "completed", task
    assert len(arm.calls_for(created["task_id"])) == 2


# --- the arms file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("arms: [{id: a, url: 'http://x'}]", "arms/0: 'capabilities' is a required property"),
        ("arms: [{id: a, url: ftp://x, capabilities: [general]}]", "arms/0/url"),
        (
            "arms: [{id: a, url: 'http://x', capabilities: [general], max_concurrency: 0}]",
            "arms/0/max_concurrency",
        ),
        (
            "arms:\n - {id: a, url: 'http://x', capabilities: [g]}\n"
            " - {id: a, url: 'http://y', capabilities: [g]}",
            "arm ids must be unique: a",
        ),
        ("arms: [", "while parsing"),
    ],
)
def test_a_wrong_arms_file_stops_the_start_with_a_clear_error(tmp_path, content, problem):
    path = tmp_path / "arms.yaml"
    path.write_text(content)
    with pytest.raises(ValueError) as caught:
        load_arms(path)
    assert str(caught.value).startswith(f"arms file {path}: ")
    assert problem in str(caught.value)
