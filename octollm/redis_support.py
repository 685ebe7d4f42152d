"""Redis as a dependency: one client per process, bounded waits, failures as 503s.

Every key a store writes carries a hash tag (`{tasks}`, `{cache}`), so the keys that one atomic
script touches always live in one Redis Cluster slot.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisClusterException, RedisError

from octollm.errors import unavailable

Client = redis.Redis | RedisCluster


def connect(
    url: str, *, timeout_seconds: float, read_timeout_seconds: float | None = None
) -> Client:
    """A client for `url` (`redis://`, `rediss://`, or `redis+cluster://` for a cluster).

    Connections are made lazily and remade after a failure, so a Redis that comes back is
    used again without a restart. Every reply must arrive within `read_timeout_seconds`
    (default `timeout_seconds`, which also bounds connecting).
    """
    options = {
        "socket_timeout": read_timeout_seconds or timeout_seconds,
        "socket_connect_timeout": timeout_seconds,
        "decode_responses": True,
    }
    if url.startswith("redis+cluster://"):
        return RedisCluster.from_url(
            "redis://" + url.removeprefix("redis+cluster://"),
            # One quick retry (of a connection and of a cluster error): a node that is down
            # must give a 503 within about a second.
            retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
            **options,
        )
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

    def __init__(
        self, url: str, *, timeout_seconds: float, read_timeout_seconds: float | None = None
    ) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds
        self.read_timeout_seconds = read_timeout_seconds
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = connect(
                self.url,
                timeout_seconds=self.timeout_seconds,
                read_timeout_seconds=self.read_timeout_seconds,
            )
        return self._client

    def for_blocking(self, block_seconds: float) -> RedisConnection:
        """A second client, for blocking commands that wait up to `block_seconds` for a reply.

        A blocking command on the shared client would need a reply within its socket timeout;
        one that times out there also makes a cluster client re-read the topology while the
        other requests on it are in flight, which redis-py does not do safely. Its own client
        keeps both off the requests: it allows `block_seconds` more for each reply.
        """
        return RedisConnection(
            self.url,
            timeout_seconds=self.timeout_seconds,
            read_timeout_seconds=self.timeout_seconds + block_seconds,
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _on_node_of(self, key: str | None) -> dict[str, Any]:
        """Options that send a server command (PING, INFO) to the server holding `key`.

        A cluster client sends those to its default node, which may hold none of a store's
        keys: that node would answer while the one holding them is down.
        """
        client = self.client
        if key is None or not isinstance(client, RedisCluster):
            return {}
        await client.initialize()
        return {"target_nodes": client.get_node_from_key(key)}

    async def info(self, section: str, *, key: str) -> dict[str, Any]:
        """`INFO <section>` of the server holding `key`."""
        return await self.client.info(section, **await self._on_node_of(key))

    async def ping(self, what: str, *, key: str | None = None) -> str:
        """PINGs the server holding `key` (any server without one); 503 naming `what` if down."""
        async with dependency(what):
            await self.client.ping(**await self._on_node_of(key))
        return "redis"
