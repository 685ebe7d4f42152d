"""The task queue contract, on the in-process queue and on Redis Streams; then Redis's own."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis

from octollm.errors import ApiError
from octollm.orchestrator.execution.queue import Delivery, MemoryQueue, TaskQueue
from octollm.orchestrator.execution.queue_redis import RedisStreamQueue
from octollm.orchestrator.tasks.model import Task
from octollm.redis_support import RedisConnection
from tests.conftest import REDIS_URL, free_port, redis_available

_created = itertools.count()

MakeQueue = Callable[..., Any]


def task(priority: str = "medium") -> Task:
    """A pending task, created after every task made before it.

    A queue reads only the id, priority and creation time; the other fields are left empty.
    """
    created = f"2026-01-01T00:00:00.{next(_created):06d}Z"
    known = {
        "task_id": str(uuid.uuid4()),
        "status": "pending",
        "priority": priority,
        "created_at": created,
        "updated_at": created,
    }
    return Task(**{f.name: known.get(f.name) for f in dataclasses.fields(Task)})


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def require_redis() -> None:
    if redis_available():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the Redis-backed tests, but no Redis answers at {REDIS_URL}")
    pytest.skip(f"no Redis at {REDIS_URL}: start one or set OCTOLLM_TEST_REDIS_URL")


@contextlib.asynccontextmanager
async def redis_queue_maker() -> AsyncIterator[MakeQueue]:
    """Builds opened Redis queues on one fresh prefix, each as if in its own process."""
    require_redis()
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    opened: list[RedisStreamQueue] = []

    async def make(visibility_timeout_seconds: float = 30.0, timeout_seconds: float = 0.5) -> Any:
        connection = RedisConnection(REDIS_URL, timeout_seconds=timeout_seconds)
        queue = RedisStreamQueue(
            connection, prefix=prefix, visibility_timeout_seconds=visibility_timeout_seconds
        )
        await queue.open()
        opened.append(queue)
        return queue

    try:
        yield make
    finally:
        for queue in opened:
            await queue.close()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
async def redis_queues(anyio_backend: str) -> AsyncIterator[MakeQueue]:
    async with redis_queue_maker() as make:
        yield make


@pytest.fixture(params=["memory", "redis"])
async def queues(request: pytest.FixtureRequest, anyio_backend: str) -> AsyncIterator[MakeQueue]:
    """Handles on one queue, for the workers of one or several processes, on each backend."""
    if request.param == "redis":
        async with redis_queue_maker() as make:
            yield make
        return
    queue = MemoryQueue()
    await queue.open()

    async def same(**_: object) -> MemoryQueue:
        return queue  # one in-process queue: every worker shares it

    yield same
    await queue.close()


pytestmark = pytest.mark.anyio


async def drain(queue: TaskQueue, consumer: str = "c") -> list[str]:
    taken = []
    while delivery := await queue.take(consumer, 0):
        taken.append(delivery.task_id)
        await queue.ack(delivery)
    return taken


# The contract, on both backends.


async def test_priority_first_then_oldest_first(queues: MakeQueue) -> None:
    queue = await queues()
    pushed = [task(p) for p in ("low", "medium", "critical", "low", "high", "critical", "medium")]
    for t in pushed:
        await queue.push(t)
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    expected = [t.task_id for t in sorted(pushed, key=lambda t: rank[t.priority])]
    assert await drain(queue) == expected


async def test_take_returns_none_after_timeout_when_empty(queues: MakeQueue) -> None:
    queue = await queues()
    started = time.monotonic()
    assert await queue.take("c", 0.3) is None
    assert 0.25 <= time.monotonic() - started < 1.5
    assert await queue.take("c", 0) is None


async def test_push_wakes_a_waiting_take(queues: MakeQueue) -> None:
    waiter, pusher = await queues(), await queues()
    t = task()

    async def push_later() -> None:
        await asyncio.sleep(0.3)
        await pusher.push(t)

    started = time.monotonic()
    _, delivery = await asyncio.gather(push_later(), waiter.take("c", 5))
    assert delivery is not None and delivery.task_id == t.task_id
    assert time.monotonic() - started < 1.0


async def test_depth_counts_waiting_and_in_progress_until_acked(queues: MakeQueue) -> None:
    queue = await queues()
    assert await queue.depth() == 0
    await queue.push(task("high"))
    await queue.push(task("low"))
    assert await queue.depth() == 2
    delivery = await queue.take("c", 0)
    assert delivery is not None
    assert await queue.depth() == 2
    await queue.ack(delivery)
    assert await queue.depth() == 1
    await drain(queue)
    assert await queue.depth() == 0
    assert await queue.take("c", 0) is None


async def test_concurrent_consumers_get_every_task_exactly_once(queues: MakeQueue) -> None:
    handles = [await queues() for _ in range(4)]
    pushed = [task(("low", "medium", "high", "critical")[i % 4]) for i in range(200)]
    for t in pushed:
        await handles[0].push(t)
    delivered: list[str] = []
    in_flight: set[str] = set()

    async def work(queue: TaskQueue, consumer: str) -> None:
        while delivery := await queue.take(consumer, 0.3):
            assert delivery.task_id not in in_flight
            in_flight.add(delivery.task_id)
            await asyncio.sleep(0)
            delivered.append(delivery.task_id)
            in_flight.discard(delivery.task_id)
            await queue.ack(delivery)

    await asyncio.gather(*(work(q, f"worker-{i}") for i, q in enumerate(handles)))
    assert sorted(delivered) == sorted(t.task_id for t in pushed)
    assert await handles[0].depth() == 0


# Redis Streams only: many processes, dead workers, Redis restarts.


async def test_unacked_delivery_is_reclaimed_by_another_consumer(redis_queues: MakeQueue) -> None:
    dead, alive = await redis_queues(0.3), await redis_queues(0.3)
    t = task()
    await dead.push(t)
    lost = await dead.take("dead", 0)
    assert lost is not None
    assert await alive.take("alive", 0.1) is None  # not yet idle for the visibility timeout
    started = time.monotonic()
    reclaimed = await alive.take("alive", 2)
    assert reclaimed is not None and reclaimed.task_id == t.task_id
    assert reclaimed.receipt != lost.receipt
    assert time.monotonic() - started < 1.0
    await alive.ack(reclaimed)
    assert await alive.depth() == 0
    await dead.extend(lost)  # too late: no longer its to keep
    await dead.ack(lost)
    assert await alive.take("alive", 0.5) is None


async def test_extend_keeps_a_delivery_from_being_reclaimed(redis_queues: MakeQueue) -> None:
    worker, other = await redis_queues(0.3), await redis_queues(0.3)
    await worker.push(task())
    delivery = await worker.take("worker", 0)
    assert delivery is not None

    async def keep_extending() -> None:
        for _ in range(9):
            await asyncio.sleep(0.1)
            await worker.extend(delivery)

    _, stolen = await asyncio.gather(keep_extending(), other.take("other", 0.9))
    assert stolen is None
    reclaimed = await other.take("other", 2)  # no more extends: the worker is taken as dead
    assert reclaimed is not None and reclaimed.task_id == delivery.task_id


async def test_an_extend_after_reclaim_does_not_take_it_back(redis_queues: MakeQueue) -> None:
    slow, other = await redis_queues(0.2), await redis_queues(0.2)
    await slow.push(task())
    first = await slow.take("slow", 0)
    assert first is not None
    second = await other.take("other", 2)
    assert second is not None
    await slow.extend(first)
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    stream = other.streams["medium"]
    [pending] = client.xpending_range(stream, "workers", "-", "+", 10)
    client.close()
    assert pending["consumer"] == "other"


async def test_blocking_take_longer_than_the_socket_timeout(redis_queues: MakeQueue) -> None:
    queue = await redis_queues(timeout_seconds=0.5)
    started = time.monotonic()
    assert await queue.take("c", 1.5) is None
    assert 1.4 <= time.monotonic() - started < 2.5

    pusher = await redis_queues()
    t = task("low")

    async def push_later() -> float:
        await asyncio.sleep(0.7)
        await pusher.push(t)
        return time.monotonic()

    pushed_at, delivery = await asyncio.gather(push_later(), queue.take("c", 3))
    assert delivery is not None and delivery.task_id == t.task_id
    assert time.monotonic() - pushed_at < 0.3


async def test_survives_its_streams_and_group_being_deleted(redis_queues: MakeQueue) -> None:
    queue = await redis_queues()
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        client.delete(*queue.streams.values())  # Redis restarted empty
        first = task("high")
        await queue.push(first)  # the stream is back, without its group
        delivery = await queue.take("c", 1)
        assert delivery is not None and delivery.task_id == first.task_id
        await queue.extend(delivery)
        await queue.ack(delivery)

        second = task("high")
        await queue.push(second)
        client.xgroup_destroy(queue.streams["high"], "workers")
        delivery = await queue.take("c", 1)
        assert delivery is not None and delivery.task_id == second.task_id
        client.delete(*queue.streams.values())
        await queue.extend(delivery)  # nothing left to extend or ack: no error
        await queue.ack(delivery)
        assert await queue.depth() == 0
    finally:
        client.close()


async def test_a_pending_entry_deleted_from_its_stream_is_dropped(
    redis_queues: MakeQueue,
) -> None:
    dead, alive = await redis_queues(0.2), await redis_queues(0.2)
    await dead.push(task())
    lost = await dead.take("dead", 0)
    assert lost is not None
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        stream = dead.streams["medium"]
        client.xdel(stream, lost.receipt.split("/")[1])
        assert await alive.take("alive", 0.6) is None
        assert client.xpending(stream, "workers")["pending"] == 0
    finally:
        client.close()


async def test_unreachable_redis_is_a_503_naming_the_queue(anyio_backend: str) -> None:
    connection = RedisConnection(f"redis://127.0.0.1:{free_port()}/0", timeout_seconds=0.5)
    queue = RedisStreamQueue(connection, prefix="unreachable")
    try:
        calls = (
            queue.open,
            lambda: queue.push(task()),
            lambda: queue.take("c", 0.1),
            queue.depth,
            lambda: queue.ack(Delivery("t", "low/1-0/c")),
            lambda: queue.extend(Delivery("t", "low/1-0/c")),
        )
        for call in calls:
            with pytest.raises(ApiError) as raised:
                await call()
            assert raised.value.code == "SERVICE_UNAVAILABLE"
            assert raised.value.details == {"dependency": "queue"}
    finally:
        await queue.close()
