"""The decision of `POST /check`: which findings block, and what happens to PII.

Configured by `OCTOLLM_REFLEX_BLOCK_SEVERITIES` (the injection severities that block, after
context analysis) and `OCTOLLM_REFLEX_PII_ACTION`: `report` (PII is only reported), `block`
(any PII blocks) or `redact` (every response carries `redacted_text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from octollm.config import Settings
from octollm.reflex.detection import Scan
from octollm.reflex.detection.matches import SEVERITY_ORDER

PII_ACTIONS = ("report", "block", "redact")


@dataclass(frozen=True)
class Policy:
    block_severities: frozenset[str] = field(
        default_factory=lambda: frozenset({"high", "critical"})
    )
    pii_action: str = "report"

    def __post_init__(self) -> None:
        if unknown := self.block_severities - set(SEVERITY_ORDER):
            raise ValueError(
                f"OCTOLLM_REFLEX_BLOCK_SEVERITIES: unknown severity {sorted(unknown)[0]!r}; "
                f"one of {', '.join(SEVERITY_ORDER)}"
            )
        if self.pii_action not in PII_ACTIONS:
            raise ValueError(
                f"OCTOLLM_REFLEX_PII_ACTION: {self.pii_action!r} is not one of "
                f"{', '.join(PII_ACTIONS)}"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        severities = frozenset(
            s.strip().lower() for s in settings.reflex_block_severities.split(",") if s.strip()
        )
        return cls(severities, settings.reflex_pii_action.strip().lower())

    def decide(self, scan: Scan) -> str:
        blocked = any(m.severity in self.block_severities for m in scan.injections) or (
            self.pii_action == "block" and bool(scan.pii)
        )
        return "block" if blocked else "allow"

    def redacts(self, requested: bool) -> bool:
        return requested or self.pii_action == "redact"
