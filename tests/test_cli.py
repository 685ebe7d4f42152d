"""`octollm serve` as a user runs it: a real process, real ports, SIGTERM, restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


class Served:
    def __init__(self, tmp_path: Path) -> None:
        self.orchestrator_port = free_port()
        self.reflex_port = free_port()
        self.env = {
            **os.environ,
            "OCTOLLM_DATA_DIR": str(tmp_path / "data"),
            "OCTOLLM_ORCHESTRATOR_PORT": str(self.orchestrator_port),
            "OCTOLLM_REFLEX_PORT": str(self.reflex_port),
            "OCTOLLM_REFLEX_URL": f"http://127.0.0.1:{self.reflex_port}/api/v1",
        }
        self.orchestrator = f"http://127.0.0.1:{self.orchestrator_port}/api/v1"
        self.reflex = f"http://127.0.0.1:{self.reflex_port}/api/v1"

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "octollm.cli", "serve", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        return process

    @staticmethod
    def stop(process: subprocess.Popen[bytes]) -> tuple[int, str]:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        return process.returncode, output.decode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield Served(tmp_path)


def test_serve_runs_both_services_stops_on_sigterm_and_keeps_tasks(served: Served) -> None:
    process = served.start()
    try:
        wait_until_up(f"{served.orchestrator}/health", process)
        wait_until_up(f"{served.reflex}/health", process)
        created = httpx.post(
            f"{served.orchestrator}/tasks",
            json={"goal": "Survive a restart"},
            headers={"X-Request-ID": "cli-test-1"},
        )
        assert created.status_code == 202
        task_id = created.json()["task_id"]
    finally:
        code, output = served.stop(process)
    assert code == 0, output
    assert "[cli-test-1] POST /api/v1/tasks 202" in output
    assert "[cli-test-1] POST /api/v1/check 200" in output  # the id travelled to the reflex

    process = served.start()
    try:
        wait_until_up(f"{served.orchestrator}/health", process)
        again = httpx.get(f"{served.orchestrator}/tasks/{task_id}")
        assert again.status_code == 200
        assert again.json() == created.json()
    finally:
        assert served.stop(process)[0] == 0


def test_serve_one_component_on_its_own_port(served: Served) -> None:
    port = free_port()
    process = served.start("reflex", "--port", str(port))
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v1/health", process)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{served.orchestrator}/health", timeout=1)
    finally:
        assert served.stop(process)[0] == 0


def test_port_needs_a_single_component(served: Served) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "octollm.cli", "serve", "--port", "9000"],
        env=served.env,
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert b"--port needs a single component" in result.stderr


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ({"OCTOLLM_AUTH": "jwt"}, "OCTOLLM_JWT_SECRET"),
        ({"OCTOLLM_AUTH": "kerberos"}, "OCTOLLM_AUTH"),
        ({"OCTOLLM_AUTH": "jwt", "OCTOLLM_JWT_SECRET": "short"}, "OCTOLLM_JWT_SECRET"),
        ({"OCTOLLM_RATE_LIMITS": "on", "OCTOLLM_RATE_LIMIT_OVERRIDES": "x"}, "OVERRIDES"),
        ({"OCTOLLM_RATE_LIMITS": "on", "OCTOLLM_TRUSTED_PROXIES": "nope"}, "TRUSTED_PROXIES"),
        ({"OCTOLLM_WORKER_CONCURRENCY": "many"}, "OCTOLLM_WORKER_CONCURRENCY"),
        ({"OCTOLLM_ARMS_FILE": "/nonexistent/arms.yaml"}, "/nonexistent/arms.yaml"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(
    tmp_path: Path, setting: dict[str, str], named: str
) -> None:
    served = Served(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "octollm.cli", "serve"],
        env={**served.env, **setting},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("octollm: "), result.stderr
    assert named in lines[0]
    assert all(value not in lines[0] for key, value in setting.items() if "SECRET" in key)
