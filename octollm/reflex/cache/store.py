"""The cache store interface: what every backend (memory now, Redis later) provides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Entry:
    key: str
    value: Any
    ttl_seconds: int
    created_at: float
    expires_at: float


@dataclass(frozen=True)
class StoreStats:
    backend: str
    entries: int
    hits: int
    misses: int
    sets: int
    deletes: int
    evictions: int
    expirations: int


class CacheStore(Protocol):
    backend: str

    async def open(self) -> None: ...

    async def get(self, key: str) -> Entry | None:
        """The live entry, counting a hit or a miss."""

    async def put(self, entry: Entry) -> None:
        """Store or replace, evicting least recently used entries to stay within bounds."""

    async def delete(self, key: str) -> bool:
        """Remove a live entry; False when there was none."""

    async def stats(self) -> StoreStats: ...

    async def ping(self) -> str:
        """A short description of the backend; raises when it is unreachable."""

    async def close(self) -> None: ...
