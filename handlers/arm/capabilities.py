from typing import Any

from octollm.arm.service import ArmService


async def get(capabilities: ArmService) -> tuple[dict[str, Any], int]:
    return await capabilities.capabilities(), 200
