"""Request limits: the body size (413 PAYLOAD_TOO_LARGE) and the deadline (408 TIMEOUT)."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.conftest import live_server
from tests.http._support import Service, assert_envelope, json_body_of_size

LIMIT = 1000
JSON = {"content-type": "application/json"}


def _chunks(body: bytes, size: int = 100) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.fixture
def limited(make_client: Callable[..., Any]) -> Any:
    return make_client(max_body_bytes=LIMIT)


def _assert_too_large(response: Any, rid: str) -> None:
    error = assert_envelope(
        response,
        413,
        "PAYLOAD_TOO_LARGE",
        request_id=rid,
        field="body",
        constraint="max_body_bytes",
    )
    assert error["details"]["limit"] == LIMIT
    assert str(LIMIT) in error["message"]


def test_declared_body_over_the_limit_is_413(limited: Any, service: Service) -> None:
    body = json_body_of_size(service.post_body, service.text_field, 2 * LIMIT)
    response = limited.post(
        service.post_path, content=body, headers={**JSON, "X-Request-ID": "big-declared"}
    )
    assert response.request.headers["content-length"] == str(2 * LIMIT)
    _assert_too_large(response, "big-declared")


def test_one_byte_over_the_limit_is_413(limited: Any, service: Service) -> None:
    body = json_body_of_size(service.post_body, service.text_field, LIMIT + 1)
    response = limited.post(service.post_path, content=body, headers={**JSON, "X-Request-ID": "b1"})
    _assert_too_large(response, "b1")


def test_chunked_body_over_the_limit_is_413_while_streaming(limited: Any, service: Service) -> None:
    body = json_body_of_size(service.post_body, service.text_field, 2 * LIMIT)
    response = limited.post(
        service.post_path, content=_chunks(body), headers={**JSON, "X-Request-ID": "big-chunked"}
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers.get("transfer-encoding") == "chunked"
    _assert_too_large(response, "big-chunked")


def test_declared_length_is_trusted_no_further_than_the_bytes_read(
    limited: Any, service: Service
) -> None:
    """A small Content-Length does not let a bigger streamed body through."""
    body = json_body_of_size(service.post_body, service.text_field, 2 * LIMIT)
    response = limited.post(
        service.post_path,
        content=_chunks(body),
        headers={**JSON, "X-Request-ID": "lying", "content-length": "10"},
    )
    assert response.request.headers["content-length"] == "10"
    _assert_too_large(response, "lying")


@pytest.mark.parametrize("size", [LIMIT - 10, LIMIT])
def test_body_up_to_the_limit_is_accepted(limited: Any, service: Service, size: int) -> None:
    body = json_body_of_size(service.post_body, service.text_field, size)
    response = limited.post(service.post_path, content=body, headers=JSON)
    assert response.status_code == service.post_status, response.text


def test_chunked_body_under_the_limit_is_accepted(limited: Any, service: Service) -> None:
    body = json_body_of_size(service.post_body, service.text_field, LIMIT - 10)
    response = limited.post(service.post_path, content=_chunks(body), headers=JSON)
    assert "content-length" not in response.request.headers
    assert response.status_code == service.post_status, response.text
    sent = json.loads(body)[service.text_field]
    if service.name == "orchestrator":
        assert response.json()["goal"] == sent
    else:
        assert response.json()["cache_key"] == "sha256:" + hashlib.sha256(sent.encode()).hexdigest()


def test_non_numeric_content_length_is_a_validation_error(limited: Any, service: Service) -> None:
    response = limited.post(
        service.post_path, content=b"{}", headers={**JSON, "content-length": "abc"}
    )
    assert_envelope(response, 400, "VALIDATION_ERROR", field="Content-Length")


def test_default_limit_is_one_mebibyte(client: Any, service: Service) -> None:
    response = client.post(service.post_path, content=b" " * (1_048_576 + 1), headers=JSON)
    error = assert_envelope(response, 413, "PAYLOAD_TOO_LARGE")
    assert error["details"]["limit"] == 1_048_576


# --- the deadline ----------------------------------------------------------------------------


def test_slow_handler_times_out_with_408(
    make_client: Callable[..., Any], service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    module_name, class_name, method = service.breakable[0].rsplit(".", 2)
    cls = getattr(importlib.import_module(module_name), class_name)

    async def slow(*_args: Any, **_kwargs: Any) -> Any:
        await asyncio.sleep(2)  # cancelled by the deadline

    monkeypatch.setattr(cls, method, slow)
    client = make_client(request_timeout_seconds=0.3)
    started = time.monotonic()
    response = client.request(*service.breakable[1:], headers={"X-Request-ID": "slow-1"})
    elapsed = time.monotonic() - started
    error = assert_envelope(response, 408, "TIMEOUT", request_id="slow-1")
    assert error["details"]["deadline_seconds"] == 0.3
    assert "0.3 seconds" in error["message"]
    assert elapsed < 1.5


@pytest.fixture
def slow_reflex() -> Iterator[str]:
    """A stand-in Reflex Layer whose /check takes 2 s (released early when the test ends)."""
    released = False

    async def check(_request: Request) -> JSONResponse:
        for _ in range(200):
            if released:
                break
            await asyncio.sleep(0.01)
        return JSONResponse({"decision": "allow", "injection_matches": []})

    app = Starlette(routes=[Route("/api/v1/check", check, methods=["POST"])])
    with live_server(app) as url:
        try:
            yield url
        finally:
            released = True


def test_orchestrator_answers_408_when_the_reflex_call_outlives_the_deadline(
    make_orchestrator: Callable[..., Any], slow_reflex: str
) -> None:
    client = make_orchestrator(
        reflex_url=slow_reflex, reflex_timeout_seconds=5, request_timeout_seconds=0.3
    )
    started = time.monotonic()
    response = client.post(
        "/api/v1/tasks", json={"goal": "Be slow"}, headers={"X-Request-ID": "deadline-1"}
    )
    elapsed = time.monotonic() - started
    error = assert_envelope(response, 408, "TIMEOUT", request_id="deadline-1")
    assert error["details"]["deadline_seconds"] == 0.3
    assert elapsed < 1.5, elapsed
    # Nothing was created by the abandoned request.
    listed = client.get("/api/v1/tasks").json()
    assert listed["pagination"]["total_items"] == 0
