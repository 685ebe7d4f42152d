"""Health and metrics: the same two operations in every service."""

from typing import Any

from octollm.system import SystemService


async def health(system: SystemService) -> tuple[dict[str, Any], int]:
    return await system.health(), 200


async def metrics(system: SystemService) -> tuple[str, int, dict[str, str]]:
    return await system.metrics_text(), 200, {"Content-Type": "text/plain"}
