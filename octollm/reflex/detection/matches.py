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


# The engine makes a match object for every finding: made straight into its `__dict__`, which
# costs half of a frozen dataclass's `__init__` (an `object.__setattr__` per field). The same
# objects: equality, hashing and `repr` read the fields from there.
_new = object.__new__


def pii_match(type: str, start: int, end: int, confidence: float, masked: str) -> PiiMatch:
    match = _new(PiiMatch)
    match.__dict__.update(type=type, start=start, end=end, confidence=confidence, masked=masked)
    return match


def injection_match(
    type: str,
    severity: str,
    start: int,
    end: int,
    matched_text: str,
    confidence: float,
    context: Context | None,
) -> InjectionMatch:
    match = _new(InjectionMatch)
    match.__dict__.update(
        type=type,
        severity=severity,
        start=start,
        end=end,
        matched_text=matched_text,
        confidence=confidence,
        context=context,
    )
    return match
