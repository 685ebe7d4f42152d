"""The task queue interface, and the in-process queue of the embedded default.

Delivery is at least once: a task id may be delivered again (after a restart, or when the
worker that took it died), so whoever executes a delivery must make completion idempotent
(the executor does, with compare-and-set on the task's status).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from octollm.orchestrator.tasks.model import PRIORITIES, Task


@dataclass(frozen=True)
class Delivery:
    """One hand-over of a task to a worker; `receipt` is the queue's own handle for `ack`."""

    task_id: str
    receipt: str = ""


class TaskQueue(Protocol):
    backend: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def push(self, task: Task) -> None:
        """Make a new pending task deliverable (higher priority first, then oldest first)."""

    async def take(self, consumer: str, timeout: float) -> Delivery | None:
        """The next delivery for `consumer`, or None after waiting `timeout` seconds."""

    async def ack(self, delivery: Delivery) -> None:
        """The delivery is done with (whatever the task's outcome): never deliver it again."""

    async def extend(self, delivery: Delivery) -> None:
        """The worker is still on it: keep the delivery from being handed to another worker."""

    async def depth(self) -> int:
        """Deliveries waiting or in progress."""


@dataclass(order=True)
class _Entry:
    rank: tuple[int, str]
    seq: int
    task_id: str = field(compare=False)


def _rank(task: Task) -> tuple[int, str]:
    return (-PRIORITIES.index(task.priority), task.created_at)


class MemoryQueue:
    """The embedded default's queue: a priority heap in this process.

    Durable through the task store, not by itself: at start-up `recover` pushes again every
    task the store holds as pending or processing (this process is the only one executing
    embedded tasks, so a processing task found at start-up was cut off by a stop).
    """

    backend = "memory"

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._queued: set[str] = set()
        self._in_progress: set[str] = set()
        self._seq = itertools.count()
        self._ready = asyncio.Condition()

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def recover(self, tasks: Iterable[Task]) -> None:
        for task in tasks:
            await self.push(task)

    async def push(self, task: Task) -> None:
        if task.task_id in self._queued or task.task_id in self._in_progress:
            return
        self._queued.add(task.task_id)
        heapq.heappush(self._heap, _Entry(_rank(task), next(self._seq), task.task_id))
        async with self._ready:
            self._ready.notify()

    async def take(self, consumer: str, timeout: float) -> Delivery | None:
        async with self._ready:
            # Not through wait_for when a task is waiting: before Python 3.12, wait_for with a
            # timeout of 0 times out without ever running what it waits for.
            if not self._heap:
                try:
                    await asyncio.wait_for(self._ready.wait_for(lambda: bool(self._heap)), timeout)
                except TimeoutError:
                    return None
            entry = heapq.heappop(self._heap)
        self._queued.discard(entry.task_id)
        self._in_progress.add(entry.task_id)
        return Delivery(entry.task_id)

    async def ack(self, delivery: Delivery) -> None:
        self._in_progress.discard(delivery.task_id)

    async def extend(self, delivery: Delivery) -> None:
        pass

    async def depth(self) -> int:
        return len(self._heap) + len(self._in_progress)
