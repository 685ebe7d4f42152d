"""Detection of personal data and prompt injection in text."""

from octollm.reflex.detection.engine import DetectionEngine, Scan
from octollm.reflex.detection.matches import InjectionMatch, PiiMatch

__all__ = ["DetectionEngine", "InjectionMatch", "PiiMatch", "Scan"]
