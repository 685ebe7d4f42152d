"""Tasks in SQLite: durable across restarts, one writer thread, WAL journal.

Every statement runs on a single dedicated thread, so the event loop never blocks on disk and
statements never interleave. A create commits (and, with `synchronous=FULL`, reaches the disk)
before the API answers 202.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from octollm.orchestrator.tasks.model import PRIORITIES, STATUSES, Task
from octollm.orchestrator.tasks.store import IdempotencyRecord, ListQuery

T = TypeVar("T")

SORT_COLUMNS = {
    "created_at": "created_at",
    "updated_at": "updated_at",
    "priority": "priority_rank",
    "status": "status_rank",
}
FILTERS = ((), ("status",), ("priority",), ("status", "priority"))

# One index per sort column and filter combination (as the Redis store keeps one sorted set
# each), so every page is an index range; and counts kept by trigger, so totals cost no scan.
SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    task_id       TEXT PRIMARY KEY,
    status        TEXT NOT NULL,
    status_rank   INTEGER NOT NULL,
    priority      TEXT NOT NULL,
    priority_rank INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    doc           TEXT NOT NULL,
    deadline_at   TEXT
);
CREATE TABLE IF NOT EXISTS task_counts (
    status   TEXT NOT NULL,
    priority TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (status, priority)
);
CREATE TRIGGER IF NOT EXISTS tasks_counted_in AFTER INSERT ON tasks BEGIN
    INSERT INTO task_counts VALUES (NEW.status, NEW.priority, 1)
        ON CONFLICT (status, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS tasks_counted_moved AFTER UPDATE OF status, priority ON tasks BEGIN
    UPDATE task_counts SET n = n - 1 WHERE status = OLD.status AND priority = OLD.priority;
    INSERT INTO task_counts VALUES (NEW.status, NEW.priority, 1)
        ON CONFLICT (status, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS tasks_counted_out AFTER DELETE ON tasks BEGIN
    UPDATE task_counts SET n = n - 1 WHERE status = OLD.status AND priority = OLD.priority;
END;
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    task_id     TEXT NOT NULL
);
""" + "".join(
    f"CREATE INDEX IF NOT EXISTS tasks_by_{'_'.join((*f, sort))} "
    f"ON tasks ({', '.join((*f, column, 'task_id'))});\n"
    for sort, column in SORT_COLUMNS.items()
    for f in FILTERS
)
# The deadline reaper's index: only tasks that can still time out.
DEADLINE_INDEX = """
CREATE INDEX IF NOT EXISTS tasks_active_by_deadline ON tasks (deadline_at)
    WHERE status IN ('pending', 'processing');
"""
COLUMNS = (
    "task_id, status, status_rank, priority, priority_rank, created_at, updated_at, doc, "
    "deadline_at"
)


def _row(task: Task) -> tuple[Any, ...]:
    return (
        task.task_id,
        task.status,
        STATUSES.index(task.status),
        task.priority,
        PRIORITIES.index(task.priority),
        task.created_at,
        task.updated_at,
        task.to_json(),
        task.deadline_at,
    )


def _add_deadlines(db: sqlite3.Connection) -> None:
    """A database from before deadlines: add the column and fill it in from the documents."""
    if any(row[1] == "deadline_at" for row in db.execute("PRAGMA table_info(tasks)")):
        return
    db.execute("ALTER TABLE tasks ADD COLUMN deadline_at TEXT")
    rows = db.execute("SELECT doc FROM tasks").fetchall()
    db.executemany(
        "UPDATE tasks SET deadline_at = ? WHERE task_id = ?",
        [(t.deadline_at, t.task_id) for t in (Task.from_json(r[0]) for r in rows)],
    )


class SqliteTaskStore:
    backend = "sqlite"

    def __init__(self, data_dir: Path, *, synchronous: str = "FULL") -> None:
        self.path = Path(data_dir) / "tasks.sqlite3"
        self.synchronous = synchronous
        self._executor: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._executor is None or self._db is None:
            raise RuntimeError("the task store is not open")
        db = self._db
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, db)

    async def open(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-tasks")

        def connect() -> sqlite3.Connection:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={self.synchronous}")
            db.execute("PRAGMA busy_timeout=5000")
            db.executescript(SCHEMA)
            _add_deadlines(db)
            db.executescript(DEADLINE_INDEX)
            if db.execute("SELECT NOT EXISTS (SELECT 1 FROM task_counts)").fetchone()[0]:
                db.execute(  # a database from before the counts: count once
                    "INSERT INTO task_counts "
                    "SELECT status, priority, COUNT(*) FROM tasks GROUP BY status, priority"
                )
            return db

        self._db = await asyncio.get_running_loop().run_in_executor(self._executor, connect)

    async def close(self) -> None:
        if self._db is not None:
            await self._run(lambda db: db.close())
            self._db = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    async def insert(self, task: Task, claim: IdempotencyRecord | None) -> IdempotencyRecord | None:
        def insert(db: sqlite3.Connection) -> IdempotencyRecord | None:
            db.execute("BEGIN IMMEDIATE")
            try:
                if claim is not None:
                    existing = _find_claim(db, claim.key)
                    if existing is not None:
                        db.execute("ROLLBACK")
                        return existing
                    db.execute(
                        "INSERT INTO idempotency_keys (key, fingerprint, task_id) VALUES (?, ?, ?)",
                        (claim.key, claim.fingerprint, claim.task_id),
                    )
                db.execute(
                    f"INSERT INTO tasks ({COLUMNS}) VALUES ({', '.join('?' * 9)})", _row(task)
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return None

        return await self._run(insert)

    async def find_claim(self, key: str) -> IdempotencyRecord | None:
        return await self._run(lambda db: _find_claim(db, key))

    async def get(self, task_id: str) -> Task | None:
        def get(db: sqlite3.Connection) -> Task | None:
            row = db.execute("SELECT doc FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
            return Task.from_json(row[0]) if row else None

        return await self._run(get)

    async def list(self, query: ListQuery) -> tuple[list[Task], int]:
        where, params = [], []
        for column in ("status", "priority"):
            value = getattr(query, column)
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        direction = "DESC" if query.order == "desc" else "ASC"
        column = SORT_COLUMNS[query.sort_by]
        sql = (
            f"SELECT doc FROM tasks {clause} "
            f"ORDER BY {column} {direction}, task_id {direction} LIMIT ? OFFSET ?"
        )
        offset = (query.page - 1) * query.page_size

        def page(db: sqlite3.Connection) -> tuple[list[Task], int]:
            count = f"SELECT COALESCE(SUM(n), 0) FROM task_counts {clause}"
            total = db.execute(count, params).fetchone()[0]
            if offset >= total:  # also keeps a huge page number out of SQLite's 64-bit integers
                return [], total
            rows = db.execute(sql, [*params, query.page_size, offset]).fetchall()
            return [Task.from_json(r[0]) for r in rows], total

        return await self._run(page)

    async def replace_if_status(self, task: Task, expected_status: str) -> bool:
        row = _row(task)

        def replace(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE tasks SET status = ?, status_rank = ?, updated_at = ?, doc = ? "
                "WHERE task_id = ? AND status = ?",
                (row[1], row[2], row[6], row[7], task.task_id, expected_status),
            )
            return cursor.rowcount == 1

        return await self._run(replace)

    async def overdue(self, now: str, limit: int) -> list[Task]:
        def overdue(db: sqlite3.Connection) -> list[Task]:
            rows = db.execute(
                "SELECT doc FROM tasks WHERE status IN ('pending', 'processing') "
                "AND deadline_at <= ? ORDER BY deadline_at LIMIT ?",
                (now, limit),
            ).fetchall()
            return [Task.from_json(r[0]) for r in rows]

        return await self._run(overdue)

    async def count_by_status(self) -> dict[str, int]:
        def count(db: sqlite3.Connection) -> dict[str, int]:
            rows = db.execute("SELECT status, SUM(n) FROM task_counts GROUP BY status").fetchall()
            return {status: 0 for status in STATUSES} | dict(rows)

        return await self._run(count)

    async def ping(self) -> str:
        await self._run(lambda db: db.execute("SELECT 1").fetchone())
        return f"sqlite: {self.path}"


def _find_claim(db: sqlite3.Connection, key: str) -> IdempotencyRecord | None:
    row = db.execute(
        "SELECT key, fingerprint, task_id FROM idempotency_keys WHERE key = ?", (key,)
    ).fetchone()
    return IdempotencyRecord(*row) if row else None
