"""Executing one delivered task: pick an arm, call it with retries, record the outcome.

The task's end-to-end deadline (`deadline_at`) bounds everything: waiting for an arm, every
call, every backoff. Writes are compare-and-set on the task's status, so a delivery that
comes twice, a cancel, or the deadline reaper never make a task move twice: a late answer
never overwrites `cancelled`. While a call is in flight the task's status is watched, so a
cancel (in this process, or in any other sharing the store) abandons the call at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from typing import Any

from octollm.clock import Clock, parse_rfc3339, rfc3339
from octollm.http import request_id
from octollm.orchestrator.execution.arm_client import ArmCallError, ArmClient
from octollm.orchestrator.execution.arms import Arm, ArmRegistry
from octollm.orchestrator.execution.retry import RetryPolicy
from octollm.orchestrator.metrics import OrchestratorMetrics
from octollm.orchestrator.reflex_client import ReflexClient
from octollm.orchestrator.tasks.model import ARM_PROVENANCE, Task
from octollm.orchestrator.tasks.store import TaskStore

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Outcome:
    status: str  # completed | failed
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    provenance: dict[str, Any] | None = None


@dataclasses.dataclass
class Progress:
    """How far one execution got, for the error when the deadline cuts it off."""

    task: Task
    waiting_for_arm: bool = False
    attempts: int = 0


class Abandoned(Exception):
    """The task left `pending` under us (cancelled, or taken by another delivery)."""


def failure(code: str, message: str, arm: Arm | None = None) -> Outcome:
    error = {"code": code, "message": message} | ({"arm_id": arm.id} if arm else {})
    return Outcome("failed", error=error)


class Executor:
    def __init__(
        self,
        store: TaskStore,
        arms: ArmRegistry,
        client: ArmClient,
        reflex: ReflexClient,
        clock: Clock,
        metrics: OrchestratorMetrics,
        *,
        retry: RetryPolicy,
        cache_ttl_seconds: int,
        watch_seconds: float = 0.2,
    ) -> None:
        self.store = store
        self.arms = arms
        self.client = client
        self.reflex = reflex
        self.clock = clock
        self.metrics = metrics
        self.retry = retry
        self.cache_ttl_seconds = cache_ttl_seconds
        self.watch_seconds = watch_seconds
        self._cancels: dict[str, asyncio.Event] = {}

    def cancelled(self, task_id: str) -> None:
        """Told by the task service: abandon this task's execution here, if there is one."""
        event = self._cancels.get(task_id)
        if event is not None:
            event.set()

    async def run(self, task_id: str) -> None:
        """Executes the task, unless it is gone, final, or past its deadline (then fails it)."""
        request_id.set_current(task_id)
        task = await self.store.get(task_id)
        if task is None or task.final:
            return
        remaining = task.deadline - self.clock()
        if remaining <= 0:
            await self._finish(task, self._timed_out(Progress(task)))
            return
        progress = Progress(task)
        cancel = self._cancels.setdefault(task_id, asyncio.Event())
        work = asyncio.ensure_future(self._execute(progress))
        watch = asyncio.ensure_future(self._watch(task_id, cancel))
        try:
            done, _ = await asyncio.wait(
                {work, watch}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            self._cancels.pop(task_id, None)
            for future in (work, watch):
                future.cancel()
            results = await asyncio.gather(work, watch, return_exceptions=True)
        if work in done:
            if isinstance(results[0], Abandoned):
                return
            if isinstance(results[0], BaseException):
                raise results[0]
            await self._finish(progress.task, results[0])
        elif watch not in done:  # the deadline
            await self._finish(progress.task, self._timed_out(progress))
        # else: cancelled (or made final elsewhere) while it ran: nothing more to write

    async def _watch(self, task_id: str, cancel: asyncio.Event) -> None:
        """Returns when the task is cancelled here, or is no longer active in the store."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(cancel.wait(), self.watch_seconds)
            if cancel.is_set():
                return
            try:
                current = await self.store.get(task_id)
            except Exception as exc:  # a store blip must not abandon the call: look again
                log.warning("task %s: reading its status failed: %s", task_id, exc)
                continue
            if current is None or current.final:
                return

    async def _execute(self, progress: Progress) -> Outcome:
        last: tuple[Arm, ArmCallError] | None = None
        for attempt in range(1, self.retry.attempts + 1):
            if last is not None:
                await asyncio.sleep(self.retry.delay(attempt - 1))
            progress.waiting_for_arm = True
            failed_arms = {last[0].id} if last else set()
            async with self.arms.lease(progress.task.required_capabilities, failed_arms) as arm:
                progress.waiting_for_arm = False
                if progress.task.status == "pending":
                    progress.task = await self._start(progress.task)
                progress.attempts += 1
                try:
                    return await self._call(arm, progress)
                except ArmCallError as exc:
                    self.metrics.arm_calls.labels(arm.id, exc.outcome).inc()
                    log.warning("task %s: %s", progress.task.task_id, exc.message)
                    if not exc.retryable:
                        return failure("ARM_PROTOCOL_ERROR", exc.message, arm)
                    last = arm, exc
                    if attempt < self.retry.attempts:
                        self.metrics.arm_retries.labels(arm.id).inc()
        assert last is not None
        arm, exc = last
        return failure(
            "ARM_UNAVAILABLE", f"{exc.message} (after {progress.attempts} attempts)", arm
        )

    async def _call(self, arm: Arm, progress: Progress) -> Outcome:
        task = progress.task
        timeout = min(arm.config.timeout_seconds, task.deadline - self.clock())
        try:
            answer = await self.client.execute(arm, task.to_dict(), task.task_id, timeout)
        except ArmCallError as exc:
            if exc.outcome == "rejected":  # says nothing about the arm's health
                arm.breaker.released()
            else:
                arm.breaker.failed()
            raise
        arm.breaker.succeeded()
        if not answer["success"]:
            self.metrics.arm_calls.labels(arm.id, "failure").inc()
            error = answer["error"] or {
                "code": "ARM_FAILED",
                "message": f"arm {arm.id} reported failure without a reason",
            }
            return failure(error["code"], error["message"], arm)
        self.metrics.arm_calls.labels(arm.id, "success").inc()
        provenance = {name: answer["provenance"][name] for name in ARM_PROVENANCE}
        return Outcome(
            "completed",
            result=answer["result"] if answer["result"] is not None else {},
            provenance={**provenance, "cache_hit": False, "attempts": progress.attempts},
        )

    async def _start(self, task: Task) -> Task:
        """pending -> processing; Abandoned when the task is no longer pending."""
        started = task.moved_to("processing", rfc3339(self.clock()))
        if not await self.store.replace_if_status(started, "pending"):
            raise Abandoned(task.task_id)
        return started

    def _timed_out(self, progress: Progress) -> Outcome:
        task = progress.task
        budget = f"its budget of {task.budget['max_time_seconds']} s"
        capabilities = task.required_capabilities
        if progress.waiting_for_arm or (
            task.status == "pending" and self.arms.pick(capabilities) is None
        ):
            reason = self.arms.why_none(capabilities)
            return failure("NO_ARM_AVAILABLE", f"No arm took the task within {budget}: {reason}")
        if task.status == "pending":
            return failure("TIMEOUT", f"The task was still queued at the end of {budget}")
        return failure("TIMEOUT", f"The task did not finish within {budget}")

    async def _finish(self, task: Task, outcome: Outcome) -> bool:
        """Writes the final status if the task is still as we last saw it."""
        now = self.clock()
        elapsed_ms = None
        if task.status == "processing":
            elapsed_ms = max(0, round((now - parse_rfc3339(task.updated_at)) * 1000))
        final = dataclasses.replace(
            task.moved_to(outcome.status, rfc3339(now)),
            result=outcome.result,
            error=outcome.error,
            provenance=outcome.provenance,
            processing_time_ms=elapsed_ms,
        )
        if not await self.store.replace_if_status(final, task.status):
            return False  # cancelled, or finished by another delivery or the reaper
        if elapsed_ms is not None:
            self.metrics.executions.labels(outcome.status).observe(elapsed_ms / 1000)
        log.info("task %s %s", task.task_id, outcome.status)
        if outcome.status == "completed" and task.cache_key and outcome.provenance:
            provenance = {name: outcome.provenance[name] for name in ARM_PROVENANCE}
            await self.reflex.store_result(
                task.cache_key, final.result or {}, provenance, self.cache_ttl_seconds
            )
        return True

    async def reap(self, grace_seconds: float, limit: int = 100) -> int:
        """Fails the active tasks more than `grace_seconds` past their deadline (those no
        worker is timing: still queued, or their worker died); returns how many."""
        overdue = await self.store.overdue(rfc3339(self.clock() - grace_seconds), limit)
        reaped = 0
        for task in overdue:
            reaped += await self._finish(task, self._timed_out(Progress(task)))
        return reaped
