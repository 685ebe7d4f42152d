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
from octollm.reflex.cache.service import CacheService
from octollm.reflex.cache.store import CacheStore
from octollm.reflex.cache.store_memory import MemoryCacheStore
from octollm.reflex.cache.store_redis import RedisCacheStore
from octollm.reflex.checks import CheckService
from octollm.reflex.detection import DetectionEngine
from octollm.reflex.metrics import CacheCollector, checks_counter
from octollm.reflex.stats import StatsService
from octollm.system import Probe, SystemService


def cache_store(settings: Settings, clock: Clock) -> CacheStore:
    """Redis when `OCTOLLM_REDIS_URL` is set, else an in-process LRU."""
    if settings.redis_url:
        return RedisCacheStore(
            settings.redis_url,
            prefix=settings.redis_prefix,
            timeout_seconds=settings.redis_timeout_seconds,
            clock=clock,
        )
    return MemoryCacheStore(
        max_entries=settings.cache_max_entries, max_bytes=settings.cache_max_bytes, clock=clock
    )


def create_app(settings: Settings | None = None, *, clock: Clock = system_clock) -> AsyncApp:
    settings = settings or Settings.from_env()
    registry = CollectorRegistry()
    metrics = HttpMetrics(registry)
    store = cache_store(settings, clock)
    cache = CacheService(store, clock)
    checks = CheckService(DetectionEngine(), cache, checks_counter(registry))
    collector = CacheCollector(store)
    registry.register(collector)
    services = {
        "checks": checks,
        "cache": cache,
        "stats": StatsService(store, checks.counters),
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
    )
