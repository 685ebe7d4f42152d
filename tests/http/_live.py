"""A real `octollm serve` in a child process, and raw-socket exchanges with it, each bounded in
time: for what an in-process client cannot send (broken HTTP, slow clients, huge heads)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from octollm.errors import STATUS_BY_CODE
from tests.conftest import free_port
from tests.http._support import ENVELOPE_KEYS, REQUEST_ID_RE

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60  # a loaded CI machine imports slowly


@dataclass(frozen=True)
class Served:
    orchestrator: int
    reflex: int
    log: Path

    def port(self, service: str) -> int:
        return getattr(self, service)


@contextlib.contextmanager
def octollm_serve(tmp_path: Path, **settings: object) -> Iterator[Served]:
    """Both services under `octollm serve`, with `OCTOLLM_<NAME>` settings; stopped at the end."""
    orchestrator, reflex = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOLLM_")}
    env.update(
        OCTOLLM_ORCHESTRATOR_PORT=str(orchestrator),
        OCTOLLM_REFLEX_PORT=str(reflex),
        OCTOLLM_REFLEX_URL=f"http://127.0.0.1:{reflex}/api/v1",
        OCTOLLM_DATA_DIR=str(tmp_path / "data"),
        OCTOLLM_WORKER_CONCURRENCY="0",
    )
    env.update({f"OCTOLLM_{name.upper()}": str(value) for name, value in settings.items()})
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "octollm.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        for port in (orchestrator, reflex):
            while not _answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"octollm serve did not start:\n{log.read_text()}")
                time.sleep(0.1)
        yield Served(orchestrator, reflex, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _answers(port: int) -> bool:
    try:
        return healthy(port)
    except OSError:
        return False


@dataclass
class RawResponse:
    """What came back on one connection: the first response, and whether the server closed."""

    raw: bytes
    closed: bool  # the server closed the connection (EOF or reset)
    elapsed: float
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)


Step = bytes | float  # bytes to send, or seconds to wait


def exchange(
    port: int,
    steps: Sequence[Step] | bytes,
    *,
    timeout: float = 10.0,
    until_closed: bool = False,
) -> RawResponse:
    """Send `steps` on a fresh connection, then read the first response (and, with
    `until_closed`, on until the server closes); never longer than `timeout` in all."""
    steps = [steps] if isinstance(steps, bytes) else steps
    started = time.monotonic()
    deadline = started + timeout
    received = b""
    closed = False
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        for step in steps:
            if isinstance(step, float):
                time.sleep(step)
                continue
            try:
                sock.sendall(step)
            except OSError:  # the server stopped listening to us: read what it said
                break
        while True:
            if not until_closed and _complete(received):
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    response = RawResponse(received, closed, time.monotonic() - started)
    _parse(response)
    return response


def _complete(raw: bytes) -> bool:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return False
    length = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    return length is not None and len(body) >= int(length.group(1))


def _parse(response: RawResponse) -> None:
    head, sep, body = response.raw.partition(b"\r\n\r\n")
    if not sep:
        return
    lines = head.decode("latin-1").split("\r\n")
    response.status = int(lines[0].split(" ")[1])
    for line in lines[1:]:
        name, _, value = line.partition(":")
        response.headers.append((name.strip().lower(), value.strip()))
    length = response.header("content-length")
    response.body = body[: int(length)] if length is not None else body


def get(path: str, *headers: bytes) -> bytes:
    lines = [f"GET {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", *headers, b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def post(path: str, body: bytes, *headers: bytes) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1".encode(),
        b"Host: 127.0.0.1",
        b"Content-Type: application/json",
        f"Content-Length: {len(body)}".encode(),
        *headers,
        b"Connection: close",
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def healthy(port: int) -> bool:
    response = exchange(port, get("/api/v1/health"), timeout=10)
    return response.status == 200 and json.loads(response.body)["status"] == "healthy"


INTERNALS = re.compile(
    r"traceback|file \"|\.py\b|site-packages|/work/|/usr/|<html|object at 0x", re.IGNORECASE
)
CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*[a-z](Error|Exception)\b")  # ValueError, not ..._ERROR


def assert_envelope(response: RawResponse, status: int | None = None) -> dict:
    """The response is the shared error envelope with a request id and no internals."""
    assert response.status is not None, f"no response: {response.raw[:200]!r}"
    if status is not None:
        assert response.status == status, response.raw[:500]
    assert response.header("content-type") == "application/json", response.raw[:500]
    envelope = json.loads(response.body)
    assert set(envelope) == {"error"}, envelope
    error = envelope["error"]
    assert set(error) == ENVELOPE_KEYS, error
    assert STATUS_BY_CODE[error["code"]] == response.status, error
    rid = response.header("x-request-id")
    assert rid and REQUEST_ID_RE.match(rid) and error["request_id"] == rid, response.headers
    text = response.body.decode("utf-8")
    leak = INTERNALS.search(text) or CLASS_NAME.search(text)
    assert leak is None, f"{leak.group(0)!r} in {text}"
    return error
