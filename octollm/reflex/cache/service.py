"""Cache operations as the API offers them: `cache.put`, `cache.get`, `cache.delete`."""

from __future__ import annotations

from typing import Any

from octollm.clock import Clock, rfc3339
from octollm.errors import not_found
from octollm.reflex.cache.store import CacheStore, Entry


def entry_resource(entry: Entry) -> dict[str, Any]:
    """The `CacheEntry` schema."""
    return {
        "key": entry.key,
        "value": entry.value,
        "ttl_seconds": entry.ttl_seconds,
        "created_at": rfc3339(entry.created_at),
        "expires_at": rfc3339(entry.expires_at),
    }


class CacheService:
    def __init__(self, store: CacheStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def put(self, key: str, value: Any, ttl_seconds: int) -> dict[str, Any]:
        now = self.clock()
        entry = Entry(key, value, ttl_seconds, now, now + ttl_seconds)
        await self.store.put(entry)
        return entry_resource(entry)

    async def get(self, key: str) -> dict[str, Any]:
        entry = await self.store.get(key)
        if entry is None:
            raise not_found("Cache entry", key)
        return entry_resource(entry)

    async def lookup(self, key: str) -> Entry | None:
        return await self.store.get(key)

    async def delete(self, key: str) -> None:
        if not await self.store.delete(key):
            raise not_found("Cache entry", key)
