"""The Reflex Layer gate on POST /tasks: blocks, PII, and an unreachable, slow or broken Reflex."""

from __future__ import annotations

import asyncio
import time

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse

from tests.conftest import live_server
from tests.orchestrator.helpers import (
    GOAL,
    INJECTION,
    TASKS,
    closed_port_url,
    create_task,
    error_of,
    fake_reflex,
    list_tasks,
    sample,
    scrape,
    validation_error,
    verdict,
)


def total(client) -> int:
    return list_tasks(client)["pagination"]["total_items"]


def reflex_calls(client, outcome: str) -> float | None:
    return sample(scrape(client), "octollm_reflex_calls_total", outcome=outcome)


def assert_unavailable(response) -> dict:
    error = error_of(response, 503, "SERVICE_UNAVAILABLE")
    assert error["details"]["dependency"] == "reflex"
    return error


# --- decisions of the real Reflex Layer ------------------------------------------------------


def test_an_injected_goal_is_rejected(orchestrator):
    response = orchestrator.post(TASKS, json={"goal": INJECTION})

    error = validation_error(response, "goal", "reflex_policy")
    matches = error["details"]["matches"]
    assert matches
    assert "IgnorePrevious" in {m["type"] for m in matches}
    assert "IgnorePrevious" in error["message"]
    assert total(orchestrator) == 0


def test_an_injected_context_is_rejected(orchestrator):
    response = orchestrator.post(TASKS, json={"goal": GOAL, "context": f"Note: {INJECTION}"})

    error = validation_error(response, "context", "reflex_policy")
    assert "IgnorePrevious" in {m["type"] for m in error["details"]["matches"]}
    assert total(orchestrator) == 0


def test_pii_alone_does_not_block(orchestrator):
    goal = "Email the incident summary to jane.doe@example.com by Friday"

    task = create_task(orchestrator, goal, context="Call me on 555-123-4567")

    assert task["goal"] == goal
    assert task["status"] == "pending"


def test_a_blocked_create_with_a_key_does_not_claim_it(orchestrator):
    headers = {"Idempotency-Key": "screened"}
    blocked = orchestrator.post(TASKS, json={"goal": INJECTION}, headers=headers)
    validation_error(blocked, "goal", "reflex_policy")

    accepted = orchestrator.post(TASKS, json={"goal": GOAL}, headers=headers)

    assert accepted.status_code == 202
    assert total(orchestrator) == 1


# --- a Reflex Layer that is down, slow or broken ---------------------------------------------


def test_an_unreachable_reflex_is_service_unavailable(make_orchestrator):
    client = make_orchestrator(reflex_url=closed_port_url())

    assert_unavailable(client.post(TASKS, json={"goal": GOAL}))

    assert total(client) == 0
    assert reflex_calls(client, "error") == 1


def test_a_slow_reflex_times_out_quickly(make_orchestrator):
    async def slow(_request: Request) -> JSONResponse:
        await asyncio.sleep(1.0)
        return JSONResponse(verdict())

    with live_server(fake_reflex(slow)) as url:
        client = make_orchestrator(reflex_url=url, reflex_timeout_seconds=0.2)
        started = time.monotonic()
        response = client.post(TASKS, json={"goal": GOAL})
        elapsed = time.monotonic() - started

        error = assert_unavailable(response)
        assert elapsed < 0.8, elapsed
        assert "0.2" in error["message"]
        assert total(client) == 0
        assert reflex_calls(client, "timeout") == 1


@pytest.mark.parametrize("status", [500, 503, 404])
def test_a_failing_reflex_is_service_unavailable(make_orchestrator, status):
    async def broken(_request: Request) -> JSONResponse:
        return JSONResponse({"error": "boom"}, status_code=status)

    with live_server(fake_reflex(broken)) as url:
        client = make_orchestrator(reflex_url=url)

        error = assert_unavailable(client.post(TASKS, json={"goal": GOAL}))

        assert str(status) in error["message"]
        assert total(client) == 0


def test_the_request_id_is_passed_to_the_reflex(make_orchestrator):
    seen: list[str | None] = []

    async def recording(request: Request) -> JSONResponse:
        seen.append(request.headers.get("x-request-id"))
        return JSONResponse(verdict())

    with live_server(fake_reflex(recording)) as url:
        client = make_orchestrator(reflex_url=url)
        chosen = client.post(TASKS, json={"goal": GOAL}, headers={"X-Request-ID": "trace-42.a:b"})
        generated = client.post(TASKS, json={"goal": GOAL})

    assert chosen.status_code == generated.status_code == 202
    assert chosen.headers["x-request-id"] == "trace-42.a:b"
    assert seen == ["trace-42.a:b", generated.headers["x-request-id"]]


def test_goal_and_context_are_both_screened(make_orchestrator):
    screened: list[str] = []

    async def recording(request: Request) -> JSONResponse:
        screened.append((await request.json())["text"])
        return JSONResponse(verdict())

    with live_server(fake_reflex(recording)) as url:
        client = make_orchestrator(reflex_url=url)
        create_task(client, GOAL, context="Some background")

    assert sorted(screened) == sorted([GOAL, "Some background"])


def test_a_pii_block_names_the_pii_it_found(make_orchestrator):
    """With OCTOLLM_REFLEX_PII_ACTION=block the reflex blocks on PII alone."""
    found = {"type": "Email", "start": 8, "end": 24, "confidence": 0.95, "masked": "*" * 12}

    async def blocking(_request: Request) -> JSONResponse:
        return JSONResponse({**verdict("block"), "pii_detected": True, "pii_matches": [found]})

    with live_server(fake_reflex(blocking)) as url:
        client = make_orchestrator(reflex_url=url)
        response = client.post(TASKS, json={"goal": "Mail to jane@example.com"})

    error = response.json()["error"]
    assert response.status_code == 400
    assert error["message"] == "goal: rejected by the reflex policy (Email)"
    assert error["details"] == {"field": "goal", "constraint": "reflex_policy", "matches": [found]}
