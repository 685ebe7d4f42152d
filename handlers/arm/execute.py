from typing import Any

from octollm.arm.service import ArmService


async def run(execute: ArmService, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    return await execute.execute(**body), 200
