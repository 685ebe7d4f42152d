"""The detection engine behind `POST /check`: fold the text, scan every rule at once, then
validate, resolve overlaps, analyse context and map offsets back to the submitted text.

The scanner backend is Hyperscan when it is installed (`backend="auto"`), else Python `re`;
both give identical matches (see `scanner.py`). A backend is built once per process.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from octollm.reflex.detection import context as ctx
from octollm.reflex.detection.decode import RULES as PAYLOAD_RULES
from octollm.reflex.detection.decode import PayloadRule, decode
from octollm.reflex.detection.injection import RULES as INJECTION_RULES
from octollm.reflex.detection.injection import InjectionRule
from octollm.reflex.detection.matches import (
    MATCHED_TEXT_MAX,
    SEVERITY_ORDER,
    InjectionMatch,
    PiiMatch,
    mask,
)
from octollm.reflex.detection.normalize import Folded, fold
from octollm.reflex.detection.pii import RULES as PII_RULES
from octollm.reflex.detection.pii import PiiRule
from octollm.reflex.detection.rules import Rule
from octollm.reflex.detection.scanner import (
    HyperscanScanner,
    Matches,
    ReScanner,
    Scanner,
    default_cache_dir,
    hyperscan_available,
)

ALL_RULES: tuple[Rule, ...] = (*PII_RULES, *INJECTION_RULES, *PAYLOAD_RULES)
BACKENDS = ("auto", "hyperscan", "re")
MAX_DECODE_DEPTH = 2  # base64 in hex in the text, no deeper
VALIDATION_CONTEXT = 40  # characters around a PII candidate its validator sees

_PII = frozenset({"pii"})
_INJECTION = frozenset({"injection", "payload"})
_INJECTION_ONLY = frozenset({"injection"})
_RULE_ORDER = {rule.name: i for i, rule in enumerate(ALL_RULES)}


@dataclass(frozen=True)
class Scan:
    pii: list[PiiMatch] = field(default_factory=list)
    injections: list[InjectionMatch] = field(default_factory=list)

    def worst_severity(self) -> str | None:
        if not self.injections:
            return None
        return max((m.severity for m in self.injections), key=SEVERITY_ORDER.index)


_scanners: dict[str, Scanner] = {}
_scanners_lock = threading.Lock()


def scanner_for(backend: str) -> Scanner:
    """The process's scanner for `backend` (`auto`: Hyperscan if installed, else `re`)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown detection backend {backend!r}; one of {', '.join(BACKENDS)}")
    if backend == "auto":
        backend = "hyperscan" if hyperscan_available() else "re"
    with _scanners_lock:
        if backend not in _scanners:
            if backend == "hyperscan" and not hyperscan_available():
                raise ValueError("the hyperscan detection backend is not installed")
            _scanners[backend] = (
                HyperscanScanner(ALL_RULES, default_cache_dir())
                if backend == "hyperscan"
                else ReScanner(ALL_RULES)
            )
        return _scanners[backend]


class _Candidate(NamedTuple):  # a tuple: made for every candidate, cheaper than a dataclass
    rule: Rule
    type: str
    start: int  # folded offsets
    end: int
    confidence: float
    severity: str = "low"


class DetectionEngine:
    """Finds PII and prompt injection; matches come sorted by position."""

    def __init__(self, backend: str = "auto") -> None:
        self.scanner = scanner_for(backend)
        self.backend = self.scanner.name

    def scan(self, text: str, *, pii: bool = True, injection: bool = True) -> Scan:
        kinds = (_PII if pii else frozenset()) | (_INJECTION if injection else frozenset())
        if not kinds:
            return Scan()
        folded = fold(text)
        found = self.scanner.scan(folded.text, kinds, folded.data)
        if not found:
            return Scan()
        return Scan(
            self._pii(folded, found) if pii else [],
            self._injections(folded, found) if injection else [],
        )

    # --- PII -------------------------------------------------------------------------------------

    def _pii(self, folded: Folded, found: Matches) -> list[PiiMatch]:
        text = folded.text
        candidates: list[_Candidate] = []
        for rule, matches in found:
            if not isinstance(rule, PiiRule):
                continue
            validate, group, confidence = rule.validate, rule.value_group, rule.confidence
            plain = not (rule.trim or rule.split)
            for m in matches:
                start, end = m.span(group)
                for s, e in ((start, end),) if plain else _pii_spans(rule, text, start, end):
                    before = text[s - VALIDATION_CONTEXT if s > VALIDATION_CONTEXT else 0 : s]
                    factor = validate(text[s:e], before, text[e : e + VALIDATION_CONTEXT])
                    if factor:
                        candidates.append(
                            _Candidate(rule, rule.type, s, e, round(confidence * factor, 3))
                        )
                        break
        # The best of overlapping candidates: the longest, then the most confident.
        chosen = _non_overlapping(
            sorted(candidates, key=lambda c: (c.start - c.end, -c.confidence, _order(c)))
        )
        original = folded.original
        out = []
        for c in sorted(chosen, key=lambda c: (c.start, c.end)):
            start, end = folded.start(c.start), folded.end(c.end)
            out.append(PiiMatch(c.type, start, end, c.confidence, mask(original[start:end])))
        return out

    # --- injection -------------------------------------------------------------------------------

    def _injections(self, folded: Folded, found: Matches) -> list[InjectionMatch]:
        text = folded.text
        chosen = _non_overlapping(
            sorted(
                self._injection_candidates(text, found, depth=0),
                key=lambda c: (
                    -SEVERITY_ORDER.index(c.severity),
                    c.start - c.end,
                    -c.confidence,
                    _order(c),
                ),
            )
        )
        if not chosen:
            return []
        original = folded.original
        fence_positions = ctx.fences(text)
        out = []
        for c in sorted(chosen, key=lambda c: (c.start, c.end)):
            context = ctx.analyse(text, c.start, c.end, fence_positions)
            severity, confidence = ctx.adjust(c.severity, c.confidence, context)
            start, end = folded.start(c.start), folded.end(c.end)
            out.append(
                InjectionMatch(
                    c.type,
                    severity,
                    start,
                    end,
                    original[start:end][:MATCHED_TEXT_MAX],
                    confidence,
                    context,
                )
            )
        return out

    def _injection_candidates(self, text: str, found: Matches, depth: int) -> Iterator[_Candidate]:
        for rule, matches in found:
            if isinstance(rule, InjectionRule):
                for m in matches:
                    yield _Candidate(
                        rule, rule.type, m.start(), m.end(), rule.confidence, rule.severity
                    )
            elif isinstance(rule, PayloadRule) and depth < MAX_DECODE_DEPTH:
                for m in matches:
                    decoded = decode(rule.encoding, m.group())
                    if decoded is None:
                        continue
                    inner = self._decoded_injection(decoded, depth + 1)
                    if inner is not None:
                        severity = (
                            "critical"
                            if inner.severity in ("high", "critical")
                            else (inner.severity)
                        )
                        confidence = round(inner.confidence * 0.95, 3)
                        yield _Candidate(rule, rule.type, m.start(), m.end(), confidence, severity)

    def _decoded_injection(self, decoded: str, depth: int) -> _Candidate | None:
        """The worst injection in a decoded payload, if any."""
        folded = fold(decoded)
        kinds = _INJECTION if depth < MAX_DECODE_DEPTH else _INJECTION_ONLY
        found = self.scanner.scan(folded.text, kinds)
        candidates = list(self._injection_candidates(folded.text, found, depth))
        if not candidates:
            return None
        return max(candidates, key=lambda c: (SEVERITY_ORDER.index(c.severity), c.confidence))


def _order(candidate: _Candidate) -> tuple[int, int]:
    return _RULE_ORDER[candidate.rule.name], candidate.start


def _pii_spans(rule: PiiRule, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The candidate spans of a match: trimmed of trailing punctuation, then cut before each
    separator from the right."""
    if rule.trim:
        while end > start and text[end - 1] in rule.trim:
            closing = text[end - 1]
            if closing in ")]":  # kept when it closes a bracket the match opened
                segment = text[start:end]
                if segment.count("(" if closing == ")" else "[") >= segment.count(closing):
                    break
            end -= 1
    yield start, end
    if rule.split:
        for i in range(end - 1, start, -1):
            if text[i] in rule.split:
                yield start, i


def _non_overlapping(ranked: list[_Candidate]) -> list[_Candidate]:
    """Candidates in rank order, each kept unless it overlaps one kept before."""
    starts: list[int] = []
    ends: list[int] = []  # of the kept spans, in order of their starts (they do not overlap)
    kept: list[_Candidate] = []
    for c in ranked:
        i = bisect.bisect_right(starts, c.start)
        if (i > 0 and ends[i - 1] > c.start) or (i < len(starts) and starts[i] < c.end):
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        kept.append(c)
    return kept
