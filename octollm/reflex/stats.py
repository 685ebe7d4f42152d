"""`GET /stats`: the cache store's counters and the check counters, since start-up."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from octollm.reflex.cache.store import CacheStore
from octollm.reflex.counters import CheckCounters


class StatsService:
    def __init__(self, store: CacheStore, checks: CheckCounters) -> None:
        self.store = store
        self.checks = checks
        self.started = time.monotonic()

    async def get(self) -> dict[str, Any]:
        s = await self.store.stats()
        lookups = s.hits + s.misses
        return {
            **dataclasses.asdict(s),
            "hit_rate": round(s.hits / lookups, 6) if lookups else 0.0,
            "checks": await self.checks.read(),
            "uptime_seconds": round(time.monotonic() - self.started, 3),
        }
