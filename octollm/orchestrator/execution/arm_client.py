"""Calling an arm's `POST /execute` (specs/arm.yaml), and what its answer means.

An answer is either an `ExecuteResult` (the arm succeeded or reported failure: both final for
the task), or an `ArmCallError`: `retryable` for connection errors, timeouts and 5xx (the arm
may do better next time, or another arm may), not retryable for anything else the contract
does not allow (4xx, an answer that is not an `ExecuteResult`).
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import httpx
import jsonschema

from octollm.http import validation
from octollm.http.app import load_yaml
from octollm.orchestrator.execution.arms import Arm


class ArmCallError(Exception):
    def __init__(self, outcome: str, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.outcome = outcome  # the `outcome` label of octollm_arm_calls_total
        self.message = message
        self.retryable = retryable


def _inline_refs(node: Any, schemas: dict[str, Any]) -> Any:
    """The schema with local `#/components/schemas/...` references replaced by their targets."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            return _inline_refs(schemas[ref.rsplit("/", 1)[1]], schemas)
        return {k: _inline_refs(v, schemas) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, schemas) for v in node]
    return node


def result_schema(arm_spec: Path) -> dict[str, Any]:
    """The `ExecuteResult` schema of the arm contract, self-contained."""
    schemas = load_yaml(arm_spec)["components"]["schemas"]
    return _inline_refs(copy.deepcopy(schemas["ExecuteResult"]), schemas)


class ArmClient:
    def __init__(self, arm_spec: Path) -> None:
        self._schema = result_schema(arm_spec)
        self._http: httpx.AsyncClient | None = None

    async def open(self) -> None:
        # Each call sets its own timeout; connections to every arm are pooled here.
        self._http = httpx.AsyncClient(limits=httpx.Limits(max_connections=None))

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def execute(
        self, arm: Arm, task: dict[str, Any], request_id: str, timeout: float
    ) -> dict[str, Any]:
        """The arm's `ExecuteResult` for `task`, within `timeout` seconds; or ArmCallError."""
        if self._http is None:
            raise RuntimeError("the arm client is not open")
        body = {
            "task": task,
            "request_id": request_id,
            "timeout_seconds": max(1, math.floor(timeout)),
        }
        try:
            response = await self._http.post(
                f"{arm.config.url}/execute",
                json=body,
                headers={"X-Request-ID": request_id},
                timeout=timeout,
            )
        except httpx.TimeoutException:
            raise ArmCallError(
                "timeout", f"arm {arm.id} did not answer within {timeout:.1f} s", retryable=True
            ) from None
        except httpx.HTTPError as exc:
            raise ArmCallError(
                "unavailable", f"arm {arm.id} is unreachable ({type(exc).__name__})", retryable=True
            ) from None
        if response.status_code >= 500:
            raise ArmCallError(
                "unavailable",
                f"arm {arm.id} answered {response.status_code}: {_error_message(response)}",
                retryable=True,
            )
        if response.status_code != 200:
            raise ArmCallError(
                "rejected",
                f"arm {arm.id} rejected the task ({response.status_code}): "
                f"{_error_message(response)}",
                retryable=False,
            )
        try:
            answer = response.json()
            validation.compiled(self._schema).validate(answer)
        except (ValueError, jsonschema.ValidationError) as exc:
            message = exc.message if isinstance(exc, jsonschema.ValidationError) else "not JSON"
            raise ArmCallError(
                "invalid",
                f"arm {arm.id} answered outside the arm contract: {message[:200]}",
                retryable=False,
            ) from None
        return answer

    async def health(self, arm: Arm, timeout: float = 1.0) -> str:
        """The arm's own health check; raises when it is not healthy."""
        if self._http is None:
            raise RuntimeError("the arm client is not open")
        response = await self._http.get(f"{arm.config.url}/health", timeout=timeout)
        if response.status_code != 200:
            raise RuntimeError(f"health answered {response.status_code}")
        return arm.describe()


def _error_message(response: httpx.Response) -> str:
    """The message of an error envelope, or the start of whatever else the body is."""
    try:
        return str(response.json()["error"]["message"])[:300]
    except (ValueError, KeyError, TypeError):
        return response.text[:200] or "(empty body)"
