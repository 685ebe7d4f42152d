"""Redis goes away: requests fail fast with 503, and the same app recovers when Redis is back.

Each service runs in process (spec-checked responses) on a private redis-server with the
append-only file on; the test kills that Redis (or freezes it), measures how fast the service
says so, starts it again on the same port and directory, and polls until the service, never
restarted, answers again with the data written before the outage.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from octollm.config import Settings
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import SpecClient, spec_client
from tests.orchestrator.arms import ScriptedArm, hang, serve_arm, wait_for_status, write_arms_file
from tests.redis.helpers import Processes, RedisServer, assert_unavailable, timed, wait_for

TASKS = "/api/v1/tasks"
CACHE = "/api/v1/cache"
HEALTH = "/api/v1/health"
FAIL_FAST_SECONDS = 1.0  # an answer while Redis is down, each request
RECOVERY_SECONDS = 5.0  # from Redis answering PING again to the service answering 2xx


@pytest.fixture
def private_redis(processes: Processes, tmp_path: Path) -> RedisServer:
    return RedisServer(processes, tmp_path / "redis", appendonly=True).start()


def settings_for(redis_server: RedisServer, tmp_path: Path, **overrides: Any) -> Settings:
    return Settings.from_env(
        {},
        data_dir=tmp_path / "data",
        redis_url=redis_server.url,
        redis_prefix=f"outage-{uuid.uuid4().hex[:8]}",
        validate_responses=True,
        **overrides,
    )


@pytest.fixture
def orchestrator(
    private_redis: RedisServer, tmp_path: Path, reflex_url: str
) -> Iterator[SpecClient]:
    """An orchestrator on the private Redis, screening through the shared (in-memory) reflex."""
    app = create_orchestrator(settings_for(private_redis, tmp_path, reflex_url=reflex_url))
    with spec_client(app, "orchestrator") as client:
        yield client


@pytest.fixture
def reflex(private_redis: RedisServer, tmp_path: Path) -> Iterator[SpecClient]:
    with spec_client(create_reflex(settings_for(private_redis, tmp_path)), "reflex") as client:
        yield client


def assert_fast(response_and_seconds: tuple[Any, float], dependency: str) -> float:
    response, seconds = response_and_seconds
    assert_unavailable(response, dependency)
    assert seconds < FAIL_FAST_SECONDS, f"503 took {seconds:.3f} s"
    return seconds


def assert_health_down(client: SpecClient, dependency: str) -> float:
    response, seconds = timed(lambda: client.get(HEALTH))
    assert response.status_code == 503, response.text
    body = response.json()["error"]
    assert body["code"] == "SERVICE_UNAVAILABLE"
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["details"]["status"] == "unhealthy", body
    assert body["details"]["dependencies"][dependency]["status"] == "down", body
    assert seconds < FAIL_FAST_SECONDS, f"health took {seconds:.3f} s"
    return seconds


def recover(client: SpecClient, path: str) -> tuple[Any, float]:
    """Polls GET `path` until it answers 200; returns that response and how long it took."""
    started = time.monotonic()
    response = wait_for(
        lambda: (r := client.get(path)).status_code == 200 and r,
        timeout=RECOVERY_SECONDS,
        what=f"GET {path} to answer 200 again",
    )
    return response, time.monotonic() - started


def test_orchestrator_fails_fast_while_redis_is_down_and_recovers(
    orchestrator: SpecClient, private_redis: RedisServer
) -> None:
    created = orchestrator.post(TASKS, json={"goal": "Written before the outage"})
    assert created.status_code == 202, created.text
    task = created.json()

    private_redis.kill()
    latencies = [
        assert_fast(timed(lambda: orchestrator.post(TASKS, json={"goal": "During"})), "storage"),
        assert_fast(timed(lambda: orchestrator.get(f"{TASKS}/{task['task_id']}")), "storage"),
        assert_fast(timed(lambda: orchestrator.get(TASKS)), "storage"),
        assert_fast(timed(lambda: orchestrator.delete(f"{TASKS}/{task['task_id']}")), "storage"),
        assert_health_down(orchestrator, "storage"),
    ]

    private_redis.start()
    again, recovery = recover(orchestrator, f"{TASKS}/{task['task_id']}")
    print(
        f"\norchestrator: 503 in {max(latencies) * 1000:.0f} ms max; recovered in {recovery:.2f} s"
    )

    assert again.json() == task
    after = orchestrator.post(TASKS, json={"goal": "Written after the outage"})
    assert after.status_code == 202, after.text
    assert orchestrator.get(HEALTH).status_code == 200
    listed = orchestrator.get(TASKS, params={"order": "asc"}).json()
    assert [t["task_id"] for t in listed["data"]] == [task["task_id"], after.json()["task_id"]]


def test_reflex_cache_fails_fast_while_redis_is_down_and_recovers(
    reflex: SpecClient, private_redis: RedisServer
) -> None:
    stored = reflex.post(CACHE, json={"key": "before", "value": {"n": 1}, "ttl_seconds": 86400})
    assert stored.status_code == 201, stored.text

    private_redis.kill()
    latencies = [
        assert_fast(timed(lambda: reflex.post(CACHE, json={"key": "during", "value": 2})), "cache"),
        assert_fast(timed(lambda: reflex.get(f"{CACHE}/before")), "cache"),
        assert_fast(timed(lambda: reflex.delete(f"{CACHE}/before")), "cache"),
        assert_fast(timed(lambda: reflex.get("/api/v1/stats")), "cache"),
        assert_health_down(reflex, "cache"),
    ]

    private_redis.start()
    again, recovery = recover(reflex, f"{CACHE}/before")
    print(f"\nreflex: 503 in {max(latencies) * 1000:.0f} ms max; recovered in {recovery:.2f} s")

    assert again.json() == stored.json()
    after = reflex.post(CACHE, json={"key": "after", "value": 3})
    assert after.status_code == 201, after.text
    assert reflex.get(f"{CACHE}/during").status_code == 404  # the 503 stored nothing
    assert reflex.get(HEALTH).status_code == 200


def test_a_frozen_redis_is_a_503_after_the_configured_timeout(
    orchestrator: SpecClient, private_redis: RedisServer
) -> None:
    """SIGSTOP: connections stay open but nothing answers; the 0.5 s timeout bounds each call."""
    task = orchestrator.post(TASKS, json={"goal": "Before the freeze"}).json()
    assert private_redis.process is not None
    private_redis.process.send_signal(signal.SIGSTOP)
    try:
        latencies = [
            assert_fast(timed(lambda: orchestrator.get(f"{TASKS}/{task['task_id']}")), "storage"),
            assert_fast(timed(lambda: orchestrator.post(TASKS, json={"goal": "x"})), "storage"),
            assert_health_down(orchestrator, "storage"),
        ]
    finally:
        private_redis.process.send_signal(signal.SIGCONT)
    again, recovery = recover(orchestrator, f"{TASKS}/{task['task_id']}")
    print(f"\nfrozen: 503 in {max(latencies) * 1000:.0f} ms max; recovered in {recovery:.2f} s")
    assert again.json() == task


def test_a_task_in_flight_survives_a_redis_outage(
    private_redis: RedisServer, tmp_path: Path, reflex_url: str
) -> None:
    """Redis goes away while an arm works on a task: the call is not abandoned, and the
    result is recorded once Redis is back."""
    arm = ScriptedArm("alpha", ["general"], [hang(3)])
    with serve_arm(arm) as arm_url:
        arms = [{"id": "alpha", "url": arm_url, "capabilities": ["general"]}]
        settings = settings_for(
            private_redis,
            tmp_path,
            reflex_url=reflex_url,
            arms_file=str(write_arms_file(tmp_path / "arms.yaml", arms)),
        )
        with spec_client(create_orchestrator(settings), "orchestrator") as client:
            created = client.post(TASKS, json={"goal": f"Outage {uuid.uuid4()}"}).json()
            wait_for(lambda: arm.calls, timeout=5, what="the arm to be called")

            private_redis.kill()
            time.sleep(1.0)  # the executing worker's status checks fail meanwhile
            private_redis.start()

            task = wait_for_status(client, created["task_id"], timeout=8)

    assert task["status"] == "completed", task
    assert created["task_id"] in arm.finished
    assert len(arm.calls) == 1
