"""The task store interface: what every backend (SQLite, Redis) provides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from octollm.orchestrator.tasks.model import Task


@dataclass(frozen=True)
class ListQuery:
    page: int
    page_size: int
    sort_by: str
    order: str
    status: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class IdempotencyRecord:
    key: str
    fingerprint: str
    task_id: str


class TaskStore(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def insert(self, task: Task, claim: IdempotencyRecord | None) -> IdempotencyRecord | None:
        """Insert the task, and the claim on its idempotency key, atomically.

        When the key is already claimed nothing is written and the existing record is returned.
        """

    async def find_claim(self, key: str) -> IdempotencyRecord | None: ...

    async def get(self, task_id: str) -> Task | None: ...

    async def list(self, query: ListQuery) -> tuple[list[Task], int]:
        """One page of tasks in the requested order (ties by task_id), and the total count."""

    async def replace_if_status(self, task: Task, expected_status: str) -> bool:
        """Store `task` only if the stored one is still in `expected_status` (compare-and-set)."""

    async def overdue(self, now: str, limit: int) -> list[Task]:
        """Up to `limit` pending or processing tasks whose `deadline_at` is at or before `now`
        (an RFC 3339 time as `rfc3339` writes it), earliest deadline first."""

    async def count_by_status(self) -> dict[str, int]: ...

    async def ping(self) -> str:
        """A short description of the backend; raises when it is unusable."""
