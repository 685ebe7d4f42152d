"""Private `redis-server` and `octollm serve` processes for the resilience tests.

Everything binds to 127.0.0.1 on free ports, every wait has a deadline, and every process is
registered with a `Processes` stack that kills whatever is still running at teardown.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import redis

from tests.conftest import free_port

T = TypeVar("T")

REDIS_SERVER = shutil.which("redis-server")
REDIS_CLI = shutil.which("redis-cli")


def require_redis_server() -> None:
    """Skips the calling test when there is no `redis-server` (and `redis-cli`) to start."""
    if REDIS_SERVER is None or REDIS_CLI is None:
        pytest.skip(
            "redis-server / redis-cli not on PATH: install Redis (e.g. `apt-get install "
            "redis-server`) to run the process-level Redis resilience tests"
        )


def wait_for(
    probe: Callable[[], T | None], *, timeout: float, interval: float = 0.05, what: str = ""
) -> T:
    """Polls `probe` until it returns something truthy (returned), or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            result = probe()
            if result:
                return result
        except Exception as exc:  # the thing waited for may fail in any way until it is ready
            last_error = exc
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {what or probe}"
            ) from (last_error)
        time.sleep(interval)


def _kill(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL waits on nothing
        process.wait(timeout=10)


class Processes:
    """Every process a test starts; `close()` SIGKILLs the ones still running."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[Any]] = []

    def popen(self, args: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
        process = subprocess.Popen(args, **kwargs)
        self.started.append(process)
        return process

    def close(self) -> None:
        for process in reversed(self.started):
            _kill(process)
        self.started.clear()


def cluster_port() -> int:
    """A free port whose cluster bus port (+10000) is valid and free too."""
    for _ in range(100):
        port = free_port()
        if port > 55535:
            continue
        with socket.socket() as bus:
            try:
                bus.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise AssertionError("no free port pair for a cluster node")


# --- redis-server -------------------------------------------------------------------------------


class RedisServer:
    """One private `redis-server` on a free loopback port, with its own working directory.

    `kill()` then `start()` brings it back on the same port and directory, so with
    `appendonly=True` (fsync on every write) it comes back with every acknowledged write.
    """

    def __init__(
        self,
        processes: Processes,
        directory: Path,
        *,
        appendonly: bool = False,
        port: int | None = None,
        extra: tuple[str, ...] = (),
    ) -> None:
        require_redis_server()
        self.processes = processes
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.appendonly = appendonly
        self.extra = extra
        self.process: subprocess.Popen[Any] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def args(self) -> list[str]:
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"]
            if self.appendonly
            else ["--appendonly", "no"]
        )
        return [
            str(REDIS_SERVER),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.dir),
            "--save",
            "",
            *persistence,
            "--daemonize",
            "no",
            "--logfile",
            str(self.dir / "redis.log"),
            *self.extra,
        ]

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)

    def ping(self) -> bool:
        with self.client() as client:
            return bool(client.ping())

    def start(self, timeout: float = 10) -> RedisServer:
        self.process = self.processes.popen(
            self.args(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        process = self.process

        def up() -> bool:
            if process.poll() is not None:
                log = self.dir / "redis.log"
                tail = log.read_text()[-2000:] if log.exists() else ""
                raise AssertionError(f"redis-server exited with {process.returncode}: {tail}")
            return self.ping()

        wait_for(up, timeout=timeout, what=f"redis-server on {self.port}")
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown save, no goodbye to clients."""
        if self.process is not None:
            _kill(self.process)
            self.process = None


# --- octollm serve ------------------------------------------------------------------------------


class Served:
    """One `octollm serve <component> --port N` process."""

    def __init__(
        self, processes: Processes, component: str, env: dict[str, str], log: Path
    ) -> None:
        self.processes = processes
        self.component = component
        self.env = env
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/v1"
        self.process: subprocess.Popen[Any] | None = None

    def start(self) -> Served:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = self.processes.popen(
                [
                    sys.executable,
                    "-m",
                    "octollm.cli",
                    "serve",
                    self.component,
                    "--port",
                    str(self.port),
                ],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_up(self, timeout: float = 30) -> Served:
        """Waits until the process answers HTTP at all (health may be 200 or 503)."""
        process = self.process
        assert process is not None

        def answering() -> bool:
            if process.poll() is not None:
                raise AssertionError(
                    f"{self.component} exited with {process.returncode}:\n{self.output()[-3000:]}"
                )
            return httpx.get(f"{self.url}/health", timeout=1).status_code in (200, 503)

        wait_for(answering, timeout=timeout, interval=0.1, what=f"{self.component} on {self.port}")
        return self

    def kill(self) -> None:
        if self.process is not None:
            _kill(self.process)
            self.process = None


def serve_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of an `octollm serve` process: `OCTOLLM_<NAME>` for each setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOLLM_")}
    env["OCTOLLM_DATA_DIR"] = str(tmp_path / "data")
    env["OCTOLLM_LOG_LEVEL"] = "WARNING"
    env.update({f"OCTOLLM_{name.upper()}": value for name, value in settings.items()})
    return env


def start_all(*servers: Served, timeout: float = 40) -> None:
    """Starts several services at once (their imports overlap), then waits for each."""
    for server in servers:
        server.start()
    for server in servers:
        server.wait_up(timeout)


# --- HTTP ---------------------------------------------------------------------------------------


def assert_unavailable(response: httpx.Response | Any, dependency: str) -> dict[str, Any]:
    """A 503 SERVICE_UNAVAILABLE envelope naming `dependency`, with the request id."""
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE", error
    assert error["request_id"] == response.headers["x-request-id"], error
    assert error["details"].get("dependency") == dependency, error
    return error


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def stop_all(*servers: Served, timeout: float = 15) -> dict[str, int]:
    """SIGTERMs every server at once, then waits for each; returns their exit codes by port."""
    running = [(server, server.process) for server in servers if server.process is not None]
    for _, process in running:
        assert process is not None
        process.send_signal(signal.SIGTERM)
    codes = {}
    for server, process in running:
        assert process is not None
        try:
            codes[f"{server.component}:{server.port}"] = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            codes[f"{server.component}:{server.port}"] = -9
        server.process = None
    return codes
