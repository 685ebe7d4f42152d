"""The data the benchmark reads: N tasks in the task store, written through the store layer.

Every seeded task is final (completed, failed or cancelled), so an embedded Orchestrator does
not queue them again at start-up, and none has a deadline to reap; each is created in 2027 or
later, so the first page of `GET /tasks` (newest first) is the same seeded page for every stack
however many tasks the `POST /tasks` runs add. The ids are fixed (a function of the number),
so the harness can name them to `GET /tasks/{id}` without reading them back.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path

from octollm.clock import rfc3339
from octollm.orchestrator.tasks.model import PRIORITIES, Task

FINAL = ("completed", "failed", "cancelled")
SEED_EPOCH = 1_800_000_000  # 2027-01-15: after any task the benchmark creates
SEEDED_SINCE = "2027-01-01"  # tasks created before this are the benchmark's own


def task_id(i: int) -> str:
    return str(uuid.UUID(int=i * 7919 + 1, version=4))


def make_task(i: int) -> Task:
    status = FINAL[i % 3]
    created = SEED_EPOCH + i * 0.5
    done = created + 4.2
    completed = status == "completed"
    return Task(
        task_id=task_id(i),
        status=status,
        goal=f"Summarise incident report {i} in five bullet points for the on-call review",
        constraints={},
        context="",
        acceptance_criteria=["Names the component responsible"],
        budget={"max_tokens": 10000, "max_time_seconds": 300, "max_cost_usd": 1.0},
        priority=PRIORITIES[(i // 3) % 4],
        metadata={"team": "payments", "n": i},
        result={"output": f"- Checkout latency rose at 14:05 UTC (report {i}) ..."}
        if completed
        else None,
        error={"code": "TIMEOUT", "message": "The task did not finish within its budget of 300 s"}
        if status == "failed"
        else None,
        created_at=rfc3339(created),
        updated_at=rfc3339(done),
        processing_time_ms=4200 if status != "cancelled" else None,
        required_capabilities=["general"],
        use_cache=True,
        deadline_at=rfc3339(created + 300),
        cache_key="task:sha256:" + uuid.UUID(int=i).hex * 2,
        provenance={
            "arm_id": "llm",
            "processing_time_ms": 4100,
            "tokens_used": 812,
            "model": "gpt-4o-mini",
            "cache_hit": False,
            "attempts": 1,
        }
        if completed
        else None,
    )


async def _insert_all(store: object, n: int, batch: int) -> None:
    for start in range(0, n, batch):
        await asyncio.gather(
            *(store.insert(make_task(i), None) for i in range(start, min(n, start + batch)))  # type: ignore[attr-defined]
        )


async def seed_sqlite(data_dir: Path, n: int) -> None:
    """N tasks in `data_dir`'s SQLite database: the schema by `SqliteTaskStore.open`, the rows
    as `SqliteTaskStore.insert` writes them (its row mapping), in one transaction."""
    from octollm.orchestrator.tasks import store_sqlite

    store = store_sqlite.SqliteTaskStore(data_dir, synchronous="OFF")
    await store.open()
    await store.close()
    row, columns = getattr(store_sqlite, "_row", None), getattr(store_sqlite, "COLUMNS", None)
    if row is None or columns is None:  # the store changed: the slow, public way
        store = store_sqlite.SqliteTaskStore(data_dir, synchronous="OFF")
        await store.open()
        try:
            await _insert_all(store, n, 2000)
        finally:
            await store.close()
        return
    db = sqlite3.connect(store.path)
    try:
        db.execute("PRAGMA synchronous=OFF")
        # Indexes are built faster once, after the rows: dropped here, made again by open().
        indexes = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks' "
            "AND sql IS NOT NULL"
        ).fetchall()
        for (name,) in indexes:
            db.execute(f'DROP INDEX "{name}"')
        width = len(row(make_task(0)))
        sql = f"INSERT INTO tasks ({columns}) VALUES ({', '.join('?' * width)})"
        for start in range(0, n, 20_000):
            db.executemany(sql, [row(make_task(i)) for i in range(start, min(n, start + 20_000))])
            db.commit()
    finally:
        db.close()
    store = store_sqlite.SqliteTaskStore(data_dir, synchronous="OFF")
    await store.open()
    await store.close()


async def seed_redis(url: str, prefix: str, n: int) -> None:
    """N tasks under `prefix` in Redis, keyed and indexed as `RedisTaskStore.insert` does (its
    key and index layout), written in pipelines."""
    from bench.tasks_list import write_redis
    from octollm.orchestrator.tasks.store_redis import RedisTaskStore
    from octollm.redis_support import RedisConnection

    store = RedisTaskStore(RedisConnection(url, timeout_seconds=30), prefix=prefix)
    await store.open()
    try:
        if not (hasattr(store, "_task_key") and hasattr(store, "_memberships")):
            await _insert_all(store, n, 64)  # the store changed: the slow, public way
            return
        await write_redis(store, (make_task(i) for i in range(n)), batch=5000)
    finally:
        await store.close()


def forget_created_sqlite(data_dir: Path) -> int:
    """Deletes the tasks a run created (not the seeded ones), so the next server to open the
    database does not queue them again at start-up."""
    db = sqlite3.connect(Path(data_dir) / "tasks.sqlite3")
    try:
        deleted = db.execute("DELETE FROM tasks WHERE created_at < ?", (SEEDED_SINCE,)).rowcount
        db.commit()
        return deleted
    finally:
        db.close()


def forget_created_redis(url: str, prefix: str) -> int:
    """Drops the queue and the deadline index (the tasks a run created stay, unlisted on the
    first page, and are neither executed nor reaped by the next servers)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        base = f"{prefix}:{{tasks}}"
        keys = [f"{base}:deadlines", *client.scan_iter(match=f"{base}:queue*", count=1000)]
        return client.delete(*keys) if keys else 0
    finally:
        client.close()


def delete_prefix(url: str, prefix: str) -> int:
    """Every key of this run (`<prefix>:*`)."""
    import redis

    client = redis.Redis.from_url(url)
    deleted = 0
    try:
        batch = []
        for key in client.scan_iter(match=f"{prefix}:*", count=2000):
            batch.append(key)
            if len(batch) >= 2000:
                deleted += client.unlink(*batch)
                batch = []
        if batch:
            deleted += client.unlink(*batch)
        return deleted
    finally:
        client.close()


def redis_answers(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False
