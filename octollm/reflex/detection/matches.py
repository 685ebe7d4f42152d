"""What a detector reports: the `PiiMatch` and `InjectionMatch` schemas of specs/reflex.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from octollm.reflex.detection.context import Context

SEVERITY_ORDER = ("low", "medium", "high", "critical")
MATCHED_TEXT_MAX = 200


def mask(text: str, keep: int = 4) -> str:
    """All but the last `keep` characters replaced by `*` (never more than a third kept)."""
    keep = min(keep, len(text) // 3)
    return "*" * (len(text) - keep) + (text[-keep:] if keep else "")


@dataclass(frozen=True)
class PiiMatch:
    type: str
    start: int
    end: int
    confidence: float
    masked: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
            "masked": self.masked,
        }


@dataclass(frozen=True)
class InjectionMatch:
    type: str
    severity: str
    start: int
    end: int
    matched_text: str
    confidence: float
    context: Context | None = field(default=None, compare=True)

    def to_dict(self) -> dict[str, Any]:
        from octollm.reflex.detection.context import NONE

        return {
            "type": self.type,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "matched_text": self.matched_text,
            "confidence": self.confidence,
            "context": (self.context or NONE).to_dict(),
        }
