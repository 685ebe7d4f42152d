from typing import Any

from octollm.reflex.checks import CheckService


async def run(checks: CheckService, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    return await checks.run(**body), 200
