"""The execution engine, assembled from settings: store, queue, arms, executor, workers.

The orchestrator app runs one (with `worker_concurrency` in-process workers); so does each
`octollm worker` process, which shares the Redis store and queue with it.
"""

from __future__ import annotations

import dataclasses
import logging

from octollm.clock import Clock
from octollm.config import Settings
from octollm.orchestrator.execution.arm_client import ArmClient
from octollm.orchestrator.execution.arms import Arm, ArmRegistry, load_arms
from octollm.orchestrator.execution.breaker import STATE_VALUES, CircuitBreaker
from octollm.orchestrator.execution.executor import Executor
from octollm.orchestrator.execution.queue import MemoryQueue, TaskQueue
from octollm.orchestrator.execution.retry import RetryPolicy
from octollm.orchestrator.execution.worker import WorkerPool
from octollm.orchestrator.metrics import OrchestratorMetrics
from octollm.orchestrator.reflex_client import ReflexClient
from octollm.orchestrator.tasks.model import Task
from octollm.orchestrator.tasks.store import ListQuery, TaskStore
from octollm.orchestrator.tasks.store_redis import RedisTaskStore
from octollm.orchestrator.tasks.store_sqlite import SqliteTaskStore
from octollm.redis_support import RedisConnection
from octollm.system import Probe

log = logging.getLogger(__name__)


def task_store(settings: Settings, connection: RedisConnection | None = None) -> TaskStore:
    """Redis when `OCTOLLM_REDIS_URL` is set, else SQLite under the data directory."""
    if settings.redis_url:
        connection = connection or redis_connection(settings)
        return RedisTaskStore(connection, prefix=settings.redis_prefix)
    return SqliteTaskStore(settings.data_dir, synchronous=settings.sqlite_synchronous)


def redis_connection(settings: Settings) -> RedisConnection:
    return RedisConnection(settings.redis_url, timeout_seconds=settings.redis_timeout_seconds)


def task_queue(settings: Settings, connection: RedisConnection | None) -> TaskQueue:
    """Redis Streams beside a Redis store; else the in-process queue."""
    if connection is None:
        return MemoryQueue()
    from octollm.orchestrator.execution.queue_redis import RedisStreamQueue

    return RedisStreamQueue(
        connection,
        prefix=settings.redis_prefix,
        visibility_timeout_seconds=settings.queue_visibility_timeout_seconds,
    )


async def active_tasks(store: TaskStore) -> list[Task]:
    """Every pending or processing task, oldest first."""
    tasks: list[Task] = []
    for status in ("processing", "pending"):
        page = 1
        while True:
            batch, _ = await store.list(ListQuery(page, 1000, "created_at", "asc", status))
            tasks += batch
            if len(batch) < 1000:
                break
            page += 1
    return tasks


@dataclasses.dataclass
class Engine:
    settings: Settings
    store: TaskStore
    queue: TaskQueue
    reflex: ReflexClient
    arms: ArmRegistry
    client: ArmClient
    executor: Executor
    pool: WorkerPool
    metrics: OrchestratorMetrics

    @classmethod
    def build(cls, settings: Settings, clock: Clock, metrics: OrchestratorMetrics) -> Engine:
        connection = redis_connection(settings) if settings.redis_url else None
        store = task_store(settings, connection)
        queue = task_queue(settings, connection)
        reflex = ReflexClient(
            settings.reflex_url,
            timeout_seconds=settings.reflex_timeout_seconds,
            calls=metrics.reflex_calls,
            token=settings.reflex_token,
        )
        arms = ArmRegistry(
            load_arms(settings.arms_file) if settings.arms_file else [],
            lambda: CircuitBreaker(
                failure_threshold=settings.circuit_failure_threshold,
                reset_seconds=settings.circuit_reset_seconds,
            ),
        )
        client = ArmClient(settings.spec("arm"))
        executor = Executor(
            store,
            arms,
            client,
            reflex,
            clock,
            metrics,
            retry=RetryPolicy(
                settings.retry_attempts,
                settings.retry_base_seconds,
                settings.retry_max_seconds,
            ),
            cache_ttl_seconds=settings.result_cache_ttl_seconds,
        )
        pool = WorkerPool(
            queue,
            executor,
            concurrency=settings.worker_concurrency,
            heartbeat_seconds=settings.queue_visibility_timeout_seconds / 3,
            reaper_interval_seconds=settings.reaper_interval_seconds,
            reaper_grace_seconds=settings.reaper_grace_seconds,
        )
        return cls(settings, store, queue, reflex, arms, client, executor, pool, metrics)

    async def start(self) -> None:
        await self.store.open()
        await self.queue.open()
        await self.reflex.open()
        await self.client.open()
        if isinstance(self.queue, MemoryQueue):
            # This process is the only one executing embedded tasks: what the store holds as
            # pending or processing was queued or running when it last stopped.
            recovered = await active_tasks(self.store)
            await self.queue.recover(recovered)
            if recovered:
                log.info("queued again %d unfinished task(s)", len(recovered))
        await self.pool.start()

    async def stop(self) -> None:
        await self.pool.stop()
        await self.client.close()
        await self.reflex.close()
        await self.queue.close()
        await self.store.close()

    def arm_probes(self) -> dict[str, Probe]:
        """Each arm as a dependency that is not required: down while its circuit is open."""

        def probe(arm: Arm) -> Probe:
            async def check() -> str:
                if not arm.breaker.available() and arm.breaker.state == "open":
                    raise RuntimeError(arm.describe())
                return await self.client.health(arm)

            return Probe(check, required=False)

        return {f"arm:{arm.id}": probe(arm) for arm in self.arms.arms.values()}

    async def refresh_metrics(self) -> None:
        await self.metrics.refresh(self.store)
        self.metrics.queue_depth.set(await self.queue.depth())
        for arm in self.arms.arms.values():
            self.metrics.circuit_state.labels(arm.id).set(STATE_VALUES[arm.breaker.state])
            self.metrics.arm_in_flight.labels(arm.id).set(arm.in_flight)
