"""The arms this orchestrator may use: the arms file, and each arm's live state here.

The arms file (`OCTOLLM_ARMS_FILE`), YAML:

    arms:
      - id: llm                          # unique; names the arm in metrics, health, provenance
        url: http://127.0.0.1:8002/api/v1  # where the arm serves specs/arm.yaml
        capabilities: [general, code]
        timeout_seconds: 60              # one call's limit (never past the task's deadline)
        max_concurrency: 4               # calls in flight at once, from this process

A task goes to an arm offering all of its `required_capabilities` whose circuit is not open
and that has a free slot, least loaded (in flight / max concurrency) first.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from octollm.orchestrator.execution.breaker import CircuitBreaker

ARMS_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["arms"],
    "additionalProperties": False,
    "properties": {
        "arms": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "url", "capabilities"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"},
                    "url": {"type": "string", "pattern": "^https?://[^\\s]+$"},
                    "capabilities": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$"},
                    },
                    "timeout_seconds": {"type": "number", "exclusiveMinimum": 0, "default": 60},
                    "max_concurrency": {"type": "integer", "minimum": 1, "default": 4},
                },
            },
        }
    },
}


@dataclasses.dataclass(frozen=True)
class ArmConfig:
    id: str
    url: str
    capabilities: tuple[str, ...]
    timeout_seconds: float = 60.0
    max_concurrency: int = 4


def load_arms(path: str | Path) -> list[ArmConfig]:
    """The arms of an arms file; ValueError naming the file and the problem if it is wrong."""
    try:
        document = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"arms file {path}: {exc}") from None
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft7Validator(ARMS_FILE_SCHEMA).iter_errors(document)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ValueError(f"arms file {path}: {where}: {error.message}")
    arms = [
        ArmConfig(
            id=a["id"],
            url=a["url"].rstrip("/"),
            capabilities=tuple(a["capabilities"]),
            timeout_seconds=float(a.get("timeout_seconds", 60)),
            max_concurrency=a.get("max_concurrency", 4),
        )
        for a in document["arms"]
    ]
    ids = [a.id for a in arms]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"arms file {path}: arm ids must be unique: {', '.join(duplicates)}")
    return arms


@dataclasses.dataclass
class Arm:
    """One arm's state in this process."""

    config: ArmConfig
    breaker: CircuitBreaker
    in_flight: int = 0

    @property
    def id(self) -> str:
        return self.config.id

    def offers(self, capabilities: Sequence[str]) -> bool:
        return set(capabilities) <= set(self.config.capabilities)

    @property
    def load(self) -> float:
        return self.in_flight / self.config.max_concurrency

    @property
    def free(self) -> bool:
        return self.in_flight < self.config.max_concurrency

    def describe(self) -> str:
        return (
            f"{self.breaker.describe()}; {self.in_flight}/{self.config.max_concurrency} in "
            f"flight; capabilities {', '.join(self.config.capabilities)}"
        )


class ArmRegistry:
    def __init__(
        self,
        configs: Sequence[ArmConfig],
        breaker: Callable[[], CircuitBreaker],
    ) -> None:
        self.arms = {c.id: Arm(c, breaker()) for c in configs}
        self._changed = asyncio.Condition()

    def pick(self, capabilities: Sequence[str], avoid: Collection[str] = ()) -> Arm | None:
        """The least loaded arm that can take a task needing `capabilities` now; one not in
        `avoid` (the arms that just failed the task) if there is one."""
        ready = [
            arm
            for arm in self.arms.values()
            if arm.offers(capabilities) and arm.free and arm.breaker.available()
        ]
        return min(ready, key=lambda arm: (arm.id in avoid, arm.load, arm.id), default=None)

    def why_none(self, capabilities: Sequence[str]) -> str:
        """Why `pick` finds no arm, for the task's error."""
        wanted = ", ".join(capabilities)
        offering = [arm for arm in self.arms.values() if arm.offers(capabilities)]
        if not self.arms:
            return "no arms are configured (OCTOLLM_ARMS_FILE)"
        if not offering:
            return f"no configured arm offers all of [{wanted}]"
        states = "; ".join(f"{arm.id}: {arm.describe()}" for arm in offering)
        return f"every arm offering [{wanted}] is unavailable ({states})"

    @contextlib.asynccontextmanager
    async def lease(
        self, capabilities: Sequence[str], avoid: Collection[str] = (), *, poll: float = 0.5
    ) -> AsyncIterator[Arm]:
        """Waits for an arm (as long as the caller lets it), holds one of its slots."""
        arm = self.pick(capabilities, avoid)
        while arm is None:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    # Woken by a release; polled, since an open circuit reopens with time.
                    await asyncio.wait_for(self._changed.wait(), poll)
            arm = self.pick(capabilities, avoid)
        arm.in_flight += 1
        arm.breaker.begin()
        try:
            yield arm
        finally:
            if arm.breaker.probing:  # the call told nothing about the arm: let another probe
                arm.breaker.released()
            arm.in_flight -= 1
            async with self._changed:
                self._changed.notify_all()
