"""The detection engine behind `POST /check`: fold the text, scan every rule at once, then
validate, resolve overlaps, analyse context and map offsets back to the submitted text.

The scanner backend is Hyperscan when it is installed (`backend="auto"`), else Python `re`;
both give identical matches (see `scanner.py`). A backend is built once per process.
"""

from __future__ import annotations

import bisect
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from octollm.reflex.detection import context as ctx
from octollm.reflex.detection.decode import RULES as PAYLOAD_RULES
from octollm.reflex.detection.decode import PayloadRule, decode, decode_native, decode_raws
from octollm.reflex.detection.injection import RULES as INJECTION_RULES
from octollm.reflex.detection.injection import InjectionRule
from octollm.reflex.detection.matches import (
    MATCHED_TEXT_MAX,
    SEVERITY_ORDER,
    InjectionMatch,
    PiiMatch,
    injection_match,
    mask,
    pii_match,
)
from octollm.reflex.detection.normalize import NATIVE, Folded, fold_native, fold_python
from octollm.reflex.detection.pii import RULES as PII_RULES
from octollm.reflex.detection.pii import PiiRule, validators
from octollm.reflex.detection.rules import Rule
from octollm.reflex.detection.scanner import (
    HyperscanScanner,
    Matches,
    ReScanner,
    Scanner,
    default_cache_dir,
    hyperscan_available,
)

if NATIVE:
    from octollm.reflex.detection import _native  # type: ignore[attr-defined]

ALL_RULES: tuple[Rule, ...] = (*PII_RULES, *INJECTION_RULES, *PAYLOAD_RULES)
BACKENDS = ("auto", "hyperscan", "re")
MAX_DECODE_DEPTH = 2  # base64 in hex in the text, no deeper
VALIDATION_CONTEXT = 40  # characters around a PII candidate its validator sees

_PII = frozenset({"pii"})
_INJECTION = frozenset({"injection", "payload"})
_INJECTION_ONLY = frozenset({"injection"})
_RULE_ORDER = {rule.name: i for i, rule in enumerate(ALL_RULES)}
_T = TypeVar("_T", bound=tuple[Any, ...])


@dataclass(frozen=True)
class Scan:
    pii: list[PiiMatch] = field(default_factory=list)
    injections: list[InjectionMatch] = field(default_factory=list)

    def worst_severity(self) -> str | None:
        if not self.injections:
            return None
        return max((m.severity for m in self.injections), key=SEVERITY_ORDER.index)


def _scan(pii: list[PiiMatch], injections: list[InjectionMatch]) -> Scan:
    """`Scan(pii, injections)`, made straight into its `__dict__` (as matches.pii_match makes
    a match: a frozen dataclass's `__init__` costs an `object.__setattr__` a field)."""
    scan = object.__new__(Scan)
    scan.__dict__.update(pii=pii, injections=injections)
    return scan


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


# A candidate is a plain tuple (made for every candidate: cheaper than an object), laid out so
# that tuples sort by rank: a PII candidate `(start - end, -confidence, rule order, start,
# end, type)` (the longest, then the most confident, then the first rule) and an injection
# candidate `(-severity level, start - end, -confidence, rule order, start, end, type,
# severity)`. Offsets are into the folded text; no two candidates share a rank.
_LEVEL = {severity: i for i, severity in enumerate(SEVERITY_ORDER)}
_KINDS = {
    (pii, injection): (_PII if pii else frozenset()) | (_INJECTION if injection else frozenset())
    for pii in (False, True)
    for injection in (False, True)
}


class DetectionEngine:
    """Finds PII and prompt injection; matches come sorted by position.

    `native`: whether to use the compiled kernels (`_native.c`; the same results, faster);
    None: when they are built."""

    def __init__(self, backend: str = "auto", *, native: bool | None = None) -> None:
        if native and not NATIVE:
            raise ValueError("the compiled detection kernels are not built")
        self.scanner = scanner_for(backend)
        self.backend = self.scanner.name
        self.native = NATIVE if native is None else native
        self._fold = fold_native if self.native else fold_python
        self._decode = decode_native if self.native else decode
        self._analyse = ctx.analyse_native if self.native else ctx.analyse
        self._fences = ctx.fences_native if self.native else ctx.fences
        self._adjust = ctx.adjust_cached if self.native else ctx.adjust

    def scan(self, text: str, *, pii: bool = True, injection: bool = True) -> Scan:
        kinds = _KINDS[bool(pii), bool(injection)]
        if not kinds:
            return Scan()
        folded = self._fold(text)
        found = self.scanner.scan(folded.text, kinds, folded.data, self.native)
        if not found:
            return Scan()
        pii_found: Matches = []
        injection_found: Matches = []
        for item in found:
            (pii_found if item[0].kind == "pii" else injection_found).append(item)
        return _scan(
            self._pii(folded, pii_found) if pii_found else [],
            self._injections(folded, injection_found) if injection_found else [],
        )

    # --- PII -------------------------------------------------------------------------------------

    def _pii(self, folded: Folded, found: Matches) -> list[PiiMatch]:
        text = folded.text
        if self.native:
            candidates = _native.pii_candidates(found, text, _pii_rules(), VALIDATION_CONTEXT)
            if not folded.deletions:  # offsets as they are: selected and made in C
                return _native.pii_matches(candidates, folded.original, PiiMatch)  # type: ignore[no-any-return]
        else:
            candidates = _pii_candidates(found, text)
        # The best of overlapping candidates: the longest, then the most confident.
        if len(candidates) > 1:
            candidates.sort()
            candidates = _non_overlapping(candidates, 3)
            candidates.sort(key=_pii_span)
        original = folded.original
        plain_offsets = not folded.deletions
        out = []
        for _, score, _, s, e, type_ in candidates:
            if plain_offsets:
                start, end = s, e
            else:
                start, end = folded.start(s), folded.end(e)
            out.append(pii_match(type_, start, end, -score, mask(original[start:end])))
        return out

    # --- injection -------------------------------------------------------------------------------

    def _injections(self, folded: Folded, found: Matches) -> list[InjectionMatch]:
        text = folded.text
        candidates = self._injection_candidates(text, found, depth=0)
        if not candidates:
            return []
        if self.native:
            candidates = _native.select(candidates, 4)
        elif len(candidates) > 1:
            candidates.sort()
            candidates = _non_overlapping(candidates, 4)
            candidates.sort(key=_injection_span)
        original = folded.original
        plain_offsets = not folded.deletions
        fence_positions = self._fences(text)
        analyse, adjust = self._analyse, self._adjust
        out = []
        for _, _, score, _, s, e, type_, severity in candidates:
            context = analyse(text, s, e, fence_positions)
            severity, confidence = adjust(severity, -score, context)
            if plain_offsets:
                start, end = s, e
            else:
                start, end = folded.start(s), folded.end(e)
            out.append(
                injection_match(
                    type_,
                    severity,
                    start,
                    end,
                    original[start:end][:MATCHED_TEXT_MAX],
                    confidence,
                    context,
                )
            )
        return out

    def _injection_candidates(
        self, text: str, found: Matches, depth: int
    ) -> list[tuple[int, int, float, int, int, int, str, str]]:
        if self.native:  # the injection rules' candidates made in C, payloads left here
            candidates, found = _native.injection_candidates(found, _injection_rules())
            if not found:
                return candidates  # type: ignore[no-any-return]
        else:
            candidates = []
        for rule, matches in found:
            if isinstance(rule, InjectionRule):
                head = -_LEVEL[rule.severity]
                confidence = -rule.confidence
                order = _RULE_ORDER[rule.name]
                type_, severity = rule.type, rule.severity
                for m in matches:
                    s, e = m.span()
                    candidates.append((head, s - e, confidence, order, s, e, type_, severity))
            elif isinstance(rule, PayloadRule) and depth < MAX_DECODE_DEPTH:
                if self.native:  # those payload_bytes turns down left out in C
                    payloads = [
                        (m, decode_raws(rule.encoding, payload, raws))
                        for m, payload, raws in _native.payload_candidates(matches, rule.encoding)
                    ]
                else:
                    payloads = [(m, self._decode(rule.encoding, m.group())) for m in matches]
                for m, decoded in payloads:
                    if decoded is None:
                        continue
                    inner = self._decoded_injection(decoded, depth + 1)
                    if inner is not None:
                        inner_severity, inner_confidence = inner
                        severity = (
                            "critical" if inner_severity in ("high", "critical") else inner_severity
                        )
                        confidence = round(inner_confidence * 0.95, 3)
                        s, e = m.span()
                        candidates.append(
                            (
                                -_LEVEL[severity],
                                s - e,
                                -confidence,
                                _RULE_ORDER[rule.name],
                                s,
                                e,
                                rule.type,
                                severity,
                            )
                        )
        return candidates

    def _decoded_injection(self, decoded: str, depth: int) -> tuple[str, float] | None:
        """The severity and confidence of the worst injection in a decoded payload, if any."""
        folded = self._fold(decoded)
        kinds = _INJECTION if depth < MAX_DECODE_DEPTH else _INJECTION_ONLY
        found = self.scanner.scan(folded.text, kinds, None, self.native)
        candidates = self._injection_candidates(folded.text, found, depth)
        if not candidates:
            return None
        # the first of the highest (severity, confidence)
        worst = max(candidates, key=lambda c: (-c[0], -c[2]))
        return worst[7], -worst[2]


def _pii_candidates(found: Matches, text: str) -> list[tuple[int, float, int, int, int, str]]:
    """For each match, the first of its spans (`_pii_spans`) its validator accepts, as a
    candidate (`_native.pii_candidates` in C)."""
    candidates: list[tuple[int, float, int, int, int, str]] = []
    for rule, matches in found:
        validate, group, confidence = rule.validate, rule.value_group, rule.confidence  # type: ignore[attr-defined]
        order = _RULE_ORDER[rule.name]
        plain = not (rule.trim or rule.split)  # type: ignore[attr-defined]
        for m in matches:
            start, end = m.span(group)
            for s, e in ((start, end),) if plain else _pii_spans(rule, text, start, end):  # type: ignore[arg-type]
                before = text[s - VALIDATION_CONTEXT if s > VALIDATION_CONTEXT else 0 : s]
                factor = validate(text[s:e], before, text[e : e + VALIDATION_CONTEXT])
                if factor:
                    score = round(confidence * factor, 3)
                    candidates.append((s - e, -score, order, s, e, rule.type))
                    break
    return candidates


@functools.cache
def _pii_rules() -> dict[Rule, tuple[Any, ...]]:
    """The PII rules as `_native.pii_candidates` reads them."""
    return {
        rule: (
            rule.validate,
            rule.value_group,
            rule.confidence,
            _RULE_ORDER[rule.name],
            rule.type,
            rule.trim,
            rule.split,
            _NATIVE_VALIDATORS.get(rule.validate, 0),
            round(rule.confidence * 1.0, 3),
        )
        for rule in PII_RULES
    }


# The validators `_native.pii_candidates` runs in C for ASCII candidates (the plain cases: the
# others it leaves to these), by its numbers.
_NATIVE_VALIDATORS = {
    validators.url: 1,
    validators.vin: 2,
    validators.bitcoin_bech32: 3,
    validators.card: 4,
    validators.iban: 5,
}
if NATIVE:
    _native.card_ranges(validators._CARD_RANGES)
    _native.iban_lengths(validators.IBAN_LENGTHS)


@functools.cache
def _injection_rules() -> dict[Rule, tuple[Any, ...]]:
    """The injection rules as `_native.injection_candidates` reads them: the items of their
    candidates (`DetectionEngine._injection_candidates`)."""
    return {
        rule: (
            -_LEVEL[rule.severity],
            -rule.confidence,
            _RULE_ORDER[rule.name],
            rule.type,
            rule.severity,
        )
        for rule in ALL_RULES
        if isinstance(rule, InjectionRule)
    }


def _pii_span(candidate: tuple[Any, ...]) -> tuple[int, int]:
    return candidate[3], candidate[4]


def _injection_span(candidate: tuple[Any, ...]) -> tuple[int, int]:
    return candidate[4], candidate[5]


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


def _non_overlapping(ranked: list[_T], at: int) -> list[_T]:
    """Candidates in rank order, each kept unless it overlaps one kept before (a candidate's
    start and end are its items `at` and `at + 1`)."""
    starts: list[int] = []
    ends: list[int] = []  # of the kept spans, in order of their starts (they do not overlap)
    kept: list[_T] = []
    for c in ranked:
        start, end = c[at], c[at + 1]
        i = bisect.bisect_right(starts, start)
        if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        kept.append(c)
    return kept
