"""Redis as a dependency: one client per process, bounded waits, failures as 503s.

Every key a store writes carries a hash tag (`{tasks}`, `{cache}`), so the keys that one atomic
script touches always live in one Redis Cluster slot.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import redis.asyncio as redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisClusterException, RedisError

from octollm.errors import unavailable

Client = redis.Redis | RedisCluster


def connect(url: str, *, timeout_seconds: float) -> Client:
    """A client for `url` (`redis://`, `rediss://`, or `redis+cluster://` for a cluster).

    Connections are made lazily and remade after a failure, so a Redis that comes back is
    used again without a restart.
    """
    options = {
        "socket_timeout": timeout_seconds,
        "socket_connect_timeout": timeout_seconds,
        "decode_responses": True,
    }
    if url.startswith("redis+cluster://"):
        return RedisCluster.from_url("redis://" + url.removeprefix("redis+cluster://"), **options)
    return redis.Redis.from_url(url, health_check_interval=10, **options)


@contextlib.asynccontextmanager
async def dependency(what: str) -> AsyncIterator[None]:
    """Turns a Redis failure into SERVICE_UNAVAILABLE naming `what`."""
    try:
        yield
    except (RedisError, RedisClusterException, OSError) as exc:
        raise unavailable(what, f"Redis is unavailable ({type(exc).__name__})") from None


class RedisConnection:
    """The process's one Redis client (and its pool), opened and closed with the app."""

    def __init__(self, url: str, *, timeout_seconds: float) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = connect(self.url, timeout_seconds=self.timeout_seconds)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def ping(self, what: str) -> str:
        async with dependency(what):
            await self.client.ping()
        return "redis"
