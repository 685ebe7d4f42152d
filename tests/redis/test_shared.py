"""Many `octollm serve` processes on one Redis act as one service.

Two orchestrators and two Reflex Layers, each its own process on its own port, share one
private redis-server under one `OCTOLLM_REDIS_PREFIX`: whatever one process writes, the others
read, list, cancel, replay and count.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.redis.helpers import (
    Processes,
    RedisServer,
    Served,
    require_redis_server,
    serve_env,
    start_all,
    stop_all,
    wait_for,
)

CACHE_COUNTERS = ("entries", "hits", "misses", "sets", "deletes", "expirations")


class Cluster:
    """What the fixture started: orchestrators A and B, reflex layers R1 and R2."""

    def __init__(self, a: Served, b: Served, r1: Served, r2: Served) -> None:
        self.a, self.b, self.r1, self.r2 = a, b, r1, r2
        self.http = httpx.Client(timeout=5)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """One set of processes for the module (starting four takes seconds); tests use own data."""
    require_redis_server()
    tmp_path = tmp_path_factory.mktemp("shared")
    processes = Processes()
    try:
        yield from _start(processes, tmp_path)
    finally:
        processes.close()


def _start(processes: Processes, tmp_path: Path) -> Iterator[Cluster]:
    redis_server = RedisServer(processes, tmp_path / "redis").start()
    env = serve_env(
        tmp_path, redis_url=redis_server.url, redis_prefix=f"shared-{uuid.uuid4().hex[:8]}"
    )
    r1 = Served(processes, "reflex", env, tmp_path / "r1.log")
    r2 = Served(processes, "reflex", env, tmp_path / "r2.log")
    orchestrator_env = {**env, "OCTOLLM_REFLEX_URL": r1.url}
    a = Served(processes, "orchestrator", orchestrator_env, tmp_path / "a.log")
    b = Served(processes, "orchestrator", orchestrator_env, tmp_path / "b.log")
    start_all(r1, r2, a, b)
    cluster = Cluster(a, b, r1, r2)
    for server in (r1, r2, a, b):  # the orchestrators are healthy once R1 is
        wait_for(
            lambda s=server: cluster.http.get(f"{s.url}/health").status_code == 200,
            timeout=10,
            what=f"{server.component} on {server.port} to be healthy",
        )
    try:
        yield cluster
    finally:
        cluster.http.close()
    codes = stop_all(a, b, r1, r2)
    assert set(codes.values()) == {0}, codes  # every process shuts down cleanly


def test_a_task_created_on_one_orchestrator_is_seen_and_cancelled_on_another(
    shared: Cluster,
) -> None:
    http, a, b = shared.http, shared.a, shared.b
    created = http.post(
        f"{a.url}/tasks", json={"goal": "Made on A", "priority": "high", "metadata": {"on": "A"}}
    )
    assert created.status_code == 202, created.text
    task = created.json()
    other = http.post(f"{b.url}/tasks", json={"goal": "Made on B", "priority": "low"}).json()

    on_b = http.get(f"{b.url}/tasks/{task['task_id']}")
    assert on_b.status_code == 200
    assert on_b.json() == task
    listings = [
        http.get(f"{server.url}/tasks", params={"order": "asc", "page_size": 100}).json()
        for server in (a, b)
    ]
    assert listings[0] == listings[1]
    ids = [t["task_id"] for t in listings[0]["data"]]
    assert ids.index(task["task_id"]) < ids.index(other["task_id"])
    for server in (a, b):  # only this test makes high-priority tasks
        high = http.get(f"{server.url}/tasks", params={"priority": "high"}).json()
        assert high["data"] == [task]
        assert high["pagination"]["total_items"] == 1

    cancelled = http.delete(f"{b.url}/tasks/{task['task_id']}")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"

    seen_on_a = http.get(f"{a.url}/tasks/{task['task_id']}")
    assert seen_on_a.json() == cancelled.json()
    listed_on_a = http.get(f"{a.url}/tasks", params={"status": "cancelled"}).json()
    assert listed_on_a["data"] == [cancelled.json()]  # only this test cancels
    pending_on_a = http.get(f"{a.url}/tasks", params={"status": "pending"}).json()
    pending_ids = [t["task_id"] for t in pending_on_a["data"]]
    assert other["task_id"] in pending_ids
    assert task["task_id"] not in pending_ids
    again_on_a = http.delete(f"{a.url}/tasks/{task['task_id']}")
    assert again_on_a.status_code == 200
    assert again_on_a.json() == cancelled.json()  # already cancelled: nothing changes


def test_an_idempotency_key_used_on_one_orchestrator_holds_on_another(shared: Cluster) -> None:
    http, a, b = shared.http, shared.a, shared.b
    body, key = {"goal": "Exactly once", "priority": "critical"}, {"Idempotency-Key": "shared-k1"}

    first = http.post(f"{a.url}/tasks", json=body, headers=key)
    retry = http.post(f"{b.url}/tasks", json=body, headers=key)
    conflict = http.post(f"{b.url}/tasks", json={**body, "goal": "Different"}, headers=key)

    assert first.status_code == retry.status_code == 202
    assert retry.json() == first.json()
    assert conflict.status_code == 409
    assert conflict.json()["error"]["details"]["task_id"] == first.json()["task_id"]
    for server in (a, b):  # only this test makes critical tasks: one, not two
        critical = http.get(f"{server.url}/tasks", params={"priority": "critical"}).json()
        assert critical["data"] == [first.json()]


def cache_stats(http: httpx.Client, server: Served) -> dict[str, int]:
    response = http.get(f"{server.url}/stats")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["backend"] == "redis"
    return {name: body[name] for name in CACHE_COUNTERS}


def test_a_cache_entry_put_on_one_reflex_is_read_and_deleted_on_another(shared: Cluster) -> None:
    http, r1, r2 = shared.http, shared.r1, shared.r2
    before = cache_stats(http, r1)
    assert cache_stats(http, r2) == before

    put = http.post(f"{r1.url}/cache", json={"key": "shared.k", "value": {"from": "r1"}})
    assert put.status_code == 201, put.text
    read = http.get(f"{r2.url}/cache/shared.k")
    assert read.status_code == 200
    assert read.json() == put.json()
    assert http.get(f"{r1.url}/cache/absent").status_code == 404

    middle = cache_stats(http, r2)
    assert cache_stats(http, r1) == middle
    assert middle == {
        **before,
        "entries": before["entries"] + 1,
        "sets": before["sets"] + 1,
        "hits": before["hits"] + 1,
        "misses": before["misses"] + 1,
    }

    assert http.delete(f"{r2.url}/cache/shared.k").status_code == 204
    assert http.get(f"{r1.url}/cache/shared.k").status_code == 404
    after = cache_stats(http, r1)
    assert cache_stats(http, r2) == after
    assert after == {
        **middle,
        "entries": middle["entries"] - 1,
        "deletes": middle["deletes"] + 1,
        "misses": middle["misses"] + 1,
    }
