"""Slow clients and big heads against a real `octollm serve` over raw sockets.

uvicorn (0.54, httptools) waits forever for the end of a request head, and for the first
request on a new connection (its keep-alive timeout only starts after a response): the guarded
protocol of `octollm serve` bounds both with OCTOLLM_REQUEST_READ_TIMEOUT_SECONDS, and the app
bounds the body. These tests pin both halves.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from octollm.config import Settings
from tests.http._live import Served, assert_envelope, exchange, healthy, octollm_serve

READ_TIMEOUT = 1.5
HEADER_LIMIT = 4096
SLACK = 8.0  # a loaded machine is slow, but never this slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with octollm_serve(
        tmp_path_factory.mktemp("slow-clients"),
        request_read_timeout_seconds=READ_TIMEOUT,
        max_header_bytes=HEADER_LIMIT,
    ) as served:
        yield served


def test_defaults() -> None:
    settings = Settings()
    assert settings.request_read_timeout_seconds == 10.0
    assert settings.max_header_bytes == 16_384


@pytest.mark.parametrize("service", ["reflex", "orchestrator"])
def test_slowloris_head_is_cut_off_with_408(served: Served, service: str) -> None:
    """A head trickled a line at a time never completes: 408 in the envelope, then closed."""
    steps: list[bytes | float] = [b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n"]
    for i in range(12):
        steps += [0.3, b"X-Drip-%d: 1\r\n" % i]
    response = exchange(
        served.port(service), steps, timeout=READ_TIMEOUT + SLACK, until_closed=True
    )
    error = assert_envelope(response, 408)
    assert error["code"] == "TIMEOUT"
    assert error["details"] == {
        "constraint": "request_read_timeout",
        "read_timeout_seconds": READ_TIMEOUT,
    }
    assert response.header("connection") == "close"
    assert response.closed
    assert READ_TIMEOUT - 0.2 < response.elapsed < READ_TIMEOUT + SLACK
    assert healthy(served.port(service))


def test_connection_that_never_sends_is_closed(served: Served) -> None:
    response = exchange(served.reflex, [], timeout=READ_TIMEOUT + SLACK, until_closed=True)
    assert response.closed and response.raw == b""
    assert READ_TIMEOUT - 0.2 < response.elapsed < READ_TIMEOUT + SLACK


def test_idle_keep_alive_connection_is_closed(served: Served) -> None:
    """After a response, uvicorn's keep-alive timeout (5 s) or the read timeout closes it."""
    request = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
    response = exchange(served.reflex, request, timeout=READ_TIMEOUT + SLACK, until_closed=True)
    assert response.status == 200
    assert response.closed


@pytest.mark.parametrize("service", ["reflex", "orchestrator"])
def test_trickled_body_is_cut_off_with_408(served: Served, service: str) -> None:
    path = "/api/v1/check" if service == "reflex" else "/api/v1/tasks"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 40\r\nX-Request-ID: trickle-1\r\n\r\n"
    ).encode()
    steps: list[bytes | float] = [head]
    for byte in b'{"text": "aaaa':
        steps += [0.2, bytes([byte])]
    response = exchange(
        served.port(service), steps, timeout=READ_TIMEOUT + SLACK, until_closed=True
    )
    error = assert_envelope(response, 408)
    assert error["code"] == "TIMEOUT"
    assert error["request_id"] == "trickle-1"
    assert error["details"]["constraint"] == "request_read_timeout"
    assert response.header("connection") == "close"
    assert response.closed
    assert response.elapsed < READ_TIMEOUT + SLACK
    assert healthy(served.port(service))


def test_body_that_never_comes_is_cut_off_with_408(served: Served) -> None:
    """Content-Length promises more than is sent."""
    head = (
        b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{}"
    )
    response = exchange(served.reflex, head, timeout=READ_TIMEOUT + SLACK, until_closed=True)
    assert assert_envelope(response, 408)["details"]["constraint"] == "request_read_timeout"
    assert response.closed


def _head(extra: int) -> bytes:
    """A GET of /api/v1/health whose target and headers are exactly HEADER_LIMIT + `extra`."""
    fixed = len(b"/api/v1/health") + len(b"host") + len(b"x") + len(b"x-pad")
    pad = b"a" * (HEADER_LIMIT + extra - fixed)
    return b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + pad + b"\r\n\r\n"


def test_head_at_the_limit_is_served(served: Served) -> None:
    response = exchange(served.reflex, _head(0), timeout=SLACK)
    assert response.status == 200, response.raw[:300]


@pytest.mark.parametrize("extra", [1, 100_000, 5_000_000])
def test_head_over_the_limit_is_431(served: Served, extra: int) -> None:
    """Just over: the app's exact count. Far over: the server stops reading at the limit plus
    64 KiB, answers the same, and drops the rest."""
    response = exchange(served.reflex, _head(extra), timeout=SLACK + 5, until_closed=True)
    error = assert_envelope(response, 431)
    assert error["code"] == "HEADERS_TOO_LARGE"
    assert error["details"] == {
        "field": "headers",
        "constraint": "max_header_bytes",
        "limit": HEADER_LIMIT,
    }
    assert str(HEADER_LIMIT) in error["message"]
    assert response.header("connection") == "close"
    assert response.closed
    assert healthy(served.reflex)


def test_head_that_never_ends_gets_431_not_a_memory_leak(served: Served) -> None:
    """An endless header value, sent fast: refused once past the bound, not buffered."""
    steps: list[bytes | float] = [b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Endless: "]
    steps += [b"a" * 65536] * 40
    response = exchange(served.reflex, steps, timeout=SLACK + 5, until_closed=True)
    assert assert_envelope(response, 431)["code"] == "HEADERS_TOO_LARGE"
    assert response.closed
