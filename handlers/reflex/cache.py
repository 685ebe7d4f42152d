from typing import Any

from octollm.reflex.cache.service import CacheService


async def put(cache: CacheService, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict]:
    entry = await cache.put(**body)
    return entry, 201, {"Location": f"/api/v1/cache/{entry['key']}"}


async def get(cache: CacheService, key: str) -> tuple[dict[str, Any], int]:
    return await cache.get(key), 200


async def delete(cache: CacheService, key: str) -> tuple[None, int]:
    await cache.delete(key)
    return None, 204
