"""Shared helpers for the arm tests."""

from __future__ import annotations

import copy
from typing import Any

from tests.conftest import SpecClient

EXECUTE = "/api/v1/execute"
CAPABILITIES = "/api/v1/capabilities"
HEALTH = "/api/v1/health"
METRICS = "/api/v1/metrics"

TASK: dict[str, Any] = {
    "task_id": "3f1e4c1a-7d7e-4b8e-9a53-0c1f2b8d9e10",
    "goal": "Summarise the incident report in five bullet points",
    "context": "p99 latency of /checkout rose from 120 ms to 2.3 s at 14:05 UTC",
    "constraints": {"max_sources": 5, "tone": "neutral"},
    "acceptance_criteria": ["Exactly five bullet points", "Names the component responsible"],
    "budget": {"max_tokens": 2000, "max_time_seconds": 300, "max_cost_usd": 1.0},
}


def task(**changes: Any) -> dict[str, Any]:
    """TASK with top-level fields changed; `budget=` replaces the whole budget."""
    return {**copy.deepcopy(TASK), **changes}


def post_execute(
    client: SpecClient,
    the_task: dict[str, Any] | None = None,
    *,
    timeout_seconds: int = 30,
    request_id: str = "req-1",
) -> Any:
    body = {
        "task": TASK if the_task is None else the_task,
        "request_id": request_id,
        "timeout_seconds": timeout_seconds,
    }
    return client.post(EXECUTE, json=body)


def execute(client: SpecClient, the_task: dict[str, Any] | None = None, **options: Any) -> Any:
    """The ExecuteResult of a request that must answer 200."""
    response = post_execute(client, the_task, **options)
    assert response.status_code == 200, response.text
    return response.json()


def failed(result: dict[str, Any], code: str) -> dict[str, Any]:
    """Asserts a failed execution with `code`; returns its error."""
    assert result["success"] is False, result
    assert result["result"] is None
    assert result["error"]["code"] == code, result["error"]
    return result["error"]
