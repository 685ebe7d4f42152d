"""`create_app(settings, service=...)`: any object with ArmService's members is served as an arm.

This is how other components' tests build fake arms: the fake speaks the real contract,
requests validated, and responses too when `validate_responses` is on.
"""

from __future__ import annotations

import asyncio
from typing import Any

from octollm.arm.app import create_app
from octollm.arm.service import ExecutionFailed, execute_result
from octollm.config import Settings
from octollm.errors import unavailable
from tests.arm.helpers import CAPABILITIES, HEALTH, TASK, execute, failed, post_execute
from tests.conftest import SpecClient, spec_client


class EchoArm:
    """Answers every task with its goal; fails the ones whose goal says so."""

    arm_id = "echo"

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, Any], str, int]] = []
        self.down = False

    async def execute(
        self, task: dict[str, Any], request_id: str, timeout_seconds: int
    ) -> dict[str, Any]:
        self.calls.append((task, request_id, timeout_seconds))
        if task["goal"] == "overload":
            raise unavailable("upstream", "The echo is overloaded")
        error = ExecutionFailed("NOPE", "refused") if task["goal"] == "fail" else None
        return execute_result(
            arm_id=self.arm_id,
            processing_time_ms=1,
            result={"echo": task["goal"]},
            error=error,
            tokens_used=3,
        )

    async def capabilities(self) -> dict[str, Any]:
        return {"arm_id": self.arm_id, "capabilities": ["echo"], "max_concurrency": 1}

    async def ping(self) -> str:
        if self.down:
            raise ConnectionError("the echo chamber is closed")
        return "echo chamber"


def served(service: object) -> SpecClient:
    settings = Settings.from_env({}, validate_responses=True)  # no arm_* settings needed
    return spec_client(create_app(settings, service=service), "arm")


def test_a_fake_arm_is_served_through_the_contract():
    fake = EchoArm()
    with served(fake) as client:
        result = execute(client, request_id="r-9", timeout_seconds=7)
        failure = execute(client, {**TASK, "goal": "fail"})
        overloaded = post_execute(client, {**TASK, "goal": "overload"})
        capabilities = client.get(CAPABILITIES).json()
        healthy = client.get(HEALTH)
        fake.down = True
        unhealthy = client.get(HEALTH)

    assert result == {
        "success": True,
        "result": {"echo": TASK["goal"]},
        "error": None,
        "provenance": {"arm_id": "echo", "processing_time_ms": 1, "tokens_used": 3, "model": None},
    }
    assert fake.calls[0] == (TASK, "r-9", 7)
    assert failed(failure, "NOPE") == {"code": "NOPE", "message": "refused"}
    assert overloaded.status_code == 503
    assert overloaded.json()["error"]["details"] == {"dependency": "upstream"}
    assert capabilities == {"arm_id": "echo", "capabilities": ["echo"], "max_concurrency": 1}
    assert healthy.json()["dependencies"]["upstream"]["detail"] == "echo chamber"
    assert unhealthy.status_code == 503


class BrokenArm(EchoArm):
    async def execute(self, task: dict[str, Any], request_id: str, timeout_seconds: int) -> Any:
        return {"success": True}  # not an ExecuteResult


def test_a_fake_that_breaks_the_contract_is_an_internal_error():
    with served(BrokenArm()) as client:
        response = post_execute(client)

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_ERROR"


class SlowArm(EchoArm):
    async def execute(self, task: dict[str, Any], request_id: str, timeout_seconds: int) -> Any:
        await asyncio.sleep(0.3)
        return await super().execute(task, request_id, timeout_seconds)


def test_an_execution_is_not_cut_short_by_the_servers_request_deadline():
    """Each /execute carries its own deadline (up to an hour): the 408 deadline makes room."""
    settings = Settings.from_env({}, validate_responses=True, request_timeout_seconds=0.1)
    with spec_client(create_app(settings, service=SlowArm()), "arm") as client:
        response = post_execute(client, timeout_seconds=1)

    assert response.status_code == 200, response.text
