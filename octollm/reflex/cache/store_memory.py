"""In-process cache store: LRU-ordered, bounded by entry count and bytes, with TTL expiry."""

from __future__ import annotations

import heapq
import json
from collections import OrderedDict

from octollm.clock import Clock
from octollm.errors import ApiError
from octollm.reflex.cache.store import Entry, StoreStats

ENTRY_OVERHEAD_BYTES = 64


def entry_size(entry: Entry) -> int:
    """What an entry is charged against the byte bound: its key and JSON value, plus overhead."""
    value = json.dumps(entry.value, separators=(",", ":"), ensure_ascii=False)
    return len(entry.key.encode()) + len(value.encode()) + ENTRY_OVERHEAD_BYTES


class MemoryCacheStore:
    backend = "memory"

    def __init__(self, *, max_entries: int, max_bytes: int, clock: Clock) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[str, tuple[Entry, int]] = OrderedDict()
        self._expiry: list[tuple[float, str]] = []
        self._bytes = 0
        self._counts = dict.fromkeys(
            ("hits", "misses", "sets", "deletes", "evictions", "expirations"), 0
        )

    def _remove(self, key: str) -> None:
        _, size = self._entries.pop(key)
        self._bytes -= size

    def _expire(self) -> None:
        """Drop every entry whose time is up (the heap may hold stale times of replaced ones)."""
        now = self.clock()
        while self._expiry and self._expiry[0][0] <= now:
            expires_at, key = heapq.heappop(self._expiry)
            held = self._entries.get(key)
            if held is not None and held[0].expires_at == expires_at:
                self._remove(key)
                self._counts["expirations"] += 1

    async def get(self, key: str) -> Entry | None:
        self._expire()
        held = self._entries.get(key)
        if held is None:
            self._counts["misses"] += 1
            return None
        self._entries.move_to_end(key)
        self._counts["hits"] += 1
        return held[0]

    async def put(self, entry: Entry) -> None:
        self._expire()
        size = entry_size(entry)
        if size > self.max_bytes:
            raise ApiError(
                "PAYLOAD_TOO_LARGE",
                f"The entry needs {size} bytes; the cache holds at most {self.max_bytes}",
                {"field": "value", "constraint": "cache_max_bytes", "limit": self.max_bytes},
            )
        if entry.key in self._entries:
            self._remove(entry.key)
        while self._entries and (
            len(self._entries) >= self.max_entries or self._bytes + size > self.max_bytes
        ):
            oldest = next(iter(self._entries))
            self._remove(oldest)
            self._counts["evictions"] += 1
        self._entries[entry.key] = (entry, size)
        self._bytes += size
        heapq.heappush(self._expiry, (entry.expires_at, entry.key))
        self._counts["sets"] += 1
        if len(self._expiry) > 2 * len(self._entries) + 1024:
            self._expiry = [(e.expires_at, k) for k, (e, _) in self._entries.items()]
            heapq.heapify(self._expiry)

    async def delete(self, key: str) -> bool:
        self._expire()
        if key not in self._entries:
            return False
        self._remove(key)
        self._counts["deletes"] += 1
        return True

    async def stats(self) -> StoreStats:
        self._expire()
        return StoreStats(backend=self.backend, entries=len(self._entries), **self._counts)

    async def ping(self) -> str:
        return f"memory: {len(self._entries)} entries, {self._bytes} of {self.max_bytes} bytes"

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        self._entries.clear()
        self._expiry.clear()
        self._bytes = 0
