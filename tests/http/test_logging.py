"""Logging: every line about a request carries the request's id."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from octollm.log import FORMAT
from tests.http._support import Service, is_uuid


def access_records(logs: pytest.LogCaptureFixture, rid: str) -> list[logging.LogRecord]:
    return [
        r
        for r in logs.records
        if r.name == "octollm.access" and getattr(r, "request_id", None) == rid
    ]


def test_access_log_line_carries_the_supplied_request_id(
    client: Any, service: Service, logs: pytest.LogCaptureFixture
) -> None:
    rid = f"access-{service.name}-1"
    response = client.get(service.json_get, headers={"X-Request-ID": rid})
    assert response.status_code == 200
    records = access_records(logs, rid)
    assert len(records) == 1, [(r.name, r.getMessage()) for r in logs.records]
    record = records[0]
    assert record.levelno == logging.INFO
    assert re.fullmatch(rf"GET {re.escape(service.json_get)} 200 \d+\.\dms", record.getMessage())
    formatted = logging.Formatter(FORMAT).format(record)
    assert f"[{rid}]" in formatted


def test_access_log_line_carries_the_generated_request_id(
    client: Any, service: Service, logs: pytest.LogCaptureFixture
) -> None:
    response = client.get("/api/v1/nope")
    rid = response.headers["x-request-id"]
    assert is_uuid(rid)
    records = access_records(logs, rid)
    assert len(records) == 1
    assert records[0].getMessage().startswith("GET /api/v1/nope 404 ")


def test_access_log_for_a_rejected_request_id_carries_the_replacement(
    client: Any, service: Service, logs: pytest.LogCaptureFixture
) -> None:
    response = client.get(service.json_get, headers={"X-Request-ID": "not valid!"})
    assert response.status_code == 400
    rid = response.headers["x-request-id"]
    assert len(access_records(logs, rid)) == 1
    assert not [r for r in logs.records if getattr(r, "request_id", None) == "not valid!"]


def test_every_record_of_a_request_carries_its_id(
    client: Any, service: Service, logs: pytest.LogCaptureFixture
) -> None:
    rid = f"all-lines-{service.name}"
    client.post(
        service.post_path,
        content=b"{",
        headers={"content-type": "application/json", "X-Request-ID": rid},
    )
    ours = [r for r in logs.records if r.name.startswith("octollm")]
    assert {r.name for r in ours} >= {"octollm.access", "octollm.errors"}
    assert {r.request_id for r in ours} == {rid}  # type: ignore[attr-defined]


def test_orchestrator_forwards_the_request_id_to_the_reflex_layer(
    orchestrator: Any, logs: pytest.LogCaptureFixture
) -> None:
    """The live Reflex Layer logs its /check under the id the orchestrator was called with."""
    rid = "forwarded-to-reflex-1"
    response = orchestrator.post(
        "/api/v1/tasks", json={"goal": "Say hi"}, headers={"X-Request-ID": rid}
    )
    assert response.status_code == 202, response.text
    lines = [r.getMessage() for r in access_records(logs, rid)]
    assert any(line.startswith("POST /api/v1/check 200 ") for line in lines), lines
    assert any(line.startswith("POST /api/v1/tasks 202 ") for line in lines), lines
