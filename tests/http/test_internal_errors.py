"""500 INTERNAL_ERROR: the envelope, nothing internal disclosed, the full story in the log."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

import pytest

from octollm.http.exception_handlers import INTERNAL_MESSAGE
from octollm.http.metrics import MetricsMiddleware
from tests.http._support import Service, assert_envelope

SECRET = "secret internal detail"
RID = "internal-error-7"


def _patch(monkeypatch: pytest.MonkeyPatch, target: str, replacement: Any) -> None:
    module_name, class_name, method = target.rsplit(".", 2)
    cls = getattr(importlib.import_module(module_name), class_name)
    monkeypatch.setattr(cls, method, replacement)


def _assert_undisclosed(response: Any) -> dict[str, Any]:
    error = assert_envelope(response, 500, "INTERNAL_ERROR", request_id=RID)
    assert error["message"] == INTERNAL_MESSAGE
    assert error["details"] == {}
    for leak in (SECRET, "RuntimeError", "Traceback", ".py", "octollm."):
        assert leak not in response.text, leak
    return error


def test_unexpected_exception_is_an_undisclosed_500(
    make_client: Callable[..., Any],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    async def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(SECRET)

    _patch(monkeypatch, service.breakable[0], boom)
    client = make_client()
    response = client.request(*service.breakable[1:], headers={"X-Request-ID": RID})
    _assert_undisclosed(response)

    errors = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert errors, "the internal error was not logged"
    logged = [r for r in errors if r.exc_info and isinstance(r.exc_info[1], RuntimeError)]
    assert logged, [r.getMessage() for r in errors]
    record = logged[0]
    assert str(record.exc_info[1]) == SECRET  # the log keeps what the client is not told
    assert record.request_id == RID  # type: ignore[attr-defined]


def test_internal_error_log_carries_a_generated_request_id(
    make_client: Callable[..., Any],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    async def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(SECRET)

    _patch(monkeypatch, service.breakable[0], boom)
    response = make_client().request(*service.breakable[1:])
    error = assert_envelope(response, 500, "INTERNAL_ERROR")
    records = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert [r.request_id for r in records] == [error["request_id"]] * len(records)  # type: ignore[attr-defined]
    assert records


def test_response_that_breaks_the_spec_is_an_undisclosed_500(
    make_client: Callable[..., Any],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    """With response validation on, a handler result that contradicts the spec is not sent."""

    async def nonconforming(*_args: Any, **_kwargs: Any) -> Any:
        return {"secret internal detail": "RuntimeError"}

    _patch(monkeypatch, service.breakable[0], nonconforming)
    client = make_client(validate_responses=True)
    response = client.request(*service.breakable[1:], headers={"X-Request-ID": RID})
    _assert_undisclosed(response)
    errors = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert errors
    assert all(r.request_id == RID for r in errors)  # type: ignore[attr-defined]


def test_exception_outside_the_exception_handlers_is_still_the_envelope(
    make_client: Callable[..., Any],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    """The outermost middleware is the last line of defence (here: a failing metrics layer)."""

    async def broken(self: Any, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raise RuntimeError(SECRET)

    monkeypatch.setattr(MetricsMiddleware, "__call__", broken)
    client = make_client()
    response = client.get(service.json_get, headers={"X-Request-ID": RID})
    _assert_undisclosed(response)
    errors = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert any(r.exc_info and str(r.exc_info[1]) == SECRET for r in errors)
    assert all(r.request_id == RID for r in errors)  # type: ignore[attr-defined]
    access = [r for r in logs.records if r.name == "octollm.access"]
    assert access and " 500 " in access[-1].getMessage()


def test_api_errors_are_not_logged_as_errors(
    client: Any, service: Service, logs: pytest.LogCaptureFixture
) -> None:
    """Client errors are expected: no ERROR record (which would page someone)."""
    client.get("/api/v1/nope")
    client.post(service.post_path, content=b"{", headers={"content-type": "application/json"})
    assert not [r for r in logs.records if r.levelno >= logging.ERROR]
