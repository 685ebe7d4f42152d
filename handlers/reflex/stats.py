from typing import Any

from octollm.reflex.stats import StatsService


async def get(stats: StatsService) -> tuple[dict[str, Any], int]:
    return await stats.get(), 200
