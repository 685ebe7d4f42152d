"""Whatever the arm, every execution is counted, its tokens added up, and a log line written."""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client import CollectorRegistry, Counter

from octollm.arm.service import ArmService
from octollm.errors import ApiError

logger = logging.getLogger("octollm.arm")


class ExecutionMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.executions = Counter(
            "octollm_arm_executions_total",
            "Executions by outcome: `success`, the error code of a failed execution, or the "
            "HTTP error code (SERVICE_UNAVAILABLE).",
            ["outcome"],
            registry=registry,
        )
        self.tokens = Counter(
            "octollm_arm_tokens_total", "Tokens used by executions.", registry=registry
        )


class MeteredArm:
    """An `ArmService` that measures and logs the arm it wraps, and otherwise is that arm."""

    def __init__(self, arm: ArmService, metrics: ExecutionMetrics) -> None:
        self.arm = arm
        self.metrics = metrics

    @property
    def arm_id(self) -> str:
        return self.arm.arm_id

    async def execute(
        self, task: dict[str, Any], request_id: str, timeout_seconds: int
    ) -> dict[str, Any]:
        task_id = task.get("task_id")
        try:
            result = await self.arm.execute(task, request_id, timeout_seconds)
        except ApiError as exc:
            self.metrics.executions.labels(exc.code).inc()
            logger.warning("task %s: %s %s", task_id, exc.code, exc.message)
            raise
        outcome = "success" if result["success"] else result["error"]["code"]
        provenance = result["provenance"]
        self.metrics.executions.labels(outcome).inc()
        self.metrics.tokens.inc(provenance["tokens_used"])
        logger.info(
            "task %s: %s in %d ms, %d tokens, model %s",
            task_id,
            outcome,
            provenance["processing_time_ms"],
            provenance["tokens_used"],
            provenance["model"],
        )
        return result

    async def capabilities(self) -> dict[str, Any]:
        return await self.arm.capabilities()

    async def ping(self) -> str:
        return await self.arm.ping()
