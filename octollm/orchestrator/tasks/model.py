"""The task resource and its state machine, the one place that says which status follows which."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from octollm.clock import parse_rfc3339, rfc3339
from octollm.errors import ApiError

STATUSES = ("pending", "processing", "completed", "failed", "cancelled")
ACTIVE = frozenset({"pending", "processing"})
# The arm's part of a task's `provenance` (ArmProvenance in specs/arm.yaml).
ARM_PROVENANCE = ("arm_id", "processing_time_ms", "tokens_used", "model")
PRIORITIES = ("low", "medium", "high", "critical")

TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"processing", "cancelled"}),
    "processing": frozenset({"completed", "failed", "cancelled"}),
    "completed": frozenset(),
    "failed": frozenset(),
    "cancelled": frozenset(),
}


def check_transition(task_id: str, current: str, target: str) -> None:
    """Raises CONFLICT unless a task in `current` may move to `target`."""
    if target not in TRANSITIONS[current]:
        verb = "cancelled" if target == "cancelled" else f"moved to {target}"
        raise ApiError(
            "CONFLICT",
            f"Task {task_id} is {current} and can no longer be {verb}",
            {
                "field": "status",
                "constraint": "state_transition",
                "current_status": current,
                "requested_status": target,
            },
        )


@dataclasses.dataclass(frozen=True)
class Task:
    """The `Task` schema of specs/orchestrator.yaml."""

    task_id: str
    status: str
    goal: str
    constraints: dict[str, Any]
    context: str
    acceptance_criteria: list[str]
    budget: dict[str, Any]
    priority: str
    metadata: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: str
    updated_at: str
    processing_time_ms: int | None
    required_capabilities: list[str]
    use_cache: bool
    deadline_at: str
    cache_key: str | None
    provenance: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Task:
        if "deadline_at" not in data:  # stored before tasks were executed: fill in the defaults
            budget_seconds = data["budget"].get("max_time_seconds", 300)
            data = {
                "required_capabilities": ["general"],
                "use_cache": True,
                "deadline_at": rfc3339(parse_rfc3339(data["created_at"]) + budget_seconds),
                "cache_key": None,
                "provenance": None,
                **data,
            }
        return cls(**data)

    @property
    def deadline(self) -> float:
        """`deadline_at` as seconds since the epoch."""
        return parse_rfc3339(self.deadline_at)

    @property
    def final(self) -> bool:
        return self.status not in ACTIVE

    def to_json(self) -> str:
        """The stored form: compact JSON, the same bytes for the same task."""
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Task:
        return cls.from_dict(json.loads(text))

    def moved_to(self, status: str, updated_at: str) -> Task:
        return dataclasses.replace(self, status=status, updated_at=updated_at)
