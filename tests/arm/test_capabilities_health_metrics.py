"""GET /capabilities, /health (the upstream is a required dependency) and /metrics."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from octollm import __version__
from tests.arm.helpers import CAPABILITIES, HEALTH, METRICS, execute, post_execute
from tests.conftest import free_port


def test_capabilities_come_from_the_settings(make_arm):
    arm = make_arm(arm_id="coder", arm_capabilities="code, general", arm_max_concurrency=3)

    response = arm.get(CAPABILITIES, headers={"X-Request-ID": "caps-1"})

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "caps-1"
    assert response.json() == {
        "arm_id": "coder",
        "capabilities": ["code", "general"],
        "max_concurrency": 3,
    }


def test_capabilities_default_to_general_and_four(arm):
    assert arm.get(CAPABILITIES).json() == {
        "arm_id": "llm",
        "capabilities": ["general"],
        "max_concurrency": 4,
    }


@pytest.mark.parametrize("models_status", [200, 404])
def test_health_is_healthy_when_the_upstream_answers(arm, upstream, models_status):
    upstream.models_status = models_status  # 404: a server without a model list is up

    response = arm.get(HEALTH)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["service"] == "arm"
    assert body["version"] == __version__
    dependency = body["dependencies"]["upstream"]
    assert dependency["status"] == "up"
    assert dependency["required"] is True
    assert dependency["detail"] == f"{upstream.url} (model fake-model)"
    assert len(upstream.model_requests) == 1


@pytest.mark.parametrize("models_status", [401, 500])
def test_health_is_503_when_the_upstream_fails_its_probe(arm, upstream, models_status):
    upstream.models_status = models_status

    response = arm.get(HEALTH)

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE"
    assert error["message"] == "Required dependency down: upstream"
    dependency = error["details"]["dependencies"]["upstream"]
    assert dependency["status"] == "down"
    assert f"answered {models_status}" in dependency["detail"]


def test_health_is_503_when_the_upstream_is_unreachable(make_arm):
    arm = make_arm(arm_upstream_url=f"http://127.0.0.1:{free_port()}")

    response = arm.get(HEALTH)

    assert response.status_code == 503
    details = response.json()["error"]["details"]
    assert details["status"] == "unhealthy"
    assert "ConnectError" in details["dependencies"]["upstream"]["detail"]


def samples(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get(METRICS)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/plain"
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def test_metrics_count_executions_by_outcome_and_tokens(arm, upstream):
    execute(arm)
    execute(arm)
    upstream.reply.status, upstream.reply.error = 400, "no"
    execute(arm)
    upstream.reply.status = 503
    assert post_execute(arm).status_code == 503
    assert arm.post("/api/v1/execute", json={}).status_code == 400

    found = samples(arm)

    executions = "octollm_arm_executions_total"
    assert found[(executions, (("outcome", "success"),))] == 2
    assert found[(executions, (("outcome", "UPSTREAM_REJECTED"),))] == 1
    assert found[(executions, (("outcome", "SERVICE_UNAVAILABLE"),))] == 1
    assert found[("octollm_arm_tokens_total", ())] == 84
    requests = "octollm_http_requests_total"
    labels = (("method", "POST"), ("operation", "execute.run"), ("status", "200"))
    assert found[(requests, labels)] == 3
    labels = (("method", "POST"), ("operation", "execute.run"), ("status", "400"))
    assert found[(requests, labels)] == 1
