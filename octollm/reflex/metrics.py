"""Reflex Layer metrics beyond HTTP: checks by decision and the cache's own counters."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from octollm.reflex.cache.store import CacheStore, StoreStats


class CacheCollector(Collector):
    """Exposes the store's counters as of the last `refresh` (called before each scrape)."""

    def __init__(self, store: CacheStore) -> None:
        self.store = store
        self.snapshot: StoreStats | None = None

    async def refresh(self) -> None:
        self.snapshot = await self.store.stats()

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        s = self.snapshot
        if s is None:
            return
        entries = GaugeMetricFamily("octollm_reflex_cache_entries", "Live cache entries.")
        entries.add_metric([], s.entries)
        yield entries
        lookups = CounterMetricFamily(
            "octollm_reflex_cache_lookups", "Cache lookups by outcome.", labels=["outcome"]
        )
        lookups.add_metric(["hit"], s.hits)
        lookups.add_metric(["miss"], s.misses)
        yield lookups
        removals = CounterMetricFamily(
            "octollm_reflex_cache_removals", "Cache entries removed, by cause.", labels=["cause"]
        )
        removals.add_metric(["delete"], s.deletes)
        removals.add_metric(["eviction"], s.evictions)
        removals.add_metric(["expiry"], s.expirations)
        yield removals


def checks_counter(registry: CollectorRegistry) -> Counter:
    return Counter(
        "octollm_reflex_checks_total",
        "Checks by decision.",
        ["decision"],
        registry=registry,
    )
