"""Both stores on a real Redis Cluster: three masters, `redis+cluster://` to one of them.

Every key a store writes carries a hash tag, so each Lua script touches one slot; these tests
check that the whole API works through redis-py's cluster client, that the keys really live
where the slot map says, that `/stats` reports the evictions of the node holding the cache, and
that `/health` follows the node holding the tasks (not whichever node the client asks first).
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.cluster import RedisCluster

from octollm.config import Settings
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import FakeClock, SpecClient, spec_client
from tests.redis.helpers import (
    REDIS_CLI,
    Processes,
    RedisServer,
    assert_unavailable,
    cluster_port,
    require_redis_server,
    timed,
    wait_for,
)

TASKS = "/api/v1/tasks"
CACHE = "/api/v1/cache"
MASTERS = 3


class LocalCluster:
    def __init__(self, nodes: list[RedisServer]) -> None:
        self.nodes = nodes
        # The first node listed to `--cluster create` gets slots 0-5460, which hold neither
        # `{tasks}` (9114) nor `{cache}` (9427): the client must follow the slot map.
        self.url = f"redis+cluster://127.0.0.1:{nodes[0].port}"

    def client(self) -> RedisCluster:
        return RedisCluster(host="127.0.0.1", port=self.nodes[0].port, decode_responses=True)

    def owner(self, key: str) -> RedisServer:
        with self.client() as client:
            node = client.get_node_from_key(key)
        return next(n for n in self.nodes if n.port == node.port)


def cluster_ok(node: RedisServer) -> bool:
    with node.client() as client:
        return client.cluster("info").get("cluster_state") == "ok"


def wait_cluster_ok(nodes: list[RedisServer], timeout: float = 20) -> None:
    wait_for(
        lambda: all(cluster_ok(node) for node in nodes),
        timeout=timeout,
        interval=0.1,
        what="cluster_state:ok on every node",
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    require_redis_server()
    tmp_path = tmp_path_factory.mktemp("cluster")
    processes = Processes()
    try:
        nodes = []
        for i in range(MASTERS):
            directory = tmp_path / f"node{i}"
            options = (
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                str(directory / "nodes.conf"),
                "--cluster-node-timeout",
                "2000",
            )
            nodes.append(
                RedisServer(
                    processes, directory, port=cluster_port(), appendonly=True, extra=options
                ).start()
            )
        created = subprocess.run(
            [
                str(REDIS_CLI),
                "--cluster",
                "create",
                *(f"127.0.0.1:{node.port}" for node in nodes),
                "--cluster-replicas",
                "0",
                "--cluster-yes",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert created.returncode == 0, created.stdout + created.stderr
        wait_cluster_ok(nodes)
        yield LocalCluster(nodes)
    finally:
        processes.close()


def settings_for(cluster: LocalCluster, tmp_path: Path, prefix: str, **overrides) -> Settings:
    return Settings.from_env(
        {},
        data_dir=tmp_path / "data",
        redis_url=cluster.url,
        redis_prefix=prefix,
        validate_responses=True,
        **overrides,
    )


@pytest.fixture
def prefix() -> str:
    return f"cl-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def orchestrator(
    cluster: LocalCluster, tmp_path: Path, reflex_url: str, prefix: str
) -> Iterator[SpecClient]:
    app = create_orchestrator(settings_for(cluster, tmp_path, prefix, reflex_url=reflex_url))
    with spec_client(app, "orchestrator") as client:
        yield client


@pytest.fixture
def reflex(
    cluster: LocalCluster, tmp_path: Path, prefix: str, clock: FakeClock
) -> Iterator[SpecClient]:
    app = create_reflex(settings_for(cluster, tmp_path, prefix), clock=clock)
    with spec_client(app, "reflex") as client:
        yield client


def create(client: SpecClient, goal: str, key: str | None = None, **fields) -> dict:
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post(TASKS, json={"goal": goal, **fields}, headers=headers)
    assert response.status_code == 202, response.text
    return response.json()


def listing(client: SpecClient, **params) -> dict:
    response = client.get(TASKS, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(page: dict) -> list[str]:
    return [task["task_id"] for task in page["data"]]


def test_tasks_on_a_cluster(orchestrator: SpecClient, cluster: LocalCluster, prefix: str) -> None:
    priorities = ["low", "critical", "medium", "high", "critical", "low"]
    tasks = [
        create(orchestrator, f"Cluster task {i}", key=f"key-{i}" if i % 2 else None, priority=p)
        for i, p in enumerate(priorities)
    ]
    by_id = {t["task_id"]: t for t in tasks}

    # Idempotency keys: a retry replays, another body conflicts.
    retry = orchestrator.post(
        TASKS,
        json={"goal": "Cluster task 1", "priority": "critical"},
        headers={"Idempotency-Key": "key-1"},
    )
    assert retry.status_code == 202
    assert retry.json() == tasks[1]
    conflict = orchestrator.post(
        TASKS, json={"goal": "Other"}, headers={"Idempotency-Key": "key-1"}
    )
    assert conflict.status_code == 409

    for task in tasks:
        got = orchestrator.get(f"{TASKS}/{task['task_id']}")
        assert got.status_code == 200
        assert got.json() == task

    everything = listing(orchestrator, page_size=100, sort_by="priority", order="desc")
    rank = {"low": 0, "medium": 1, "high": 2, "critical": 3}
    expected = sorted(tasks, key=lambda t: (rank[t["priority"]], t["task_id"]), reverse=True)
    assert ids(everything) == [t["task_id"] for t in expected]
    assert everything["pagination"]["total_items"] == len(tasks)

    page2 = listing(orchestrator, page=2, page_size=2, sort_by="priority", order="asc")
    ascending = sorted(tasks, key=lambda t: (rank[t["priority"]], t["task_id"]))
    assert ids(page2) == [t["task_id"] for t in ascending[2:4]]
    assert page2["pagination"] == {"page": 2, "page_size": 2, "total_pages": 3, "total_items": 6}

    def oldest_first(chosen: list[dict]) -> list[str]:
        return [t["task_id"] for t in sorted(chosen, key=lambda t: (t["created_at"], t["task_id"]))]

    critical = listing(orchestrator, priority="critical", sort_by="created_at", order="asc")
    assert ids(critical) == oldest_first([tasks[1], tasks[4]])

    # Cancel two (one through its key's task) and filter by the new status.
    cancelled = []
    for task in (tasks[1], tasks[2]):
        response = orchestrator.delete(f"{TASKS}/{task['task_id']}")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        cancelled.append(response.json())
    replay = orchestrator.post(
        TASKS,
        json={"goal": "Cluster task 1", "priority": "critical"},
        headers={"Idempotency-Key": "key-1"},
    )
    assert replay.json() == cancelled[0]  # a retry returns the task as it is now

    by_status = listing(orchestrator, status="cancelled", sort_by="created_at", order="asc")
    assert ids(by_status) == oldest_first(cancelled)
    assert sorted(by_status["data"], key=lambda t: t["task_id"]) == sorted(
        cancelled, key=lambda t: t["task_id"]
    )
    combined = listing(orchestrator, status="cancelled", priority="critical")
    assert combined["data"] == [cancelled[0]]
    pending_critical = listing(orchestrator, status="pending", priority="critical")
    assert pending_critical["data"] == [by_id[tasks[4]["task_id"]]]
    by_status_sort = listing(orchestrator, sort_by="status", order="asc", page_size=100)
    assert ids(by_status_sort)[-2:] == sorted(c["task_id"] for c in cancelled)
    assert orchestrator.get("/api/v1/health").status_code == 200
    assert orchestrator.get("/api/v1/metrics").status_code == 200

    # The keys are where the slot map says: all on the node owning `{tasks}`.
    owner = cluster.owner(f"{prefix}:{{tasks}}:x")
    assert owner is not cluster.nodes[0]
    for node in cluster.nodes:
        with node.client() as client:
            keys = list(client.scan_iter(match=f"{prefix}:*"))
        assert bool(keys) == (node is owner), (node.port, keys[:3])


def test_cache_on_a_cluster(reflex: SpecClient, clock: FakeClock) -> None:
    entry = reflex.post(CACHE, json={"key": "k1", "value": {"a": [1, 2]}, "ttl_seconds": 600})
    assert entry.status_code == 201, entry.text
    short = reflex.post(CACHE, json={"key": "short", "value": "soon gone", "ttl_seconds": 60})
    assert short.status_code == 201

    got = reflex.get(f"{CACHE}/k1")
    assert got.status_code == 200
    assert got.json() == entry.json()
    assert reflex.get(f"{CACHE}/missing").status_code == 404
    assert reflex.delete(f"{CACHE}/k1").status_code == 204
    assert reflex.get(f"{CACHE}/k1").status_code == 404
    assert reflex.delete(f"{CACHE}/k1").status_code == 404
    clock.advance(61)
    assert reflex.get(f"{CACHE}/short").status_code == 404

    stats = reflex.get("/api/v1/stats")
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["backend"] == "redis"
    assert {
        k: body[k] for k in ("entries", "hits", "misses", "sets", "deletes", "expirations")
    } == {
        "entries": 0,
        "hits": 1,
        "misses": 3,
        "sets": 2,
        "deletes": 1,
        "expirations": 1,
    }
    # Checks count in Redis too: a miss, then a hit on what the check's key caches.
    first = reflex.post("/api/v1/check", json={"text": "Where is the cluster?"})
    assert first.status_code == 200, first.text
    assert first.json()["cache_hit"] is False
    cached = reflex.post(CACHE, json={"key": first.json()["cache_key"], "value": "here"})
    assert cached.status_code == 201
    second = reflex.post("/api/v1/check", json={"text": "Where is the cluster?"})
    assert second.json()["cache_hit"] is True
    assert second.json()["cached_value"] == "here"
    after = reflex.get("/api/v1/stats").json()
    assert (after["hits"], after["misses"], after["sets"]) == (2, 4, 3)
    assert after["checks"]["total"] == 2
    assert after["checks"]["cache_hits"] == 1

    assert reflex.get("/api/v1/health").status_code == 200
    assert reflex.get("/api/v1/metrics").status_code == 200


def test_cache_evictions_are_those_of_the_node_holding_the_cache(
    reflex: SpecClient, cluster: LocalCluster, prefix: str
) -> None:
    """Redis evicts cache entries (volatile-lru) on the node that owns `{cache}`, not node 0."""
    owner = cluster.owner(f"{prefix}:{{cache}}:stats")
    assert owner is not cluster.nodes[0]
    with owner.client() as client:
        used = int(client.info("memory")["used_memory"])
        client.config_set("maxmemory-policy", "volatile-lru")
        client.config_set("maxmemory", used + 3 * 1024 * 1024)
        try:
            value = "x" * 200_000
            for i in range(40):
                response = reflex.post(CACHE, json={"key": f"big.{i}", "value": value})
                assert response.status_code == 201, response.text
            evicted = int(client.info("stats")["evicted_keys"])
        finally:
            client.config_set("maxmemory", 0)
    assert evicted > 0
    body = reflex.get("/api/v1/stats").json()
    assert body["evictions"] == evicted


def test_the_node_holding_the_tasks_down_is_a_503_and_an_unhealthy_service(
    orchestrator: SpecClient, cluster: LocalCluster, prefix: str
) -> None:
    """Runs last in the module: it kills (then restarts, data kept by AOF) a cluster node."""
    task = create(orchestrator, "Before the node dies")
    owner = cluster.owner(f"{prefix}:{{tasks}}:x")
    assert orchestrator.get("/api/v1/health").status_code == 200

    owner.kill()
    try:
        response, seconds = timed(lambda: orchestrator.get(f"{TASKS}/{task['task_id']}"))
        assert_unavailable(response, "storage")
        assert seconds < 1.0, f"503 took {seconds:.3f} s"
        health, health_seconds = timed(lambda: orchestrator.get("/api/v1/health"))
        assert health.status_code == 503, health.text  # node 0, the URL's, still answers PING
        storage = health.json()["error"]["details"]["dependencies"]["storage"]
        assert storage["status"] == "down", storage
    finally:
        owner.start()
    started = time.monotonic()
    wait_cluster_ok(cluster.nodes)
    again = wait_for(
        lambda: (r := orchestrator.get(f"{TASKS}/{task['task_id']}")).status_code == 200 and r,
        timeout=10,
        interval=0.1,
        what="the task to be served again",
    )
    recovery = time.monotonic() - started
    print(
        f"\ncluster: 503 in {seconds * 1000:.0f} ms, health 503 in {health_seconds * 1000:.0f} ms;"
        f" served again {recovery:.2f} s after the node restarted"
    )
    assert again.json() == task
    assert orchestrator.get("/api/v1/health").status_code == 200
