"""Workers: loops that take deliveries from the queue and execute them, and the deadline
reaper. They run inside the orchestrator (`OCTOLLM_WORKER_CONCURRENCY` loops), and in
`octollm worker` processes beside it when tasks are in Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket

from octollm.orchestrator.execution.executor import Executor
from octollm.orchestrator.execution.queue import Delivery, TaskQueue

log = logging.getLogger(__name__)


class WorkerPool:
    def __init__(
        self,
        queue: TaskQueue,
        executor: Executor,
        *,
        concurrency: int,
        heartbeat_seconds: float,
        reaper_interval_seconds: float,
        reaper_grace_seconds: float,
        name: str | None = None,
    ) -> None:
        self.queue = queue
        self.executor = executor
        self.concurrency = concurrency
        self.heartbeat_seconds = heartbeat_seconds
        self.reaper_interval_seconds = reaper_interval_seconds
        self.reaper_grace_seconds = reaper_grace_seconds
        # A consumer name unique to this process (the Redis queue's consumer group needs it).
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self._loops: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._loops = [
            asyncio.create_task(self._work(f"{self.name}-{n}")) for n in range(self.concurrency)
        ]
        self._loops.append(asyncio.create_task(self._reap()))

    async def stop(self) -> None:
        """Stops taking work; what is in flight is cut off and will be delivered again.

        Cancelled again until they end: on Python 3.11 `asyncio.wait_for` (redis-py sends
        every command through it) returns instead of raising when the cancel lands just as
        what it waits for completes (CPython gh-86296), so one cancel may be swallowed.
        """
        pending = set(self._loops)
        while pending:
            for loop in pending:
                loop.cancel()
            _, pending = await asyncio.wait(pending, timeout=0.5)
        self._loops = []

    async def _work(self, consumer: str) -> None:
        while True:
            try:
                delivery = await self.queue.take(consumer, timeout=1.0)
            except Exception as exc:  # the queue's store is down: wait, then try again
                log.warning("worker %s: taking from the queue failed: %s", consumer, exc)
                await asyncio.sleep(1.0)
                continue
            if delivery is not None:
                await self._execute(consumer, delivery)

    async def _execute(self, consumer: str, delivery: Delivery) -> None:
        beat = asyncio.create_task(self._heartbeat(delivery))
        try:
            await self.executor.run(delivery.task_id)
        except Exception:
            # Not acknowledged: delivered again later (by the Redis queue after its visibility
            # timeout; by the embedded one after a restart); the reaper still ends the task
            # at its deadline.
            log.exception("worker %s: task %s failed to execute", consumer, delivery.task_id)
            return
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        try:
            await self.queue.ack(delivery)
        except Exception as exc:  # delivered again later; executing it again changes nothing
            log.warning("worker %s: ack of task %s failed: %s", consumer, delivery.task_id, exc)

    async def _heartbeat(self, delivery: Delivery) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await self.queue.extend(delivery)
            except Exception as exc:
                log.warning("heartbeat of task %s failed: %s", delivery.task_id, exc)

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(self.reaper_interval_seconds)
            try:
                reaped = await self.executor.reap(self.reaper_grace_seconds)
            except Exception as exc:
                log.warning("deadline reaper: %s", exc)
                continue
            if reaped:
                log.info("deadline reaper: %d task(s) past their deadline failed", reaped)
