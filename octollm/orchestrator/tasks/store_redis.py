"""Tasks in Redis: shared by every process, atomic transitions, indexed listing.

Layout (all keys share the `{tasks}` hash tag, so they live in one cluster slot):
- `<prefix>:{tasks}:task:<id>`: the task as JSON.
- `<prefix>:{tasks}:idem:<key>`: an idempotency claim, `{"fingerprint", "task_id"}`.
- `<prefix>:{tasks}:idx:<sort>:<filter>`: a sorted set per sort field and filter, every member
  `<sort value>|<task_id>` with score 0, so Redis orders members lexicographically: that is
  the sort order with ties broken by task_id, and a page is one `ZRANGE` by rank.
- `<prefix>:{tasks}:deadlines`: the pending and processing tasks, scored by their deadline
  (seconds since the epoch), for the deadline reaper.
"""

from __future__ import annotations

import json

from octollm.clock import parse_rfc3339
from octollm.orchestrator.tasks.model import PRIORITIES, STATUSES, Task
from octollm.orchestrator.tasks.store import IdempotencyRecord, ListQuery
from octollm.redis_support import Client, RedisConnection, dependency

SORTS = ("created_at", "updated_at", "priority", "status")

# KEYS: task, claim, deadlines, indexes...; ARGV: task JSON, claim JSON or '', deadline score
# or '' (a task final from the start), task id, index members...
INSERT = """
if ARGV[2] ~= '' then
  local existing = redis.call('GET', KEYS[2])
  if existing then return existing end
  redis.call('SET', KEYS[2], ARGV[2])
end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4]) end
for i = 4, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[i + 1]) end
return false
"""

# KEYS: task, deadlines, old index entries..., new index entries...; ARGV: stored JSON (the
# compare), new JSON, number of old entries, task id, '1' if the new status is final, members...
REPLACE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local old = tonumber(ARGV[3])
for i = 1, old do redis.call('ZREM', KEYS[2 + i], ARGV[5 + i]) end
for i = old + 1, #KEYS - 2 do redis.call('ZADD', KEYS[2 + i], 0, ARGV[5 + i]) end
if ARGV[5] == '1' then redis.call('ZREM', KEYS[2], ARGV[4]) end
redis.call('SET', KEYS[1], ARGV[2])
return 1
"""


def _sort_value(task: Task, sort: str) -> str:
    if sort == "priority":
        return str(PRIORITIES.index(task.priority))
    if sort == "status":
        return str(STATUSES.index(task.status))
    return getattr(task, sort)


class RedisTaskStore:
    backend = "redis"

    def __init__(self, connection: RedisConnection, *, prefix: str) -> None:
        self.connection = connection
        self.base = f"{prefix}:{{tasks}}"

    @property
    def client(self) -> Client:
        return self.connection.client

    def _task_key(self, task_id: str) -> str:
        return f"{self.base}:task:{task_id}"

    def _index(self, sort: str, status: str | None, priority: str | None) -> str:
        filters = [f"s={status}"] if status else []
        filters += [f"p={priority}"] if priority else []
        return f"{self.base}:idx:{sort}:{':'.join(filters) or 'all'}"

    def _memberships(self, task: Task) -> list[tuple[str, str]]:
        return [
            (self._index(sort, status, priority), f"{_sort_value(task, sort)}|{task.task_id}")
            for sort in SORTS
            for status in (None, task.status)
            for priority in (None, task.priority)
        ]

    async def open(self) -> None:
        self._insert = self.client.register_script(INSERT)
        self._replace = self.client.register_script(REPLACE)

    async def close(self) -> None:
        await self.connection.close()

    async def insert(self, task: Task, claim: IdempotencyRecord | None) -> IdempotencyRecord | None:
        memberships = self._memberships(task)
        claim_key = self._claim_key(claim.key if claim else "")
        claim_json = (
            json.dumps({"fingerprint": claim.fingerprint, "task_id": claim.task_id})
            if claim
            else ""
        )
        async with dependency("storage"):
            existing = await self._insert(
                keys=[
                    self._task_key(task.task_id),
                    claim_key,
                    self._deadlines,
                    *(k for k, _ in memberships),
                ],
                args=[
                    task.to_json(),
                    claim_json,
                    "" if task.final else repr(task.deadline),
                    task.task_id,
                    *(m for _, m in memberships),
                ],
            )
        if existing is None or claim is None:
            return None
        return IdempotencyRecord(claim.key, **json.loads(existing))

    @property
    def _deadlines(self) -> str:
        return f"{self.base}:deadlines"

    def _claim_key(self, key: str) -> str:
        return f"{self.base}:idem:{key}"

    async def find_claim(self, key: str) -> IdempotencyRecord | None:
        async with dependency("storage"):
            raw = await self.client.get(self._claim_key(key))
        return IdempotencyRecord(key, **json.loads(raw)) if raw else None

    async def get(self, task_id: str) -> Task | None:
        async with dependency("storage"):
            raw = await self.client.get(self._task_key(task_id))
        return Task.from_json(raw) if raw else None

    async def list(self, query: ListQuery) -> tuple[list[Task], int]:
        index = self._index(query.sort_by, query.status, query.priority)
        offset = (query.page - 1) * query.page_size
        async with dependency("storage"):
            total = await self.client.zcard(index)
            if offset >= total:
                return [], total
            members = await self.client.zrange(
                index, offset, offset + query.page_size - 1, desc=query.order == "desc"
            )
            ids = [m.rsplit("|", 1)[1] for m in members]
            docs = await self.client.mget([self._task_key(i) for i in ids]) if ids else []
        return [Task.from_json(d) for d in docs if d], total

    async def replace_if_status(self, task: Task, expected_status: str) -> bool:
        key = self._task_key(task.task_id)
        async with dependency("storage"):
            raw = await self.client.get(key)
            if raw is None:
                return False
            old = Task.from_json(raw)
            if old.status != expected_status:
                return False
            before, after = self._memberships(old), self._memberships(task)
            replaced = await self._replace(
                keys=[key, self._deadlines, *(k for k, _ in before), *(k for k, _ in after)],
                args=[
                    raw,
                    task.to_json(),
                    len(before),
                    task.task_id,
                    "1" if task.final else "",
                    *(m for _, m in before),
                    *(m for _, m in after),
                ],
            )
        return replaced == 1

    async def overdue(self, now: str, limit: int) -> list[Task]:
        async with dependency("storage"):
            ids = await self.client.zrangebyscore(
                self._deadlines, "-inf", repr(parse_rfc3339(now)), start=0, num=limit
            )
            docs = await self.client.mget([self._task_key(i) for i in ids]) if ids else []
        return [t for t in (Task.from_json(d) for d in docs if d) if not t.final]

    async def count_by_status(self) -> dict[str, int]:
        async with dependency("storage"):
            counts = [await self.client.zcard(self._index("created_at", s, None)) for s in STATUSES]
        return dict(zip(STATUSES, counts, strict=True))

    async def ping(self) -> str:
        await self.connection.ping("storage", key=self.base)
        return f"redis: {self.base}"
