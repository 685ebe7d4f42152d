"""Fixtures: the real ASGI apps behind spec-checking HTTP clients, and a live Reflex Layer."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import uvicorn
from starlette.testclient import TestClient

from octollm.config import Settings
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.spec_check import SpecChecker

SPECS = Settings().specs_dir


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class SpecClient(TestClient):
    """A test client that checks every response against the component's spec."""

    checker: SpecChecker
    closed = False

    def __exit__(self, *args: Any) -> None:
        """Stops the app; again is a no-op (a test may stop an app its fixture also stops)."""
        if not self.closed:
            self.closed = True
            super().__exit__(*args)

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        self.checker.check(
            method,
            response.request.url.path,
            response.status_code,
            response.headers,
            response.content,
        )
        return response


def spec_client(app: Any, spec: str) -> SpecClient:
    client = SpecClient(app, raise_server_exceptions=False)
    client.checker = SpecChecker(SPECS / f"{spec}.yaml")
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serves `app` with uvicorn on a free loopback port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        server.should_exit = True
        thread.join(10)


REDIS_URL = os.environ.get("OCTOLLM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available(url: str = REDIS_URL) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["embedded", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Each storage backend in turn: settings overrides for it (Redis under a fresh key prefix)."""
    if request.param == "embedded":
        yield {}
        return
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Redis-backed tests, but no Redis answers at {REDIS_URL}")
        pytest.skip(
            f"no Redis at {REDIS_URL}: start one (`redis-server --daemonize yes`) or set "
            "OCTOLLM_TEST_REDIS_URL; CI always runs these"
        )
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield {"redis_url": REDIS_URL, "redis_prefix": prefix}
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def embedded_only(backend: dict[str, Any]) -> None:
    """For the in-process stores' own bounds: Redis bounds memory with its maxmemory policy."""
    if backend:
        pytest.skip("the embedded store's own limit; Redis is bounded by maxmemory (README)")


@pytest.fixture
def make_settings(tmp_path: Path, backend: dict[str, Any]) -> Callable[..., Settings]:
    """Settings for one test: a fresh data dir (or Redis prefix) and response validation on."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "validate_responses": True,
            **backend,
        }
        values.update(overrides)
        return Settings.from_env({}, **values)

    return make


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def reflex(make_settings: Callable[..., Settings], clock: FakeClock) -> Iterator[SpecClient]:
    """The Reflex Layer app, in process, on the fake clock."""
    with spec_client(create_reflex(make_settings(), clock=clock), "reflex") as client:
        yield client


@pytest.fixture(scope="session")
def reflex_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Reflex Layer over HTTP, shared by the orchestrator tests."""
    settings = Settings.from_env({}, data_dir=tmp_path_factory.mktemp("reflex"))
    with live_server(create_reflex(settings)) as url:
        yield url


@pytest.fixture
def make_orchestrator(
    make_settings: Callable[..., Settings], reflex_url: str
) -> Iterator[Callable[..., SpecClient]]:
    """Builds orchestrator clients (talking to the live Reflex Layer unless told otherwise)."""
    stack = contextlib.ExitStack()

    def make(**overrides: Any) -> SpecClient:
        overrides.setdefault("reflex_url", reflex_url)
        settings = make_settings(**overrides)
        return stack.enter_context(spec_client(create_orchestrator(settings), "orchestrator"))

    with stack:
        yield make


@pytest.fixture
def orchestrator(make_orchestrator: Callable[..., SpecClient]) -> SpecClient:
    return make_orchestrator()
