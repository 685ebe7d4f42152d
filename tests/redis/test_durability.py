"""Nothing acknowledged is lost when a process dies with SIGKILL mid-burst.

- Embedded: the orchestrator itself is killed while a thread pool creates tasks; restarted on
  the same data directory, it has every task it answered 202 for, with the body it answered.
- Redis with the append-only file (`--appendfsync always`): Redis is killed while tasks and
  cache entries are being written; restarted on the same directory and port, the services
  (never restarted) answer again with every acknowledged task and unexpired entry.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from tests.redis.helpers import (
    Processes,
    RedisServer,
    Served,
    serve_env,
    start_all,
    stop_all,
    wait_for,
)

BURST = 300
THREADS = 8
KILL_AFTER = 100  # acknowledgements
PRIORITIES = ("low", "medium", "high", "critical")


class Burst:
    """Runs `requests` on a thread pool, keeping every acknowledged (2xx) answer.

    `on_acks(n)` fires once, from a worker, when the n-th acknowledgement arrives.
    """

    def __init__(self, acknowledged: int) -> None:
        self.lock = threading.Lock()
        self.acked: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}  # i -> (sent, answer)
        self.failed: dict[int, str] = {}
        self.threshold = acknowledged
        self.reached = threading.Event()

    def run(self, requests: list[Callable[[], tuple[dict[str, Any], httpx.Response]]]) -> None:
        def one(i: int) -> None:
            try:
                sent, response = requests[i]()
            except httpx.HTTPError as exc:  # the process went away mid-request
                with self.lock:
                    self.failed[i] = type(exc).__name__
                return
            with self.lock:
                if response.is_success:
                    self.acked[i] = (sent, response.json())
                    if len(self.acked) >= self.threshold:
                        self.reached.set()
                else:
                    self.failed[i] = str(response.status_code)

        with ThreadPoolExecutor(THREADS) as pool:  # every request has a client timeout
            for i in range(len(requests)):
                pool.submit(one, i)

    def start(self, requests: list[Callable[[], tuple[dict[str, Any], httpx.Response]]]) -> None:
        self.thread = threading.Thread(target=self.run, args=(requests,), daemon=True)
        self.thread.start()

    def join(self, timeout: float = 60) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the burst did not finish"


def task_body(i: int) -> dict[str, Any]:
    return {
        "goal": f"Burst task number {i}",
        "priority": PRIORITIES[i % 4],
        "metadata": {"i": i, "burst": "durability"},
        "acceptance_criteria": [f"criterion {i}"],
    }


def creator(http: httpx.Client, url: str, i: int) -> Callable[[], tuple[dict, httpx.Response]]:
    def create() -> tuple[dict[str, Any], httpx.Response]:
        body = task_body(i)
        return body, http.post(f"{url}/tasks", json=body)

    return create


def assert_task_stored(http: httpx.Client, url: str, sent: dict, answer: dict) -> None:
    found = http.get(f"{url}/tasks/{answer['task_id']}")
    assert found.status_code == 200, (answer["task_id"], found.text)
    assert found.json() == answer
    assert {k: found.json()[k] for k in sent} == sent


def test_embedded_orchestrator_killed_mid_burst_loses_no_acknowledged_task(
    processes: Processes, tmp_path: Path
) -> None:
    reflex = Served(processes, "reflex", serve_env(tmp_path), tmp_path / "reflex.log")
    env = serve_env(tmp_path, reflex_url=reflex.url)  # SQLite under tmp_path/data, no Redis
    orchestrator = Served(processes, "orchestrator", env, tmp_path / "orchestrator.log")
    start_all(reflex, orchestrator)
    http = httpx.Client(timeout=10, limits=httpx.Limits(max_connections=THREADS))
    try:
        wait_for(
            lambda: http.get(f"{orchestrator.url}/health").status_code == 200,
            timeout=10,
            what="the orchestrator to be healthy",
        )
        burst = Burst(KILL_AFTER)
        burst.start([creator(http, orchestrator.url, i) for i in range(BURST)])
        assert burst.reached.wait(30), f"only {len(burst.acked)} acknowledgements"
        orchestrator.kill()  # SIGKILL mid-burst
        with burst.lock:
            acked_at_kill = len(burst.acked)
        burst.join()

        orchestrator.start().wait_up()  # same data dir, same port
        for sent, answer in burst.acked.values():
            assert_task_stored(http, orchestrator.url, sent, answer)
        total = http.get(f"{orchestrator.url}/tasks").json()["pagination"]["total_items"]
        print(
            f"\nembedded burst: {BURST} sent, {acked_at_kill} acknowledged at kill, "
            f"{len(burst.acked)} acknowledged in all, {len(burst.failed)} failed; "
            f"{len(burst.acked)} of {len(burst.acked)} found, {total} stored"
        )
        assert len(burst.acked) >= KILL_AFTER
        assert burst.failed, "the kill did not interrupt the burst"
        assert len(burst.acked) <= total <= len(burst.acked) + THREADS  # + in-flight at the kill
    finally:
        http.close()
        stop_all(orchestrator, reflex)


def test_redis_with_aof_killed_mid_burst_loses_no_acknowledged_write(
    processes: Processes, tmp_path: Path
) -> None:
    redis_server = RedisServer(processes, tmp_path / "redis", appendonly=True).start()
    env = serve_env(
        tmp_path, redis_url=redis_server.url, redis_prefix=f"aof-{uuid.uuid4().hex[:8]}"
    )
    reflex = Served(processes, "reflex", env, tmp_path / "reflex.log")
    orchestrator = Served(
        processes, "orchestrator", {**env, "OCTOLLM_REFLEX_URL": reflex.url}, tmp_path / "o.log"
    )
    start_all(reflex, orchestrator)
    http = httpx.Client(timeout=10, limits=httpx.Limits(max_connections=THREADS))

    def putter(i: int) -> Callable[[], tuple[dict, httpx.Response]]:
        def put() -> tuple[dict[str, Any], httpx.Response]:
            body = {"key": f"aof.{i}", "value": {"i": i, "text": "ünïcödé"}, "ttl_seconds": 86400}
            return body, http.post(f"{reflex.url}/cache", json=body)

        return put

    try:
        for server in (reflex, orchestrator):
            wait_for(
                lambda s=server: http.get(f"{s.url}/health").status_code == 200,
                timeout=10,
                what=f"{server.component} to be healthy",
            )
        requests = [
            creator(http, orchestrator.url, i) if i % 2 else putter(i) for i in range(BURST)
        ]
        burst = Burst(KILL_AFTER)
        burst.start(requests)
        assert burst.reached.wait(30), f"only {len(burst.acked)} acknowledgements"
        redis_server.kill()  # SIGKILL mid-burst: no shutdown save
        burst.join()
        assert burst.failed, "the kill did not interrupt the burst"
        assert set(burst.failed.values()) == {"503"}, burst.failed  # fail fast, not hang

        redis_server.start()  # same port, same --dir: replays the append-only file
        restarted = time.monotonic()
        for server in (reflex, orchestrator):
            wait_for(
                lambda s=server: http.get(f"{s.url}/health").status_code == 200,
                timeout=5,
                what=f"{server.component} to recover without a restart",
            )
        recovery = time.monotonic() - restarted

        tasks = entries = 0
        for i, (sent, answer) in sorted(burst.acked.items()):
            if i % 2:
                assert_task_stored(http, orchestrator.url, sent, answer)
                tasks += 1
            else:
                found = http.get(f"{reflex.url}/cache/aof.{i}")
                assert found.status_code == 200, (i, found.text)
                assert found.json() == answer
                entries += 1
        print(
            f"\nredis AOF burst: {BURST} sent, {len(burst.acked)} acknowledged "
            f"({tasks} tasks, {entries} cache entries), {len(burst.failed)} answered 503; "
            f"all {len(burst.acked)} found; services recovered {recovery:.2f} s after Redis"
        )
    finally:
        http.close()
        stop_all(orchestrator, reflex)
