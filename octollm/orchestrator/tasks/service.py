"""Task rules: screening through the Reflex Layer, the reflex shortcut, idempotent creation,
listing, cancelling. Executing a task is the engine's (octollm/orchestrator/execution)."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import math
import uuid
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter

from octollm.clock import Clock, rfc3339
from octollm.errors import ApiError, not_found
from octollm.orchestrator.execution.queue import TaskQueue
from octollm.orchestrator.reflex_client import ReflexClient
from octollm.orchestrator.tasks.model import Task, check_transition
from octollm.orchestrator.tasks.store import IdempotencyRecord, ListQuery, TaskStore

SCREENED_FIELDS = ("goal", "context")
# What else makes two tasks the same task, for the reflex shortcut.
KEYED_FIELDS = ("constraints", "acceptance_criteria", "required_capabilities")


def _canonical(value: Any) -> Any:
    """JSON has one number type: 1 and 1.0 are the same value."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def fingerprint(body: dict[str, Any]) -> str:
    """Identifies a create request's content (after defaults), for idempotency."""
    canonical = json.dumps(
        _canonical(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def task_cache_key(text_keys: dict[str, str], body: dict[str, Any]) -> str:
    """The task's key in the Reflex Layer's cache: the Reflex Layer's keys of its screened
    texts (a text not screened, being empty, has none), and the other fields that shape the
    result."""
    material = {name: text_keys.get(name) for name in SCREENED_FIELDS}
    material |= {name: body[name] for name in KEYED_FIELDS}
    material["required_capabilities"] = sorted(material["required_capabilities"])
    return f"task:sha256:{fingerprint(material)}"


class TaskService:
    def __init__(
        self,
        store: TaskStore,
        queue: TaskQueue,
        reflex: ReflexClient,
        clock: Clock,
        created: Counter,
        *,
        on_cancelled: Callable[[str], None] = lambda _task_id: None,
    ) -> None:
        self.store = store
        self.queue = queue
        self.reflex = reflex
        self.clock = clock
        self.created = created
        self.on_cancelled = on_cancelled

    async def create(self, body: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
        claim = None
        if idempotency_key is not None:
            claim = IdempotencyRecord(idempotency_key, fingerprint(body), str(uuid.uuid4()))
            existing = await self.store.find_claim(idempotency_key)
            if existing is not None:
                return await self._replay(existing, claim)
        cache_key = await self._screen(body)
        cached = await self.reflex.cached_result(cache_key) if body["use_cache"] else None
        now = self.clock()
        task = Task(
            task_id=claim.task_id if claim else str(uuid.uuid4()),
            status="pending",
            result=None,
            error=None,
            created_at=rfc3339(now),
            updated_at=rfc3339(now),
            processing_time_ms=None,
            deadline_at=rfc3339(now + body["budget"]["max_time_seconds"]),
            cache_key=cache_key,
            provenance=None,
            **body,
        )
        if cached is not None:  # the reflex shortcut: done before it was queued
            task = dataclasses.replace(
                task,
                status="completed",
                result=cached["result"],
                processing_time_ms=0,
                provenance={**cached["provenance"], "cache_hit": True, "attempts": 0},
            )
        existing = await self.store.insert(task, claim)
        if existing is not None and claim is not None:
            return await self._replay(existing, claim)
        self.created.labels(task.priority).inc()
        if not task.final:
            await self.queue.push(task)
        return task.to_dict()

    async def _replay(
        self, existing: IdempotencyRecord, claim: IdempotencyRecord
    ) -> dict[str, Any]:
        if existing.fingerprint != claim.fingerprint:
            raise ApiError(
                "CONFLICT",
                f"Idempotency-Key {claim.key!r} was already used with a different request body",
                {
                    "field": "Idempotency-Key",
                    "constraint": "idempotency",
                    "task_id": existing.task_id,
                },
            )
        return await self.get(existing.task_id)

    async def _screen(self, body: dict[str, Any]) -> str:
        """Rejects the task when the Reflex Layer blocks one of its screened fields; else
        returns the task's cache key."""
        fields = [name for name in SCREENED_FIELDS if body.get(name)]
        verdicts = await asyncio.gather(*(self.reflex.check(body[name]) for name in fields))
        for name, verdict in zip(fields, verdicts, strict=True):
            if verdict["decision"] == "block":
                # An injection blocks; so may PII, when the Reflex Layer's policy says so.
                matches = verdict["injection_matches"] or verdict["pii_matches"]
                kinds = sorted({m["type"] for m in matches})
                raise ApiError(
                    "VALIDATION_ERROR",
                    f"{name}: rejected by the reflex policy ({', '.join(kinds)})",
                    {"field": name, "constraint": "reflex_policy", "matches": matches},
                )
        text_keys = {name: v["cache_key"] for name, v in zip(fields, verdicts, strict=True)}
        return task_cache_key(text_keys, body)

    async def get(self, task_id: str) -> dict[str, Any]:
        return (await self._load(task_id)).to_dict()

    async def _load(self, task_id: str) -> Task:
        task = await self.store.get(task_id)
        if task is None:
            raise not_found("Task", task_id)
        return task

    async def list(
        self,
        page: int,
        page_size: int,
        sort_by: str,
        order: str,
        status: str | None = None,
        priority: str | None = None,
    ) -> dict[str, Any]:
        query = ListQuery(page, page_size, sort_by, order, status, priority)
        tasks, total = await self.store.list(query)
        return {
            "data": [t.to_dict() for t in tasks],
            "pagination": {
                "page": page,
                "page_size": page_size,
                "total_pages": math.ceil(total / page_size),
                "total_items": total,
            },
        }

    async def cancel(self, task_id: str) -> dict[str, Any]:
        while True:
            task = await self._load(task_id)
            if task.status == "cancelled":
                return task.to_dict()
            check_transition(task_id, task.status, "cancelled")
            cancelled = task.moved_to("cancelled", rfc3339(self.clock()))
            if await self.store.replace_if_status(cancelled, task.status):
                self.on_cancelled(task_id)
                return cancelled.to_dict()
            # The task moved on between reading and writing: decide again on its new status.
