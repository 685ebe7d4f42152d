"""The Orchestrator application: services wired to the spec."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from connexion import AsyncApp
from prometheus_client import CollectorRegistry

from octollm.clock import Clock, system_clock
from octollm.config import Settings
from octollm.http.app import build_app
from octollm.http.metrics import HttpMetrics
from octollm.orchestrator.metrics import OrchestratorMetrics
from octollm.orchestrator.reflex_client import ReflexClient
from octollm.orchestrator.tasks.service import TaskService
from octollm.orchestrator.tasks.store import TaskStore
from octollm.orchestrator.tasks.store_redis import RedisTaskStore
from octollm.orchestrator.tasks.store_sqlite import SqliteTaskStore
from octollm.redis_support import RedisConnection
from octollm.system import Probe, SystemService


def task_store(settings: Settings) -> TaskStore:
    """Redis when `OCTOLLM_REDIS_URL` is set, else SQLite under the data directory."""
    if settings.redis_url:
        connection = RedisConnection(
            settings.redis_url, timeout_seconds=settings.redis_timeout_seconds
        )
        return RedisTaskStore(connection, prefix=settings.redis_prefix)
    return SqliteTaskStore(settings.data_dir, synchronous=settings.sqlite_synchronous)


def create_app(settings: Settings | None = None, *, clock: Clock = system_clock) -> AsyncApp:
    settings = settings or Settings.from_env()
    registry = CollectorRegistry()
    http_metrics = HttpMetrics(registry)
    metrics = OrchestratorMetrics.register(registry)
    store = task_store(settings)
    reflex = ReflexClient(
        settings.reflex_url,
        timeout_seconds=settings.reflex_timeout_seconds,
        calls=metrics.reflex_calls,
    )

    async def refresh_metrics() -> None:
        await metrics.refresh(store)

    services = {
        "tasks": TaskService(store, reflex, clock, metrics.tasks_created),
        "system": SystemService(
            "orchestrator",
            metrics=http_metrics,
            probes={"storage": Probe(store.ping), "reflex": Probe(reflex.ping)},
            before_scrape=refresh_metrics,
        ),
    }

    @contextlib.asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        await store.open()
        await reflex.open()
        try:
            yield
        finally:
            await reflex.close()
            await store.close()

    return build_app(
        component="orchestrator",
        spec="orchestrator",
        settings=settings,
        services=services,
        metrics=http_metrics,
        lifespan=lifespan,
    )
