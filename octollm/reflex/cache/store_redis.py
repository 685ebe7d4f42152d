"""The cache in Redis: shared by every process, counters kept in Redis so all report the same.

Layout (all keys share the `{cache}` hash tag, so each script stays in one cluster slot):
- `<prefix>:{cache}:e:<key>`: the entry as JSON, with a native TTL (Redis frees it on time).
- `<prefix>:{cache}:expiry`: a sorted set of keys by expiry time, to count live entries and
  expirations exactly.
- `<prefix>:{cache}:stats`: a hash of counters (hits, misses, sets, deletes, expirations).

An entry is live until its `expires_at` by the service's clock; the native TTL is the same
length, so Redis drops it at (about) the same moment. Memory is bounded by Redis itself:
run it with `maxmemory` and `maxmemory-policy volatile-lru` (README); `evictions` reports
Redis' own evicted-key count.
"""

from __future__ import annotations

import json
import math

from octollm.clock import Clock
from octollm.redis_support import RedisConnection, dependency
from octollm.reflex.cache.store import Entry, StoreStats

GET = """
local raw = redis.call('GET', KEYS[1])
if raw then
  local expires = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]))
  if expires and expires <= tonumber(ARGV[2]) then
    redis.call('DEL', KEYS[1])
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('HINCRBY', KEYS[3], 'expirations', 1)
    raw = false
  end
end
redis.call('HINCRBY', KEYS[3], raw and 'hits' or 'misses', 1)
return raw
"""

PUT = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('HINCRBY', KEYS[3], 'sets', 1)
"""

DELETE = """
local expires = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]))
local live = redis.call('DEL', KEYS[1]) == 1 and expires and expires > tonumber(ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
if live then redis.call('HINCRBY', KEYS[3], 'deletes', 1) return 1 end
return 0
"""

SWEEP = """
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, key in ipairs(gone) do redis.call('DEL', ARGV[2] .. key) end
if #gone > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
  redis.call('HINCRBY', KEYS[2], 'expirations', #gone)
end
return {redis.call('ZCARD', KEYS[1]), redis.call('HGETALL', KEYS[2])}
"""

COUNTERS = ("hits", "misses", "sets", "deletes", "expirations")


class RedisCacheStore:
    backend = "redis"

    def __init__(self, connection: RedisConnection, *, prefix: str, clock: Clock) -> None:
        self.connection = connection
        self.clock = clock
        base = f"{prefix}:{{cache}}"
        self.entry_prefix = f"{base}:e:"
        self.expiry_key = f"{base}:expiry"
        self.stats_key = f"{base}:stats"

    async def open(self) -> None:
        client = self.connection.client
        self._get = client.register_script(GET)
        self._put = client.register_script(PUT)
        self._delete = client.register_script(DELETE)
        self._sweep = client.register_script(SWEEP)

    async def close(self) -> None:
        await self.connection.close()

    def _keys(self, key: str) -> list[str]:
        return [self.entry_prefix + key, self.expiry_key, self.stats_key]

    async def get(self, key: str) -> Entry | None:
        async with dependency("cache"):
            raw = await self._get(keys=self._keys(key), args=[key, self.clock()])
        if not raw:
            return None
        stored = json.loads(raw)
        return Entry(key, stored["value"], stored["ttl"], stored["created"], stored["expires"])

    async def put(self, entry: Entry) -> None:
        stored = {
            "value": entry.value,
            "ttl": entry.ttl_seconds,
            "created": entry.created_at,
            "expires": entry.expires_at,
        }
        doc = json.dumps(stored, separators=(",", ":"), ensure_ascii=False)
        ttl_ms = max(1, math.ceil(entry.ttl_seconds * 1000))
        async with dependency("cache"):
            await self._put(
                keys=self._keys(entry.key), args=[doc, ttl_ms, entry.expires_at, entry.key]
            )

    async def delete(self, key: str) -> bool:
        async with dependency("cache"):
            return bool(await self._delete(keys=self._keys(key), args=[key, self.clock()]))

    async def stats(self) -> StoreStats:
        async with dependency("cache"):
            entries, flat = await self._sweep(
                keys=[self.expiry_key, self.stats_key], args=[self.clock(), self.entry_prefix]
            )
            info = await self.connection.info("stats", key=self.stats_key)
        counters = dict(zip(flat[::2], (int(v) for v in flat[1::2]), strict=True))
        return StoreStats(
            backend=self.backend,
            entries=int(entries),
            evictions=int(info.get("evicted_keys", 0)),
            **{name: counters.get(name, 0) for name in COUNTERS},
        )

    async def ping(self) -> str:
        await self.connection.ping("cache", key=self.stats_key)
        return f"redis: {self.entry_prefix.rstrip(':')}"
