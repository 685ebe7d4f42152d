"""The check counters of `GET /stats`: in process, or in Redis so every process adds to one."""

from __future__ import annotations

from typing import Protocol

from octollm.redis_support import RedisConnection, dependency

CHECK_COUNTERS = ("total", "blocked", "pii_detected", "injection_detected", "cache_hits")


class CheckCounters(Protocol):
    async def add(self, **increments: int) -> None: ...

    async def read(self) -> dict[str, int]: ...


class MemoryCheckCounters:
    def __init__(self) -> None:
        self.counts = dict.fromkeys(CHECK_COUNTERS, 0)

    async def add(self, **increments: int) -> None:
        for name, n in increments.items():
            self.counts[name] += n

    async def read(self) -> dict[str, int]:
        return dict(self.counts)


class RedisCheckCounters:
    def __init__(self, connection: RedisConnection, *, prefix: str) -> None:
        self.connection = connection
        # Beside the cache's own keys ({cache} slot), which the health check probes.
        self.key = f"{prefix}:{{cache}}:checks"

    async def add(self, **increments: int) -> None:
        async with dependency("cache"):
            pipe = self.connection.client.pipeline(transaction=True)
            for name, n in increments.items():
                if n:
                    pipe.hincrby(self.key, name, n)
            await pipe.execute()

    async def read(self) -> dict[str, int]:
        async with dependency("cache"):
            stored = await self.connection.client.hgetall(self.key)
        return {name: int(stored.get(name, 0)) for name in CHECK_COUNTERS}
