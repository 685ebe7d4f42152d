"""Listing tasks at scale: `GET /tasks` page 1 and page 200 (page_size 50) over N stored tasks,
timed at the service layer (TaskService.list), on SQLite and on Redis.

    python bench/tasks_list.py [--tasks 1000000] [--backends sqlite,redis]

Redis runs as a private `redis-server` on a free port (the shared one is not touched). Prints the
median of several runs per query, in milliseconds, and how long loading took.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from octollm.clock import rfc3339
from octollm.orchestrator.tasks.model import PRIORITIES, STATUSES, Task
from octollm.orchestrator.tasks.service import TaskService
from octollm.orchestrator.tasks.store_redis import RedisTaskStore
from octollm.orchestrator.tasks.store_sqlite import SCHEMA, SqliteTaskStore, _row
from octollm.redis_support import RedisConnection

QUERIES = [
    {"sort_by": "created_at", "order": "desc"},
    {"sort_by": "updated_at", "order": "asc"},
    {"sort_by": "priority", "order": "desc"},
    {"sort_by": "status", "order": "asc"},
    {"sort_by": "created_at", "order": "desc", "status": "pending"},
    {"sort_by": "created_at", "order": "asc", "priority": "high"},
    {"sort_by": "updated_at", "order": "desc", "status": "pending", "priority": "critical"},
]
RUNS = 7


def make_task(i: int) -> Task:
    created = rfc3339(1_800_000_000 + i * 0.5)
    return Task(
        task_id=str(uuid.UUID(int=i * 7919 + 1, version=4)),
        status=STATUSES[i % 5],
        goal=f"Benchmark task number {i}",
        constraints={},
        context="",
        acceptance_criteria=[],
        budget={"max_tokens": 10000, "max_time_seconds": 300, "max_cost_usd": 1.0},
        priority=PRIORITIES[(i // 5) % 4],
        metadata={"n": i},
        result=None,
        error=None,
        created_at=created,
        updated_at=rfc3339(1_800_000_000 + (i * 7) % 1000 + i * 0.5),
        processing_time_ms=None,
    )


def load_sqlite(data_dir: Path, n: int) -> None:
    db = sqlite3.connect(data_dir / "tasks.sqlite3")
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;" + SCHEMA)
    batch = 20_000
    for start in range(0, n, batch):
        rows = [_row(make_task(i)) for i in range(start, min(n, start + batch))]
        db.executemany("INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.commit()
    db.execute("ANALYZE")
    db.close()


async def load_redis(store: RedisTaskStore, n: int) -> None:
    await write_redis(store, (make_task(i) for i in range(n)))


async def write_redis(store: RedisTaskStore, tasks: Iterable[Task], batch: int = 10_000) -> None:
    """`tasks` keyed and indexed as `RedisTaskStore.insert` does (its key and index layout),
    written in pipelines of `batch`: seeding at Redis speed, not one script call per task."""
    tasks = iter(tasks)
    while chunk := list(itertools.islice(tasks, batch)):
        docs: dict[str, str] = {}
        indexes: dict[str, dict[str, int]] = {}
        for task in chunk:
            docs[store._task_key(task.task_id)] = task.to_json()
            for key, member in store._memberships(task):
                indexes.setdefault(key, {})[member] = 0
        pipe = store.client.pipeline(transaction=False)
        pipe.mset(docs)
        for key, members in indexes.items():
            pipe.zadd(key, members)
        await pipe.execute()


async def measure(service: TaskService) -> list[tuple[str, float, float]]:
    results = []
    for query in QUERIES:
        times = {1: [], 200: []}
        for _ in range(RUNS):
            for page in (1, 200):
                started = time.perf_counter()
                body = await service.list(page=page, page_size=50, **query)
                times[page].append((time.perf_counter() - started) * 1000)
                assert len(body["data"]) in (0, 50) or page == 200
        label = ", ".join(f"{k}={v}" for k, v in query.items())
        results.append((label, statistics.median(times[1]), statistics.median(times[200])))
    return results


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def bench_sqlite(n: int) -> list[tuple[str, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        load_sqlite(Path(tmp), n)
        print(f"sqlite: loaded {n} tasks in {time.perf_counter() - started:.1f} s")
        store = SqliteTaskStore(Path(tmp))
        await store.open()
        try:
            return await measure(TaskService(store, None, time.time, None))  # type: ignore[arg-type]
        finally:
            await store.close()


async def bench_redis(n: int) -> list[tuple[str, float, float]]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", tmp],
            stdout=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.5)
            connection = RedisConnection(f"redis://127.0.0.1:{port}/0", timeout_seconds=30)
            store = RedisTaskStore(connection, prefix="bench")
            await store.open()
            started = time.perf_counter()
            await load_redis(store, n)
            print(f"redis: loaded {n} tasks in {time.perf_counter() - started:.1f} s")
            try:
                return await measure(TaskService(store, None, time.time, None))  # type: ignore[arg-type]
            finally:
                await store.close()
        finally:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,redis")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        results = asyncio.run({"sqlite": bench_sqlite, "redis": bench_redis}[backend](args.tasks))
        print(f"\n{backend}, {args.tasks} tasks, median of {RUNS} (ms)   page 1   page 200")
        for label, first, deep in results:
            print(f"  {label:<62} {first:7.2f}  {deep:7.2f}")
        worst = max(max(r[1], r[2]) for r in results)
        print(f"  worst: {worst:.2f} ms (target < 20 ms)\n")


if __name__ == "__main__":
    main()
