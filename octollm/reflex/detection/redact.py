"""Redaction: each PII span replaced by a `[TYPE]` placeholder."""

from __future__ import annotations

from collections.abc import Sequence

from octollm.reflex.detection.matches import PiiMatch


def redact(text: str, matches: Sequence[PiiMatch]) -> str:
    """`text` with each match (non-overlapping, in order) replaced by `[<type>]`."""
    pieces: list[str] = []
    last = 0
    for m in sorted(matches, key=lambda m: m.start):
        pieces.append(text[last : m.start])
        pieces.append(f"[{m.type}]")
        last = m.end
    pieces.append(text[last:])
    return "".join(pieces)
