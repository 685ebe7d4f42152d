"""Fake arms for the execution tests: scriptable services behind the real arm contract.

Each fake is served by `octollm.arm.app.create_app(settings, service=...)` on a loopback port,
so the orchestrator talks to it exactly as to a real arm, and its answers are checked
against specs/arm.yaml on the way out.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from octollm.arm.app import create_app
from octollm.arm.service import ExecutionFailed, execute_result
from octollm.config import Settings
from octollm.errors import unavailable
from tests.conftest import live_server

# A script step: what the arm does with one call.
OK = ("ok",)
UNAVAILABLE = ("unavailable",)  # 503: retryable


def fail(code: str, message: str) -> tuple[str, ...]:
    return ("fail", code, message)


def hang(seconds: float) -> tuple[Any, ...]:
    """Answers (successfully) only after `seconds`."""
    return ("hang", seconds)


class ScriptedArm:
    """Answers each call with the next step of its script; `OK` once the script is used up."""

    def __init__(self, arm_id: str, capabilities: list[str], script: list[tuple] | None = None):
        self.arm_id = arm_id
        self.capability_list = capabilities
        self.script = list(script or [])
        self.calls: list[dict[str, Any]] = []
        self.finished: list[str] = []  # task ids whose call ran to its end here
        self.lock = threading.Lock()

    async def execute(
        self, task: dict[str, Any], request_id: str, timeout_seconds: int
    ) -> dict[str, Any]:
        with self.lock:
            self.calls.append(
                {"task": task, "request_id": request_id, "timeout_seconds": timeout_seconds}
            )
            step = self.script.pop(0) if self.script else OK
        if step[0] == "unavailable":
            raise unavailable("upstream", f"{self.arm_id} is overloaded")
        if step[0] == "hang":
            await asyncio.sleep(step[1])
        self.finished.append(task["task_id"])
        error = ExecutionFailed(step[1], step[2]) if step[0] == "fail" else None
        return execute_result(
            arm_id=self.arm_id,
            processing_time_ms=7,
            result={"answer": f"{self.arm_id} did: {task['goal']}"},
            error=error,
            tokens_used=42,
            model="fake-model-1",
        )

    async def capabilities(self) -> dict[str, Any]:
        return {
            "arm_id": self.arm_id,
            "capabilities": self.capability_list,
            "max_concurrency": 4,
        }

    async def ping(self) -> str:
        return "scripted"

    def calls_for(self, task_id: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["task"]["task_id"] == task_id]


@contextlib.contextmanager
def serve_arm(arm: ScriptedArm) -> Iterator[str]:
    settings = Settings.from_env({}, validate_responses=True)
    with live_server(create_app(settings, service=arm)) as url:
        yield url


def write_arms_file(path: Path, arms: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump({"arms": arms}))
    return path


def wait_for(
    condition: Callable[[], Any], timeout: float = 5.0, what: str = "", interval: float = 0.02
) -> Any:
    """Polls until `condition()` is truthy; returns its value, or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(interval)


def wait_for_status(client: Any, task_id: str, *statuses: str, timeout: float = 5.0) -> dict:
    """The task once its status is one of `statuses` (default: any final one)."""
    wanted = statuses or ("completed", "failed", "cancelled")

    def settled() -> dict | None:
        response = client.get(f"/api/v1/tasks/{task_id}")  # may be a 503 in an outage
        task = response.json() if response.status_code == 200 else None
        return task if task and task["status"] in wanted else None

    return wait_for(settled, timeout, what=f"task {task_id} to be {'/'.join(wanted)}")
