"""A hand-written corpus of hostile requests, sent over raw sockets to a real `octollm serve`.

For each: no 500, no hang (every exchange is bounded in time), an answer that is the error
envelope with a request id and nothing internal (or a success), no header smuggled into the
response, the connection closed cleanly, and the server still healthy afterwards.

Requests httptools cannot parse never reach the app: uvicorn itself would answer those with a
text/plain `400 Invalid HTTP request received.`; under `octollm serve` the guarded protocol
(octollm/http/limits.py) answers them in the envelope instead (`details.constraint: http`).
They are marked `PARSER` below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.http._live import (
    Served,
    assert_envelope,
    exchange,
    get,
    healthy,
    octollm_serve,
    post,
)

HOST = b"Host: 127.0.0.1"
CHECK = "/api/v1/check"
PARSER = "parser"  # refused by the HTTP parser, before the app: 400, constraint `http`


def raw(*lines: bytes, body: bytes = b"") -> bytes:
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# name -> (request, expected status, expected error code or PARSER or None for a success)
CORPUS: dict[str, tuple[bytes, int, str | None]] = {
    # invalid UTF-8
    "utf8-in-body": (post(CHECK, b'{"text": "\xff\xfe"}'), 400, "VALIDATION_ERROR"),
    "utf8-in-header-value": (get("/api/v1/health", b"X-Note: \xff\xfe\xc3"), 200, None),
    "utf8-in-request-id": (
        get("/api/v1/health", b"X-Request-ID: \xff\xfe"),
        400,
        "VALIDATION_ERROR",
    ),
    "utf8-in-path": (get("/api/v1/\xff\xfe"), 400, PARSER),
    "utf8-in-path-escaped": (get("/api/v1/cache/%ff%fe"), 400, "VALIDATION_ERROR"),
    "utf8-in-query": (get("/api/v1/stats?x=\xff"), 400, PARSER),
    "lone-surrogate-escape": (post(CHECK, b'{"text": "\\ud800"}'), 400, "VALIDATION_ERROR"),
    # NUL bytes
    "nul-in-body-string": (post(CHECK, b'{"text": "a\x00b"}'), 400, "VALIDATION_ERROR"),
    "nul-only-body": (post(CHECK, b"\x00\x00\x00"), 400, "VALIDATION_ERROR"),
    "nul-in-header-value": (get("/api/v1/health", b"X-Note: a\x00b"), 400, PARSER),
    "nul-in-path": (get("/api/v1/health\x00"), 400, PARSER),
    "nul-in-path-escaped": (get("/api/v1/cache/a%00b"), 400, "VALIDATION_ERROR"),
    # CR/LF injection
    "cr-in-request-id": (
        get("/api/v1/health", b"X-Request-ID: a\rSet-Cookie: evil=1"),
        400,
        PARSER,
    ),
    "lf-in-request-id": (
        get("/api/v1/health", b"X-Request-ID: a\nSet-Cookie: evil=1"),
        400,
        PARSER,
    ),
    "crlf-escaped-in-request-id": (
        get("/api/v1/health", b"X-Request-ID: a%0d%0aSet-Cookie:%20evil=1"),
        400,
        "VALIDATION_ERROR",
    ),
    "crlf-escaped-in-path": (get("/api/v1/health%0d%0aSet-Cookie:%20evil=1"), 404, "NOT_FOUND"),
    "obsolete-line-folding": (
        raw(b"GET /api/v1/health HTTP/1.1", HOST, b"X-A: a", b" Set-Cookie: evil=1"),
        400,
        PARSER,
    ),
    # numbers, keys, nesting
    "huge-exponent": (post(CHECK, b'{"text": "a", "n": 1e999999}'), 400, "VALIDATION_ERROR"),
    "huge-integer": (post(CHECK, b'{"text": 1' + b"0" * 5000 + b"}"), 400, "VALIDATION_ERROR"),
    "nan": (post(CHECK, b'{"text": NaN}'), 400, "VALIDATION_ERROR"),
    "duplicate-keys": (post(CHECK, b'{"text": "a", "text": "b"}'), 400, "VALIDATION_ERROR"),
    "deeply-nested-arrays": (
        post(CHECK, b'{"text": ' + nested(100_000) + b"}"),
        400,
        "VALIDATION_ERROR",
    ),
    "deeply-nested-objects": (
        post(CHECK, b'{"a":' * 5000 + b"1" + b"}" * 5000),
        400,
        "VALIDATION_ERROR",
    ),
    # oversized heads (the limit is 8192 bytes here)
    "one-big-header": (get("/api/v1/health", b"X-Big: " + b"a" * 20_000), 431, "HEADERS_TOO_LARGE"),
    "many-headers": (
        get("/api/v1/health", *[b"X-H%d: v" % i for i in range(3000)]),
        431,
        "HEADERS_TOO_LARGE",
    ),
    "megabyte-header": (
        get("/api/v1/health", b"X-Big: " + b"a" * 1_000_000),
        431,
        "HEADERS_TOO_LARGE",
    ),
    "long-target": (get("/api/v1/cache/" + "a" * 10_000), 431, "HEADERS_TOO_LARGE"),
    "huge-target": (get("/api/v1/" + "a" * 100_000), 400, PARSER),  # past the parser's URL size
    # broken framing
    "content-length-not-a-number": (
        raw(b"POST /api/v1/check HTTP/1.1", HOST, b"Content-Length: abc", body=b"{}"),
        400,
        PARSER,
    ),
    "content-length-negative": (
        raw(b"POST /api/v1/check HTTP/1.1", HOST, b"Content-Length: -1", body=b"{}"),
        400,
        PARSER,
    ),
    "content-length-twice": (
        raw(b"POST /api/v1/check HTTP/1.1", HOST, b"Content-Length: 2", b"Content-Length: 3"),
        400,
        PARSER,
    ),
    "content-length-overflow": (
        raw(b"POST /api/v1/check HTTP/1.1", HOST, b"Content-Length: " + b"9" * 30, body=b"{}"),
        400,
        PARSER,
    ),
    "content-length-and-chunked": (
        raw(
            b"POST /api/v1/check HTTP/1.1",
            HOST,
            b"Content-Length: 2",
            b"Transfer-Encoding: chunked",
            body=b"2\r\n{}\r\n0\r\n\r\n",
        ),
        400,
        PARSER,
    ),
    "chunked-garbage": (
        raw(b"POST /api/v1/check HTTP/1.1", HOST, b"Transfer-Encoding: chunked", body=b"zz\r\n"),
        400,
        PARSER,
    ),
    "chunk-size-overflow": (
        raw(
            b"POST /api/v1/check HTTP/1.1",
            HOST,
            b"Transfer-Encoding: chunked",
            body=b"f" * 20 + b"\r\n{}\r\n",
        ),
        400,
        PARSER,
    ),
    # broken request lines and header lines
    "control-byte-in-method": (raw(b"GE\x01T /api/v1/health HTTP/1.1", HOST), 400, PARSER),
    "unknown-http-version": (raw(b"GET /api/v1/health HTTP/9.9", HOST), 400, PARSER),
    "tls-hello-on-plain-port": (
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 64,
        400,
        PARSER,
    ),
    "header-without-colon": (raw(b"GET /api/v1/health HTTP/1.1", HOST, b"NoColon"), 400, PARSER),
    "space-in-header-name": (
        raw(b"GET /api/v1/health HTTP/1.1", HOST, b"Bad Name: x"),
        400,
        PARSER,
    ),
    "asterisk-target": (raw(b"OPTIONS * HTTP/1.1", HOST), 404, "NOT_FOUND"),
    "garbage-accept": (get("/api/v1/stats", b"Accept: \xff;q=abc,,;;"), 406, "NOT_ACCEPTABLE"),
    "garbage-authorization": (get("/api/v1/stats", b"Authorization: Bearer \xff\x01"), 400, PARSER),
    "unknown-charset": (
        raw(
            b"POST /api/v1/check HTTP/1.1",
            HOST,
            b"Content-Type: application/json; charset=\xff\xfe",
            b"Content-Length: 15",
            body=b'{"text": "hey"}',
        ),
        415,  # the charset is read (after "; ") and no codec has that name
        "UNSUPPORTED_MEDIA_TYPE",
    ),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp: Path = tmp_path_factory.mktemp("raw-fuzz")
    with octollm_serve(tmp, max_header_bytes=8192, request_read_timeout_seconds=3) as served:
        yield served


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_request_gets_a_clean_answer(served: Served, name: str) -> None:
    request, status, code = CORPUS[name]
    response = exchange(served.reflex, request, timeout=15, until_closed=True)
    assert response.status == status, response.raw[:500]
    assert response.closed, "the connection was left open"
    assert response.elapsed < 10, response.elapsed
    assert response.header("set-cookie") is None, response.headers  # nothing smuggled
    if code is None:
        assert response.status < 300
        assert response.header("x-request-id")
    else:
        error = assert_envelope(response, status)
        if code == PARSER:
            assert error["code"] == "VALIDATION_ERROR"
            assert error["details"] == {"constraint": "http"}
        else:
            assert error["code"] == code
    assert healthy(served.reflex)


BODIES = [
    b'{"goal": "\xff"}',
    b'{"goal": "a\x00"}',
    b'{"goal": "a", "goal": "b"}',
    b'{"goal": "a", "metadata": {"n": -1e400}}',
    b'{"goal": "a", "metadata": {"n": ' + nested(70) + b"}}",
    b'{"goal": "a", "metadata": ' + nested(200_000) + b"}",
    b"[" * 10 + b"{",
    b"",
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_hostile_task_bodies_are_refused_by_the_orchestrator(served: Served, body: bytes) -> None:
    response = exchange(served.orchestrator, post("/api/v1/tasks", body), timeout=15)
    error = assert_envelope(response, 400)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["field"] == "body"
    assert healthy(served.orchestrator)


def test_request_id_with_injected_header_is_never_echoed(served: Served) -> None:
    """However `X-Request-ID` is bent, the response carries a clean id and no extra header."""
    attempts = [
        b"X-Request-ID: good\r\nSet-Cookie: evil=1",  # two header lines: the id is `good`
        b"X-Request-ID: a\r\n\tSet-Cookie: evil=1",  # obsolete folding
        b"X-Request-ID: a\x0bSet-Cookie: evil=1",
        b"X-Request-ID: " + b"a" * 129,
        b"X-Request-ID: a b",
    ]
    for header in attempts:
        response = exchange(served.reflex, get("/api/v1/stats", header), timeout=15)
        assert response.status is not None, header
        assert response.status != 500
        assert response.header("set-cookie") is None
        rid = response.header("x-request-id")
        assert rid is not None and "evil" not in rid and len(rid) <= 128, response.headers
        assert [k for k, _ in response.headers].count("x-request-id") == 1
        if response.status >= 400:
            assert_envelope(response)
    assert healthy(served.reflex)


def test_pipelined_garbage_after_a_good_request(served: Served) -> None:
    """A valid request and then garbage on the same connection: the valid one is answered,
    the garbage dropped, and the connection closed."""
    good = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    garbage = b"\x00\x01garbage\r\n\r\n"
    response = exchange(served.reflex, good + garbage, timeout=15, until_closed=True)
    assert response.status == 200
    assert json.loads(response.body)["status"] == "healthy"
    assert response.closed
    assert response.raw.endswith(response.body), "a second answer followed"
    assert healthy(served.reflex)
