"""What an arm is to the HTTP layer: the `ArmService` protocol, and the `ExecuteResult` it returns.

Anything with these members can be served by `octollm.arm.app.create_app(service=...)`: the
LLM arm, or a fake in a test, which then speaks the real, spec-validated contract.
"""

from __future__ import annotations

from typing import Any, Protocol


class ArmService(Protocol):
    arm_id: str

    async def execute(
        self, task: dict[str, Any], request_id: str, timeout_seconds: int
    ) -> dict[str, Any]:
        """Execute `task` (the request's `task`, unknown fields included) within
        `timeout_seconds`; return an `ExecuteResult` (see `execute_result`).

        A failed execution is a result with an error, not an exception; raise
        `octollm.errors.ApiError` only for an HTTP error (`SERVICE_UNAVAILABLE`: retry later)."""
        ...

    async def capabilities(self) -> dict[str, Any]:
        """`{"arm_id": str, "capabilities": [str], "max_concurrency": int >= 1}`."""
        ...

    async def ping(self) -> str:
        """Probe the arm's upstream for `/health`: a detail string when up; raise when down."""
        ...


class ExecutionFailed(Exception):
    """An execution that ran and failed: it becomes `success: false` with this error."""

    def __init__(
        self, code: str, message: str, *, tokens_used: int = 0, model: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.tokens_used = tokens_used
        self.model = model


def execute_result(
    *,
    arm_id: str,
    processing_time_ms: int,
    result: dict[str, Any] | None = None,
    error: ExecutionFailed | None = None,
    tokens_used: int = 0,
    model: str | None = None,
) -> dict[str, Any]:
    """An `ExecuteResult`: successful exactly when there is no `error` (then `result` is null)."""
    return {
        "success": error is None,
        "result": result if error is None else None,
        "error": None if error is None else {"code": error.code, "message": error.message},
        "provenance": {
            "arm_id": arm_id,
            "processing_time_ms": max(0, int(processing_time_ms)),
            "tokens_used": tokens_used,
            "model": model,
        },
    }
