"""The rate limiter's arrival times in Redis: one atomic script per request, shared by processes.

The script reads the time from Redis (`TIME`), not from the caller: every process then judges
against one clock, so clock skew between hosts cannot grant or steal requests. It is
`ratelimit.gcra` line for line, in integer microseconds; each key (`<prefix>:{ratelimit}:...`,
one hash tag, so a cluster keeps them in one slot) expires when its bucket is full again.
"""

from __future__ import annotations

from typing import Any

from octollm.config import Settings
from octollm.http.ratelimit import Decision
from octollm.redis_support import RedisConnection

GCRA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local interval = math.floor(window / limit)
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then
  tat = math.max(tonumber(stored), now)
end
local new_tat = tat + interval
if new_tat - now > window then
  return {0, 0, tat - now, new_tat - window - now}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX',
  math.max(1, math.ceil((new_tat - now) / 1000)))
return {1, math.floor((window - (new_tat - now)) / interval), new_tat - now, 0}
"""


class RedisStore:
    def __init__(self, connection: RedisConnection) -> None:
        self.connection = connection
        self._script: Any = None

    @classmethod
    def connect(cls, settings: Settings) -> RedisStore:
        return cls(
            RedisConnection(settings.redis_url, timeout_seconds=settings.redis_timeout_seconds)
        )

    async def hit(self, key: str, limit: int, window_us: int) -> Decision:
        if self._script is None:
            self._script = self.connection.client.register_script(GCRA)
        allowed, remaining, reset_us, retry_us = await self._script(
            keys=[key], args=[limit, window_us]
        )
        return Decision(bool(allowed), limit, int(remaining), int(reset_us), int(retry_us))

    async def close(self) -> None:
        self._script = None
        await self.connection.close()
