"""GET /health and GET /metrics."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from octollm import __version__
from tests.orchestrator.helpers import (
    INJECTION,
    TASKS,
    closed_port_url,
    create_task,
    error_of,
    sample,
    scrape,
)

HEALTH = "/api/v1/health"
METRICS = "/api/v1/metrics"


# --- health -----------------------------------------------------------------------------------


def test_health_reports_every_dependency_up(orchestrator, reflex_url):
    response = orchestrator.get(HEALTH)

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "healthy"
    assert report["service"] == "orchestrator"
    assert report["version"] == __version__
    assert report["uptime_seconds"] >= 0
    assert set(report["dependencies"]) == {"storage", "reflex"}
    for dependency in report["dependencies"].values():
        assert dependency["status"] == "up"
        assert dependency["required"] is True
        assert dependency["latency_ms"] >= 0
    assert report["dependencies"]["reflex"]["detail"] == reflex_url


def test_uptime_grows(orchestrator):
    first = orchestrator.get(HEALTH).json()["uptime_seconds"]
    create_task(orchestrator)

    assert orchestrator.get(HEALTH).json()["uptime_seconds"] >= first


def test_health_with_the_reflex_down_is_service_unavailable(make_orchestrator):
    client = make_orchestrator(reflex_url=closed_port_url())

    error = error_of(client.get(HEALTH), 503, "SERVICE_UNAVAILABLE")

    assert "reflex" in error["message"]
    report = error["details"]
    assert report["status"] == "unhealthy"
    assert report["service"] == "orchestrator"
    assert report["version"] == __version__
    assert report["dependencies"]["reflex"]["status"] == "down"
    assert report["dependencies"]["reflex"]["required"] is True
    assert report["dependencies"]["reflex"]["detail"]
    assert report["dependencies"]["storage"]["status"] == "up"


# --- metrics ----------------------------------------------------------------------------------


@pytest.fixture
def busy(orchestrator):
    """An orchestrator after 2 high and 1 low task, one of them cancelled, and one blocked."""
    high = [create_task(orchestrator, priority="high") for _ in range(2)]
    create_task(orchestrator, priority="low")
    assert orchestrator.delete(f"{TASKS}/{high[0]['task_id']}").status_code == 200
    assert orchestrator.post(TASKS, json={"goal": INJECTION}).status_code == 400
    return orchestrator


def test_metrics_are_prometheus_text(orchestrator):
    response = orchestrator.get(METRICS)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "octollm_http_requests",
        "octollm_http_request_duration_seconds",
        "octollm_tasks_created",
        "octollm_tasks",
        "octollm_reflex_calls",
    } <= names


def test_requests_are_counted_by_operation_method_and_status(busy):
    samples = scrape(busy)

    def requests(operation: str, method: str, status: str) -> float | None:
        return sample(
            samples,
            "octollm_http_requests_total",
            operation=operation,
            method=method,
            status=status,
        )

    assert requests("tasks.create", "POST", "202") == 3
    assert requests("tasks.create", "POST", "400") == 1
    assert requests("tasks.cancel", "DELETE", "200") == 1


def test_latency_is_a_histogram_by_operation(busy):
    samples = scrape(busy)

    count = sample(samples, "octollm_http_request_duration_seconds_count", operation="tasks.create")
    everything = sample(
        samples, "octollm_http_request_duration_seconds_bucket", operation="tasks.create", le="+Inf"
    )
    buckets = [
        value
        for (name, labels), value in samples.items()
        if name == "octollm_http_request_duration_seconds_bucket"
        and ("operation", "tasks.create") in labels
    ]
    assert count == everything == 4
    assert len(buckets) > 1
    assert (
        sample(samples, "octollm_http_request_duration_seconds_sum", operation="tasks.create") > 0
    )


def test_tasks_created_are_counted_by_priority(busy):
    samples = scrape(busy)

    assert sample(samples, "octollm_tasks_created_total", priority="high") == 2
    assert sample(samples, "octollm_tasks_created_total", priority="low") == 1
    assert sample(samples, "octollm_tasks_created_total", priority="critical") in (None, 0)


def test_an_idempotent_replay_is_not_counted_as_created(orchestrator):
    for _ in range(3):
        response = orchestrator.post(
            TASKS, json={"goal": "Once", "priority": "critical"}, headers={"Idempotency-Key": "m"}
        )
        assert response.status_code == 202

    assert sample(scrape(orchestrator), "octollm_tasks_created_total", priority="critical") == 1


def test_stored_tasks_are_gauged_by_status(busy):
    samples = scrape(busy)

    assert sample(samples, "octollm_tasks", status="pending") == 2
    assert sample(samples, "octollm_tasks", status="cancelled") == 1
    assert sample(samples, "octollm_tasks", status="completed") == 0


def test_the_status_gauge_follows_a_cancel(orchestrator):
    task = create_task(orchestrator)
    assert sample(scrape(orchestrator), "octollm_tasks", status="pending") == 1

    orchestrator.delete(f"{TASKS}/{task['task_id']}")

    samples = scrape(orchestrator)
    assert sample(samples, "octollm_tasks", status="pending") == 0
    assert sample(samples, "octollm_tasks", status="cancelled") == 1


def test_reflex_calls_are_counted_by_outcome(busy):
    samples = scrape(busy)

    assert sample(samples, "octollm_reflex_calls_total", outcome="allow") == 3
    assert sample(samples, "octollm_reflex_calls_total", outcome="block") == 1
