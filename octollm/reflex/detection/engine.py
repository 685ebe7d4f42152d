"""The detection engine behind `POST /check`: one call scans for every enabled kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from octollm.reflex.detection.injection import find_injections
from octollm.reflex.detection.matches import SEVERITY_ORDER, InjectionMatch, PiiMatch
from octollm.reflex.detection.pii import find_pii


@dataclass(frozen=True)
class Scan:
    pii: list[PiiMatch] = field(default_factory=list)
    injections: list[InjectionMatch] = field(default_factory=list)

    def worst_severity(self) -> str | None:
        if not self.injections:
            return None
        return max((m.severity for m in self.injections), key=SEVERITY_ORDER.index)


class DetectionEngine:
    """Finds PII and prompt injection; matches come sorted by position."""

    def scan(self, text: str, *, pii: bool = True, injection: bool = True) -> Scan:
        pii_matches = sorted(find_pii(text), key=lambda m: (m.start, m.end)) if pii else []
        injections = (
            sorted(find_injections(text), key=lambda m: (m.start, m.end)) if injection else []
        )
        return Scan(pii_matches, injections)
