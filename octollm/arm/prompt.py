"""The chat messages a task becomes: what the model is told, and the task itself."""

from __future__ import annotations

import json
from typing import Any

SYSTEM = (
    "You are '{arm_id}', an arm of OctoLLM: a worker that executes one task handed to it by "
    "the OctoLLM orchestrator. Achieve the goal using the context, respect every constraint, "
    "and make sure the answer meets every acceptance criterion. Answer with the result itself, "
    "without preamble."
)


def user_message(task: dict[str, Any]) -> str:
    criteria = task["acceptance_criteria"]
    sections = [
        f"Goal:\n{task['goal']}",
        f"Context:\n{task['context'] or '(none)'}",
        "Constraints (JSON):\n"
        + json.dumps(task["constraints"], indent=2, sort_keys=True, ensure_ascii=False),
        "Acceptance criteria:\n"
        + ("\n".join(f"- {criterion}" for criterion in criteria) if criteria else "(none)"),
    ]
    return "\n\n".join(sections)


def messages(task: dict[str, Any], arm_id: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM.format(arm_id=arm_id)},
        {"role": "user", "content": user_message(task)},
    ]


def characters(chat: list[dict[str, str]]) -> str:
    """Every message's content, for estimating the prompt's tokens."""
    return "".join(message["content"] for message in chat)
