"""What a detector reports: the `PiiMatch` and `InjectionMatch` schemas of specs/reflex.yaml."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

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
        return asdict(self)


@dataclass(frozen=True)
class InjectionMatch:
    type: str
    severity: str
    start: int
    end: int
    matched_text: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
