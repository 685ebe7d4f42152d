"""Request limits: the body size (413 PAYLOAD_TOO_LARGE), the deadline (408 TIMEOUT), the
request head (431 HEADERS_TOO_LARGE) and the read timeout (408 TIMEOUT), in process."""

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
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from octollm.config import Settings
from octollm.errors import ApiError
from octollm.http.limits import ReadTimeoutMiddleware, head_size
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import live_server, spec_client
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


# --- the request head (431) and the read timeout (408), under any ASGI server -----------------

HEAD_LIMIT = 2048


@pytest.fixture
def head_limited(service: Service, tmp_path: Any) -> Iterator[TestClient]:
    """A client checking every response against the spec (each operation documents 431)."""
    settings = Settings.from_env({}, data_dir=tmp_path, max_header_bytes=HEAD_LIMIT)
    create = create_reflex if service.name == "reflex" else create_orchestrator
    with spec_client(create(settings), service.name) as client:
        yield client


def _padded_headers(client: TestClient, path: str, size: int) -> dict[str, str]:
    """Headers that make `head_size` of a GET of `path` by `client` exactly `size`."""
    request = client.build_request("GET", path, headers={"x-request-id": "head-1", "x-pad": ""})
    base = len(path) + sum(len(k) + len(v) for k, v in request.headers.raw)
    return {"x-request-id": "head-1", "x-pad": "a" * (size - base)}


def test_head_at_the_limit_is_served(head_limited: TestClient, service: Service) -> None:
    headers = _padded_headers(head_limited, service.json_get, HEAD_LIMIT)
    assert head_limited.get(service.json_get, headers=headers).status_code == 200


def test_head_one_byte_over_the_limit_is_431(head_limited: TestClient, service: Service) -> None:
    headers = _padded_headers(head_limited, service.json_get, HEAD_LIMIT + 1)
    response = head_limited.get(service.json_get, headers=headers)
    error = assert_envelope(
        response,
        431,
        "HEADERS_TOO_LARGE",
        request_id="head-1",
        field="headers",
        constraint="max_header_bytes",
    )
    assert error["details"]["limit"] == HEAD_LIMIT
    assert response.headers["connection"] == "close"


def test_a_long_target_counts_towards_the_head(head_limited: TestClient) -> None:
    response = head_limited.get("/api/v1/health?" + "q" * HEAD_LIMIT)
    assert_envelope(response, 431, "HEADERS_TOO_LARGE")


def test_head_size_counts_target_query_and_headers() -> None:
    scope = {
        "path": "/a",
        "raw_path": b"/a",
        "query_string": b"x=1",
        "headers": [(b"host", b"h"), (b"x-y", b"zz")],
    }
    assert head_size(scope) == 2 + 3 + 5 + 5


async def _run(app: Any, messages: list[tuple[float, Message]]) -> list[Message]:
    """Drive an ASGI app with request messages, each after its delay; the messages it sent."""
    pending = list(messages)
    sent: list[Message] = []

    async def receive() -> Message:
        if not pending:
            await asyncio.sleep(3600)
        delay, message = pending.pop(0)
        await asyncio.sleep(delay)
        return message

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    await app(scope, receive, send)
    return sent


async def _read_body(scope: Scope, receive: Receive, send: Send) -> None:
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def test_a_body_sent_in_time_is_read() -> None:
    app = ReadTimeoutMiddleware(_read_body, seconds=0.5)
    chunks = [(0.1, {"type": "http.request", "body": b"ab", "more_body": True})] * 3
    last = (0.1, {"type": "http.request", "body": b"c", "more_body": False})
    sent = asyncio.run(_run(app, [*chunks, last]))
    assert sent[1]["body"] == b"abababc"


def test_a_trickled_body_times_out_with_408() -> None:
    app = ReadTimeoutMiddleware(_read_body, seconds=0.3)
    chunks = [(0.1, {"type": "http.request", "body": b"a", "more_body": True})] * 10
    started = time.monotonic()
    with pytest.raises(ApiError) as raised:
        asyncio.run(_run(app, chunks))
    assert time.monotonic() - started < 1.0
    error = raised.value
    assert (error.code, error.status) == ("TIMEOUT", 408)
    assert error.details == {"constraint": "request_read_timeout", "read_timeout_seconds": 0.3}
    assert error.headers == {"Connection": "close"}
