"""`octollm worker`: the execution engine without the HTTP API, in a process of its own.

It shares the Redis task store and queue with the orchestrator (and with other workers), so
tasks created over the orchestrator's API are executed here; a worker that dies mid-task has
its delivery reclaimed by another after the queue's visibility timeout. Its metrics (the
orchestrator's engine metrics, for this process) are served on a port of their own when asked.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import signal
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server

from octollm.clock import Clock, system_clock
from octollm.config import Settings
from octollm.errors import ApiError
from octollm.orchestrator.engine import Engine
from octollm.orchestrator.metrics import OrchestratorMetrics

log = logging.getLogger(__name__)

METRICS_HOST = "127.0.0.1"
REFRESH_TIMEOUT_SECONDS = 5.0


def configuration_problem(settings: Settings) -> str | None:
    """Why these settings cannot run a worker process, or None."""
    if not settings.redis_url:
        return (
            "OCTOLLM_REDIS_URL is not set: a worker process shares the Redis task store and "
            "queue with the orchestrator. Without Redis (the embedded default) tasks are "
            "executed inside the orchestrator itself (OCTOLLM_WORKER_CONCURRENCY workers)."
        )
    if settings.worker_concurrency < 1:
        return (
            f"worker concurrency is {settings.worker_concurrency}: a worker process needs at "
            "least 1 (--concurrency N or OCTOLLM_WORKER_CONCURRENCY)"
        )
    return None


class FreshRegistry:
    """A registry whose every scrape first refreshes the engine's store and queue gauges, as
    the orchestrator's /metrics does; the scrape runs in the metrics server's thread, the
    refresh on the worker's event loop."""

    def __init__(self, registry: CollectorRegistry, refresh: Callable[[], None]) -> None:
        self.registry = registry
        self.refresh = refresh

    def collect(self) -> Iterable[Any]:
        self.refresh()
        return self.registry.collect()

    def restricted_registry(self, names: Iterable[str]) -> Any:  # `?name[]=` scrapes
        self.refresh()
        return self.registry.restricted_registry(names)


def _refresher(engine: Engine, loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    def refresh() -> None:
        future = asyncio.run_coroutine_threadsafe(engine.refresh_metrics(), loop)
        try:
            future.result(REFRESH_TIMEOUT_SECONDS)
        except concurrent.futures.TimeoutError:
            future.cancel()
            log.warning(
                "metrics: refresh took over %s s; serving the last values",
                REFRESH_TIMEOUT_SECONDS,
            )
        except Exception as exc:  # the store is down: the last values are better than none
            log.warning("metrics: refresh failed (%s); serving the last values", exc)

    return refresh


async def run(
    settings: Settings,
    *,
    metrics_port: int | None = None,
    clock: Clock = system_clock,
    stop: asyncio.Event | None = None,
) -> int:
    """Executes queued tasks until SIGTERM or SIGINT (or `stop` is set); returns the exit code:
    0 after a stop, 1 when Redis or the metrics port is unusable, 2 for a bad arms file."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    registry = CollectorRegistry()
    try:
        engine = Engine.build(settings, clock, OrchestratorMetrics.register(registry))
    except ValueError as exc:  # the arms file
        log.error("worker: %s", exc)
        return 2
    try:
        await engine.start()
    except ApiError as exc:
        log.error("worker: could not start: %s", exc)
        await engine.stop()
        return 1
    metrics_server = None
    try:
        if metrics_port is not None:
            fresh = FreshRegistry(registry, _refresher(engine, loop))
            try:
                metrics_server, _ = start_http_server(metrics_port, METRICS_HOST, registry=fresh)
            except OSError as exc:
                log.error("worker: cannot serve metrics on port %d: %s", metrics_port, exc)
                return 1
        arms = ", ".join(engine.arms.arms) or "none (OCTOLLM_ARMS_FILE)"
        log.info(
            "worker %s started: %d worker(s) on the Redis queue %r; arms: %s%s",
            engine.pool.name,
            settings.worker_concurrency,
            settings.redis_prefix,
            arms,
            f"; metrics on http://{METRICS_HOST}:{metrics_port}/metrics" if metrics_port else "",
        )
        await stop.wait()
        log.info("worker %s stopping: tasks in flight will be delivered again", engine.pool.name)
    finally:
        if metrics_server is not None:
            await asyncio.to_thread(metrics_server.shutdown)
            metrics_server.server_close()
        await engine.stop()
    log.info("worker %s stopped", engine.pool.name)
    return 0
