"""`octollm worker` as an operator runs it: real processes sharing the Redis store and queue
with an orchestrator that executes nothing itself, a fake arm over HTTP, kill -9, SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import yaml
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from octollm.arm.app import create_app as create_arm
from octollm.arm.service import execute_result
from octollm.clock import system_clock
from octollm.config import Settings
from octollm.orchestrator.engine import Engine
from octollm.orchestrator.metrics import OrchestratorMetrics
from tests.conftest import REDIS_URL, SpecClient, free_port, live_server, redis_available
from tests.orchestrator.arms import wait_for
from tests.orchestrator.helpers import GOAL, TASKS, app_client

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 1.5


class FakeArm:
    """Answers every task with its goal; with `hold_first`, the first call hangs until
    `release` is set (its caller is meant to die meanwhile)."""

    arm_id = "fake"

    def __init__(self, *, hold_first: bool = False) -> None:
        self.hold_first = hold_first
        self.release = threading.Event()
        self.calls: list[str] = []  # task ids, in call order
        self.lock = threading.Lock()

    async def execute(
        self, task: dict[str, Any], request_id: str, timeout_seconds: int
    ) -> dict[str, Any]:
        with self.lock:
            self.calls.append(task["task_id"])
            call = len(self.calls)
        if self.hold_first and call == 1:
            deadline = time.monotonic() + 30
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        return execute_result(
            arm_id=self.arm_id,
            processing_time_ms=3,
            result={"answer": f"fake did: {task['goal']}", "call": call},
            tokens_used=5,
            model="fake-model",
        )

    async def capabilities(self) -> dict[str, Any]:
        return {"arm_id": self.arm_id, "capabilities": ["general"], "max_concurrency": 4}

    async def ping(self) -> str:
        return "fake"


class Worker:
    """One `octollm worker` process; its output is collected as it comes."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "octollm.cli", "worker", *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_started(self, timeout: float = 15) -> None:
        def started() -> bool:
            if self.process.poll() is not None:
                self.reader.join(2)
                raise AssertionError(
                    f"worker exited with {self.process.returncode}:\n{self.output}"
                )
            return " started: " in self.output

        wait_for(started, timeout, "the worker to start")

    def signal(self, sig: int, timeout: float = 10) -> int:
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            message = f"worker still running {timeout} s after {sig}:\n{self.output}"
            raise AssertionError(message) from None
        self.reader.join(2)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.reader.join(2)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A fresh key prefix on the test Redis (skipped without one, except under CI)."""
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Redis-backed tests, but no Redis answers at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}: worker processes share a Redis store and queue")
    prefix = f"test-worker-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def base_env(**variables: str) -> dict[str, str]:
    """The test process's environment without its OCTOLLM_* settings, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOLLM_")}
    return {**env, **variables}


class Deployment:
    """A fake arm on a loopback port, an orchestrator executing nothing itself, and the
    environment a worker process needs to join them."""

    def __init__(self, arm_url: str, orchestrator: SpecClient, env: dict[str, str]) -> None:
        self.arm_url = arm_url
        self.orchestrator = orchestrator
        self.env = env
        self.workers: list[Worker] = []

    def worker(self, *args: str) -> Worker:
        worker = Worker(self.env, *args)
        self.workers.append(worker)
        return worker

    def create_task(self) -> str:
        goal = f"{GOAL} ({uuid.uuid4().hex[:8]})"
        response = self.orchestrator.post(TASKS, json={"goal": goal, "use_cache": False})
        assert response.status_code == 202, response.text
        return response.json()["task_id"]

    def task(self, task_id: str) -> dict[str, Any]:
        response = self.orchestrator.get(f"{TASKS}/{task_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def wait_for_status(self, task_id: str, status: str, timeout: float) -> dict[str, Any]:
        return wait_for(
            lambda: (task := self.task(task_id))["status"] == status and task,
            timeout,
            f"task {task_id} to be {status}",
        )


@contextlib.contextmanager
def deployment(
    arm: FakeArm, tmp_path: Path, redis_prefix: str, reflex_url: str
) -> Iterator[Deployment]:
    arm_settings = Settings.from_env({}, validate_responses=True)
    with live_server(create_arm(arm_settings, service=arm)) as arm_url:
        arms_file = tmp_path / "arms.yaml"
        entry = {
            "id": arm.arm_id,
            "url": arm_url,
            "capabilities": ["general"],
            "timeout_seconds": 20,
            "max_concurrency": 4,
        }
        arms_file.write_text(yaml.safe_dump({"arms": [entry]}))
        settings = Settings.from_env(
            {},
            data_dir=tmp_path / "data",
            validate_responses=True,
            redis_url=REDIS_URL,
            redis_prefix=redis_prefix,
            reflex_url=reflex_url,
            arms_file=str(arms_file),
            worker_concurrency=0,  # only the worker processes execute
            queue_visibility_timeout_seconds=VISIBILITY_TIMEOUT,
        )
        env = base_env(
            OCTOLLM_REDIS_URL=REDIS_URL,
            OCTOLLM_REDIS_PREFIX=redis_prefix,
            OCTOLLM_ARMS_FILE=str(arms_file),
            OCTOLLM_REFLEX_URL=reflex_url,
            OCTOLLM_QUEUE_VISIBILITY_TIMEOUT_SECONDS=str(VISIBILITY_TIMEOUT),
            OCTOLLM_DATA_DIR=str(tmp_path / "worker-data"),
        )
        with app_client(settings) as orchestrator:
            setup = Deployment(arm_url, orchestrator, env)
            try:
                yield setup
            finally:
                arm.release.set()  # a held call must not keep the arm's server from stopping
                for worker in setup.workers:
                    worker.kill()


def scrape(port: int) -> dict[tuple[str, frozenset], float]:
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_a_worker_process_executes_a_task_created_over_http(
    tmp_path: Path, redis_prefix: str, reflex_url: str
):
    arm = FakeArm()
    metrics_port = free_port()
    with deployment(arm, tmp_path, redis_prefix, reflex_url) as setup:
        worker = setup.worker("--concurrency", "2", "--metrics-port", str(metrics_port))
        task_id = setup.create_task()
        worker.wait_started()

        task = setup.wait_for_status(task_id, "completed", timeout=15)

        # Read at scrape time from the shared store and queue, as the orchestrator's are.
        def settled() -> dict | None:
            samples = scrape(metrics_port)
            return samples if samples[("octollm_task_queue_depth", frozenset())] == 0 else None

        samples = wait_for(settled, 5, "the queue to drain")
        code = worker.signal(signal.SIGTERM)

    assert arm.calls == [task_id]
    assert task["result"] == {"answer": f"fake did: {task['goal']}", "call": 1}
    assert task["provenance"]["arm_id"] == "fake"
    assert task["provenance"]["attempts"] == 1
    assert (
        samples[("octollm_arm_calls_total", frozenset({("arm", "fake"), ("outcome", "success")}))]
        == 1
    )
    assert samples[("octollm_tasks", frozenset({("status", "completed")}))] == 1
    assert code == 0, worker.output
    assert "2 worker(s)" in worker.output
    assert f"task {task_id} completed" in worker.output


def test_a_task_whose_worker_is_killed_is_reclaimed_by_another_worker(
    tmp_path: Path, redis_prefix: str, reflex_url: str
):
    arm = FakeArm(hold_first=True)
    with deployment(arm, tmp_path, redis_prefix, reflex_url) as setup:
        first = setup.worker("--concurrency", "1")
        task_id = setup.create_task()
        wait_for(lambda: arm.calls, 15, "the first worker to call the arm")
        setup.wait_for_status(task_id, "processing", timeout=5)

        first.kill()  # SIGKILL: no ack, no heartbeat, nothing cleaned up
        second = setup.worker("--concurrency", "1")
        task = setup.wait_for_status(task_id, "completed", timeout=20)

    assert first.process.returncode == -signal.SIGKILL
    assert arm.calls == [task_id, task_id]
    assert task["result"] == {"answer": f"fake did: {task['goal']}", "call": 2}
    assert f"task {task_id} completed" in second.output
    assert f"task {task_id} completed" not in first.output


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_a_worker_promptly_with_exit_0(
    tmp_path: Path, redis_prefix: str, reflex_url: str, sig: int
):
    env = base_env(
        OCTOLLM_REDIS_URL=REDIS_URL,
        OCTOLLM_REDIS_PREFIX=redis_prefix,
        OCTOLLM_REFLEX_URL=reflex_url,
        OCTOLLM_DATA_DIR=str(tmp_path / "data"),
    )
    worker = Worker(env)
    try:
        worker.wait_started()
        sent = time.monotonic()
        code = worker.signal(sig)
        took = time.monotonic() - sent
    finally:
        worker.kill()

    assert code == 0, worker.output
    assert took < 5, worker.output
    assert "stopped" in worker.output
    assert "Traceback" not in worker.output


def test_a_worker_loop_that_swallows_its_cancel_is_cancelled_again(redis_prefix: str):
    """What asyncio.wait_for inside redis-py does on Python 3.11 when the cancel lands as a
    command completes: the stop must not wait for that loop forever."""

    async def stubborn() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(30)
        await asyncio.sleep(30)

    async def scenario() -> bool:
        settings = Settings.from_env(
            {}, redis_url=REDIS_URL, redis_prefix=redis_prefix, worker_concurrency=1
        )
        metrics = OrchestratorMetrics.register(CollectorRegistry())
        engine = Engine.build(settings, system_clock, metrics)
        await engine.start()
        loop = asyncio.create_task(stubborn())
        engine.pool._loops.append(loop)
        await asyncio.sleep(0.05)
        await asyncio.wait_for(engine.stop(), 5)
        return loop.cancelled()

    assert asyncio.run(scenario())


@pytest.mark.parametrize(
    ("variables", "args", "message"),
    [
        ({}, (), "OCTOLLM_REDIS_URL is not set"),
        ({"OCTOLLM_REDIS_URL": REDIS_URL}, ("--concurrency", "0"), "needs at least 1"),
    ],
    ids=["no-redis", "no-concurrency"],
)
def test_a_worker_that_cannot_work_exits_2_saying_why(
    variables: dict[str, str], args: tuple[str, ...], message: str
):
    result = subprocess.run(
        [sys.executable, "-m", "octollm.cli", "worker", *args],
        env=base_env(**variables),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert message in result.stderr
    if not variables:
        assert "executed inside the orchestrator" in result.stderr
