"""The Reflex Layer application: services wired to the spec."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from connexion import AsyncApp
from prometheus_client import CollectorRegistry

from octollm.clock import Clock, system_clock
from octollm.config import Settings
from octollm.http.app import build_app
from octollm.http.metrics import HttpMetrics
from octollm.redis_support import RedisConnection
from octollm.reflex.cache.service import CacheService
from octollm.reflex.cache.store import CacheStore
from octollm.reflex.cache.store_memory import MemoryCacheStore
from octollm.reflex.cache.store_redis import RedisCacheStore
from octollm.reflex.checks import CheckService
from octollm.reflex.counters import (
    CheckCounters,
    MemoryCheckCounters,
    RedisCheckCounters,
)
from octollm.reflex.detection import DetectionEngine
from octollm.reflex.metrics import CacheCollector, checks_counter
from octollm.reflex.policy import Policy
from octollm.reflex.stats import StatsService
from octollm.system import Probe, SystemService


def stores(settings: Settings, clock: Clock) -> tuple[CacheStore, CheckCounters]:
    """Redis (one connection for both) when `OCTOLLM_REDIS_URL` is set, else in process."""
    if settings.redis_url:
        connection = RedisConnection(
            settings.redis_url, timeout_seconds=settings.redis_timeout_seconds
        )
        return (
            RedisCacheStore(connection, prefix=settings.redis_prefix, clock=clock),
            RedisCheckCounters(connection, prefix=settings.redis_prefix),
        )
    store = MemoryCacheStore(
        max_entries=settings.cache_max_entries, max_bytes=settings.cache_max_bytes, clock=clock
    )
    return store, MemoryCheckCounters()


def create_app(settings: Settings | None = None, *, clock: Clock = system_clock) -> AsyncApp:
    settings = settings or Settings.from_env()
    registry = CollectorRegistry()
    metrics = HttpMetrics(registry)
    store, counters = stores(settings, clock)
    cache = CacheService(store, clock)
    checks = CheckService(
        DetectionEngine(settings.reflex_detection_backend),
        cache,
        counters,
        checks_counter(registry),
        Policy.from_settings(settings),
    )
    collector = CacheCollector(store)
    registry.register(collector)
    services = {
        "checks": checks,
        "cache": cache,
        "stats": StatsService(store, counters),
        "system": SystemService(
            "reflex",
            metrics=metrics,
            probes={"cache": Probe(store.ping)},
            before_scrape=collector.refresh,
        ),
    }

    @contextlib.asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        await store.open()
        try:
            yield
        finally:
            await store.close()

    return build_app(
        component="reflex",
        spec="reflex",
        settings=settings,
        services=services,
        metrics=metrics,
        lifespan=lifespan,
        clock=clock,
    )
