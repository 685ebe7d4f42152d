"""The task queue in Redis Streams: shared by every process, at-least-once, priority first.

Layout (all keys share the `{tasks}` hash tag, so they live in one cluster slot):
- `<prefix>:{tasks}:queue:<priority>`: a stream per priority, each entry `task_id=<id>`, read
  through the consumer group `group` (`workers`). An entry lives from `push` to `ack`, which
  XACKs and XDELs it, so the streams' lengths are the queue's depth.

Taking is one script (`READ`) that tries XREADGROUP `>` COUNT 1 on critical, high, medium, low
in turn and returns the first entry, so exactly one entry is claimed per take and priority is
strict. The script also recreates a missing group (Redis restarted empty, stream deleted): it
creates it at id 0, so whatever was pushed meanwhile is still delivered.

Waiting: when nothing is there, the script returns each stream's last entry id and `take`
waits with a plain XREAD BLOCK after those ids, then runs the script again. Not XREADGROUP
BLOCK: COUNT is per stream, so a blocking read that finds two priorities already filled would
claim an entry from each and leave one stranded in this consumer's pending list; and a take
cancelled mid-block would strand what it claimed. A plain XREAD claims nothing, so it may be
cut off at any point. The XREAD runs on a client of its own (`RedisConnection.for_blocking`),
whose replies may take a slice longer than the usual socket timeout: a blocking read on the
shared client would time out there, and a cluster client's timeout re-reads the topology under
the requests in flight. It waits in slices of at most WAIT_SLICE_SECONDS (and no longer than the
reclaim interval), so a waiting worker costs about one round trip a second.

Reclaiming: an entry a worker took but neither acked nor extended within the visibility
timeout belonged to a worker that died; XAUTOCLAIM (min idle = the visibility timeout, COUNT 1,
priority order) hands it to the next taker. A pass costs one call per stream, so a process
runs one at most every visibility_timeout/4 (and right away again after a pass that found
one): a dead worker's task is picked up within about 1.25 visibility timeouts while someone is
taking. Each stream's XAUTOCLAIM cursor is kept between passes, so entries deep in a long
pending list are reached too. Entries deleted while pending are dropped from the pending list
by XAUTOCLAIM itself (Redis 7 lists their ids; there is nothing to deliver).

Delivery is at least once (see queue.py): a worker slower than the visibility timeout without
calling `extend` may see its task reclaimed by another worker.
"""

from __future__ import annotations

import time

from redis.exceptions import ResponseError

from octollm.orchestrator.execution.queue import Delivery
from octollm.orchestrator.tasks.model import PRIORITIES, Task
from octollm.redis_support import Client, RedisConnection, dependency

# Highest first: the order in which streams are read and reclaimed.
ORDER = tuple(reversed(PRIORITIES))

# KEYS: the streams, highest priority first. ARGV: group, consumer.
# Returns {1, stream index, entry id, task id}, or {0, last entry id of each stream}.
READ = """
local function read(key)
  local reply = redis.pcall('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1,
                            'STREAMS', key, '>')
  if type(reply) == 'table' and reply.err then
    if not string.find(reply.err, 'NOGROUP', 1, true) then return reply end
    redis.call('XGROUP', 'CREATE', key, ARGV[1], '0', 'MKSTREAM')
    reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1,
                       'STREAMS', key, '>')
  end
  return reply
end
for i, key in ipairs(KEYS) do
  while true do
    local reply = read(key)
    if type(reply) == 'table' and reply.err then return reply end
    if not (reply and reply[1] and #reply[1][2] > 0) then break end
    local entry = reply[1][2][1]
    local fields = entry[2]
    for j = 1, #fields, 2 do
      if fields[j] == 'task_id' then return {1, i, entry[1], fields[j + 1]} end
    end
    -- Not a task: drop it rather than deliver it.
    redis.call('XACK', key, ARGV[1], entry[1])
    redis.call('XDEL', key, entry[1])
  end
end
local last = {0}
for _, key in ipairs(KEYS) do
  local newest = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
  last[#last + 1] = newest[1] and newest[1][1] or '0-0'
end
return last
"""

# KEYS: the stream. ARGV: group, entry id.
ACK = """
redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])
"""

# KEYS: the stream. ARGV: group, entry id, consumer. Resets the idle time of a pending entry,
# but only while `consumer` still holds it: one reclaimed meanwhile stays with its new holder.
EXTEND = """
local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if pending.err or #pending == 0 or pending[1][2] ~= ARGV[3] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
return 1
"""

# The longest single XREAD BLOCK of a waiting take.
WAIT_SLICE_SECONDS = 1.0

# XAUTOCLAIM calls per stream per pass when it finds nothing (each scans up to 10 entries).
RECLAIM_SCAN_CALLS = 10


class RedisStreamQueue:
    backend = "redis"

    def __init__(
        self,
        connection: RedisConnection,
        *,
        prefix: str,
        visibility_timeout_seconds: float = 30.0,
        group: str = "workers",
    ) -> None:
        self.connection = connection
        self.base = f"{prefix}:{{tasks}}"
        self.group = group
        self.visibility_timeout_seconds = visibility_timeout_seconds
        self.streams = {priority: f"{self.base}:queue:{priority}" for priority in ORDER}
        self._reclaim_interval = visibility_timeout_seconds / 4
        self._next_reclaim = 0.0
        self._cursors = dict.fromkeys(ORDER, "0-0")
        self._slice = max(0.001, min(WAIT_SLICE_SECONDS, self._reclaim_interval))
        self._waiting = connection.for_blocking(self._slice)

    @property
    def client(self) -> Client:
        return self.connection.client

    async def open(self) -> None:
        self._read = self.client.register_script(READ)
        self._ack = self.client.register_script(ACK)
        self._extend = self.client.register_script(EXTEND)
        async with dependency("queue"):
            for stream in self.streams.values():
                try:
                    await self.client.xgroup_create(stream, self.group, id="0", mkstream=True)
                except ResponseError as exc:
                    if "BUSYGROUP" not in str(exc):
                        raise

    async def close(self) -> None:
        await self._waiting.close()
        await self.connection.close()

    async def push(self, task: Task) -> None:
        async with dependency("queue"):
            await self.client.xadd(self.streams[task.priority], {"task_id": task.task_id})

    async def take(self, consumer: str, timeout: float) -> Delivery | None:
        deadline = time.monotonic() + timeout
        while True:
            delivery, last_ids = await self._read_now(consumer)
            if delivery:
                return delivery
            if time.monotonic() >= self._next_reclaim:
                delivery = await self._reclaim(consumer)
                if delivery:
                    return delivery
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            await self._wait_for_new(last_ids, min(remaining, self._slice))

    async def _read_now(self, consumer: str) -> tuple[Delivery | None, list[str]]:
        """The first new entry by priority, claimed for `consumer`; else each stream's last id."""
        async with dependency("queue"):
            reply = await self._read(keys=list(self.streams.values()), args=[self.group, consumer])
        if reply[0] == 1:
            _, index, entry_id, task_id = reply
            return Delivery(task_id, _receipt(ORDER[index - 1], entry_id, consumer)), []
        return None, reply[1:]

    async def _wait_for_new(self, last_ids: list[str], seconds: float) -> None:
        """Returns once an entry newer than `last_ids` is in a stream, or after `seconds`."""
        after = dict(zip(self.streams.values(), last_ids, strict=True))
        async with dependency("queue"):
            await self._waiting.client.xread(after, count=1, block=max(1, int(seconds * 1000)))

    async def _reclaim(self, consumer: str) -> Delivery | None:
        """An entry idle for longer than the visibility timeout, now claimed for `consumer`."""
        self._next_reclaim = time.monotonic() + self._reclaim_interval
        min_idle = max(1, int(self.visibility_timeout_seconds * 1000))
        for priority, stream in self.streams.items():
            for _ in range(RECLAIM_SCAN_CALLS):
                try:
                    async with dependency("queue"):
                        reply = await self.client.xautoclaim(
                            stream, self.group, consumer, min_idle, self._cursors[priority], 1
                        )
                except ResponseError as exc:
                    if "NOGROUP" in str(exc):
                        break  # no group, no pending entries: READ recreates it
                    raise
                # [next cursor, claimed entries, ids of deleted entries (Redis 7)]: deleted
                # ones are already off the pending list, and there is nothing to deliver.
                cursor, claimed = reply[0], reply[1]
                self._cursors[priority] = cursor
                for entry_id, fields in claimed:
                    if entry_id and fields and "task_id" in fields:
                        self._next_reclaim = 0.0  # there may be more: look again next take
                        receipt = _receipt(priority, entry_id, consumer)
                        return Delivery(fields["task_id"], receipt)
                if cursor == "0-0":
                    break
        return None

    async def ack(self, delivery: Delivery) -> None:
        priority, entry_id, _ = _parse_receipt(delivery.receipt)
        async with dependency("queue"):
            await self._ack(keys=[self.streams[priority]], args=[self.group, entry_id])

    async def extend(self, delivery: Delivery) -> None:
        priority, entry_id, consumer = _parse_receipt(delivery.receipt)
        async with dependency("queue"):
            await self._extend(keys=[self.streams[priority]], args=[self.group, entry_id, consumer])

    async def depth(self) -> int:
        async with dependency("queue"):
            return sum([await self.client.xlen(stream) for stream in self.streams.values()])


def _receipt(priority: str, entry_id: str, consumer: str) -> str:
    """`<priority>/<entry id>/<consumer>`: where the entry is, and who holds it."""
    return f"{priority}/{entry_id}/{consumer}"


def _parse_receipt(receipt: str) -> tuple[str, str, str]:
    priority, entry_id, consumer = receipt.split("/", 2)
    return priority, entry_id, consumer
