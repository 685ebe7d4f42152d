"""The Orchestrator application: services wired to the spec, and the execution engine."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from connexion import AsyncApp
from prometheus_client import CollectorRegistry

from octollm.clock import Clock, system_clock
from octollm.config import Settings
from octollm.http.app import build_app
from octollm.http.metrics import HttpMetrics
from octollm.orchestrator.engine import Engine, task_store
from octollm.orchestrator.metrics import OrchestratorMetrics
from octollm.orchestrator.tasks.service import TaskService
from octollm.system import Probe, SystemService

__all__ = ["create_app", "task_store"]


def create_app(settings: Settings | None = None, *, clock: Clock = system_clock) -> AsyncApp:
    settings = settings or Settings.from_env()
    registry = CollectorRegistry()
    http_metrics = HttpMetrics(registry)
    metrics = OrchestratorMetrics.register(registry)
    engine = Engine.build(settings, clock, metrics)
    services = {
        "tasks": TaskService(
            engine.store,
            engine.queue,
            engine.reflex,
            clock,
            metrics.tasks_created,
            on_cancelled=engine.executor.cancelled,
        ),
        "system": SystemService(
            "orchestrator",
            metrics=http_metrics,
            probes={
                "storage": Probe(engine.store.ping),
                "reflex": Probe(engine.reflex.ping),
                **engine.arm_probes(),
            },
            before_scrape=engine.refresh_metrics,
        ),
    }

    @contextlib.asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        await engine.start()
        try:
            yield
        finally:
            await engine.stop()

    return build_app(
        component="orchestrator",
        spec="orchestrator",
        settings=settings,
        services=services,
        metrics=http_metrics,
        lifespan=lifespan,
        clock=clock,
    )
