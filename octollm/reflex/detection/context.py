"""Context analysis: what the text around a match says about it.

Only the text near the match counts (for quotes its line, for discussion and examples its
sentence, for a negation its clause; never more than `BEFORE` characters before it and `AFTER`
after it), not the whole input, so a disclaimer elsewhere cannot excuse an injection. The
flags:

- `quoted`: the match sits inside quotation marks, backticks or a fenced code block;
- `academic`: research, security or defence vocabulary nearby ("prompt injection attacks such
  as", "researchers", "a classifier flags");
- `example`: it is given as an example or a test ("for example", "test case", "sample");
- `negated`: a negation right before it ("do not ignore previous instructions", "never reveal
  your system prompt").

Each lowers the match's severity and confidence (`adjust`): a negation by two levels, the
others together by one.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, fields

from octollm.reflex.detection.matches import SEVERITY_ORDER
from octollm.reflex.detection.normalize import NATIVE, lower_ascii

if NATIVE:
    from octollm.reflex.detection import _native  # type: ignore[attr-defined]

BEFORE = 100
AFTER = 60

_NEGATION = re.compile(
    r"\b(?:do\s+not|don'?t|dont|does\s+not|doesn'?t|never|no\s+need\s+to|should\s+not|"
    r"shouldn'?t|must\s+not|mustn'?t|cannot|can'?t|won'?t|will\s+not|would\s+not|wouldn'?t|"
    r"refuse\s+to|avoid|without|nobody\s+should|no\s+one\s+should|never\s+ever)"
    r"[\s,]*(?:(?:ever|please|under\s+any\s+circumstances|at\s+any\s+time|at\s+all|try\s+to|"
    r"attempt\s+to|be\s+(?:tricked|persuaded|convinced|asked)\s+(?:into|to)|let\s+(?:anyone|"
    r"users?|them)|allow\s+(?:anyone|users?|them)\s+to|to|(?:make|get|force|convince|trick|"
    r"persuade)\s+(?:you|it|the\s+(?:model|assistant|ai|bot))(?:\s+(?:to|into))?)[\s,]*){0,3}$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[a-z]+")
# Vocabulary of discussion about attacks (research, security, defence) and of examples/tests:
# single words, word stems, and two-word phrases.
_ACADEMIC_WORDS = frozenset(
    [
        "research",
        "researcher",
        "researchers",
        "paper",
        "papers",
        "study",
        "studies",
        "survey",
        "academic",
        "literature",
        "taxonomy",
        "dataset",
        "datasets",
        "benchmark",
        "benchmarks",
        "classifier",
        "classifiers",
        "thesis",
        "lecture",
        "lectures",
        "course",
        "attack",
        "attacks",
        "attacker",
        "attackers",
        "adversary",
        "adversarial",
        "technique",
        "techniques",
        "defense",
        "defence",
        "defenses",
        "defences",
        "security",
        "vulnerability",
        "vulnerabilities",
        "owasp",
        "malicious",
        "payload",
        "payloads",
        "injections",
    ]
)
_ACADEMIC_STEMS = ("mitigat", "detect", "jailbreak")
_ACADEMIC_PHRASES = frozenset((
    ("known", "as"), ("such", "as"), ("prompt", "injection"), ("phrases", "like"),
    ("phrase", "like"), ("strings", "like"), ("red", "team"), ("threat", "model"),
    ("injection", "attempts"), ("injection", "attempt"), ("filters", "should"),
    ("guardrails", "should"), ("filter", "should"), ("should", "flag"), ("should", "block"),
    ("should", "catch"), ("would", "flag"), ("will", "flag"), ("to", "flag"), ("flagged", "as"),
))  # fmt: skip
_EXAMPLE_WORDS = frozenset(
    [
        "example",
        "examples",
        "sample",
        "samples",
        "test",
        "tests",
        "testing",
        "fixture",
        "fixtures",
        "demo",
        "dummy",
        "mock",
        "placeholder",
        "eg",
    ]
)
_EXAMPLE_STEMS = ("illustrat", "assert", "expect")
_EXAMPLE_PHRASES = frozenset((
    ("for", "example"), ("for", "instance"), ("test", "case"), ("test", "cases"),
    ("unit", "test"), ("sentences", "like"), ("sentence", "like"), ("inputs", "like"),
    ("input", "like"), ("e", "g"),
))  # fmt: skip


_TOKEN = re.compile(r"[^\s\"'`()\[\]{}<>,;!?]+")
_ABBREVIATIONS = {"e.g.": ("e", "g"), "e.g": ("e", "g"), "i.e.": ("i", "e")}


# A dot inside a token (`example.org`, `3.14`, `e.g.`): such a token may be an address.
_DOT_IN_TOKEN = re.compile(r"\.[^\s\"'`()\[\]{}<>,;!?]")


def _words(text: str) -> list[str]:
    """The words of `text`, without addresses: `jane@example.com` or `example.org/test` say
    nothing about the text around them."""
    if not (
        "@" in text
        or "/" in text
        or "=" in text
        or "_" in text
        or ("." in text and _DOT_IN_TOKEN.search(text))
    ):
        # No token is an address: the words are the runs of letters (those of each token).
        return _WORDS.findall(text)
    return _token_words(text)


def _token_words(text: str) -> list[str]:
    """`_words`, token by token."""
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token.isascii() and token.isalpha() and token.islower():  # the common case
            words.append(token)
            continue
        if token in _ABBREVIATIONS:
            words.extend(_ABBREVIATIONS[token])
            continue
        token = token.strip(".:")
        if "@" in token or "/" in token or "." in token or "=" in token or "_" in token:
            continue
        words.extend(_WORDS.findall(token))
    return words


def _mentions(
    words: list[str], vocabulary: frozenset[str], stems: tuple[str, ...],
    phrases: frozenset[tuple[str, str]],
) -> bool:  # fmt: skip
    if not vocabulary.isdisjoint(words):
        return True
    if any(map(str.startswith, words, itertools.repeat(stems))):
        return True
    return not phrases.isdisjoint(itertools.pairwise(words))


# The end of a sentence (not of an abbreviation), or a paragraph break.
# (Each branch starts with a character, not a lookbehind, so that `re` skips to candidates.)
_SENTENCE_END = re.compile(
    r"[.!?](?<!\be\.g[.!?])(?<!\bi\.e[.!?])(?<!\betc[.!?])[.!?]*(?=\s)|\n\s*\n"
)
# A quotation mark that is not an apostrophe: not between two letters.
_SINGLE_QUOTE = re.compile(r"(?<![A-Za-z])'|'(?![A-Za-z])")


@dataclass(frozen=True)
class Context:
    quoted: bool = False
    academic: bool = False
    example: bool = False
    negated: bool = False

    def to_dict(self) -> dict[str, bool]:
        return {
            "quoted": self.quoted,
            "academic": self.academic,
            "example": self.example,
            "negated": self.negated,
        }


NONE = Context()
assert list(NONE.to_dict()) == [f.name for f in fields(Context)]


def _inside_quotes(line_before: str, line_after: str) -> bool:
    if line_before.count('"') % 2 == 1 and '"' in line_after:
        return True
    if line_before.rfind("“") > line_before.rfind("”") and "”" in line_after:
        return True
    if line_before.rfind("«") > line_before.rfind("»") and "»" in line_after:
        return True
    if line_before.count("`") % 2 == 1 and "`" in line_after:
        return True
    return len(_SINGLE_QUOTE.findall(line_before)) % 2 == 1 and bool(
        _SINGLE_QUOTE.search(line_after)
    )


def fences(text: str) -> list[int]:
    """Where the text's code fences (```) are, for `analyse`."""
    if "```" not in text:
        return []
    return [m.start() for m in re.finditer("```", text)]


_CLAUSE_END = re.compile(r"[.!?;:\n]")
_QUOTE_MARKS = ('"', "“", "«", "`", "'")


def analyse(text: str, start: int, end: int, fence_positions: list[int] | None = None) -> Context:
    """The context flags of the match `text[start:end]` (`fence_positions`: `fences(text)`).
    Case does not count: the text around the match is read with its ASCII letters lowered."""
    before = lower_ascii(text[start - BEFORE if start > BEFORE else 0 : start])
    after = lower_ascii(text[end : end + AFTER])
    if fence_positions is None:
        fence_positions = fences(text)
    quoted = bool(fence_positions) and bisect.bisect_left(fence_positions, start) % 2 == 1
    if not quoted:
        line_before = before.rsplit("\n", 1)[-1]
        # (every kind of quotation needs a mark before the match on its line)
        for mark in _QUOTE_MARKS:
            if mark in line_before:
                quoted = _inside_quotes(line_before, after.split("\n", 1)[0])
                break
    # Discussion and examples count in the match's own sentence.
    sentence_end = _SENTENCE_END.search(after)
    around = _words(_SENTENCE_END.split(before)[-1]) + _words(
        after[: sentence_end.start()] if sentence_end else after
    )
    # The clause the match opens: negations count only in the same sentence.
    clause = _CLAUSE_END.split(before)[-1]
    return _CONTEXTS[
        quoted,
        _mentions(around, _ACADEMIC_WORDS, _ACADEMIC_STEMS, _ACADEMIC_PHRASES),
        _mentions(around, _EXAMPLE_WORDS, _EXAMPLE_STEMS, _EXAMPLE_PHRASES),
        _NEGATION.search(clause[-60:]) is not None,
    ]


def analyse_native(
    text: str, start: int, end: int, fence_positions: list[int] | None = None
) -> Context:
    """`analyse`, compiled (`_native.context_flags`: the same reading of the same text around
    the match; the negation is still `_NEGATION`, called from C on the same clause)."""
    if fence_positions is None:
        fence_positions = _native.fences(text)
    return BY_FLAGS[_native.context_flags(text, start, end, fence_positions, _negation)]


def fences_native(text: str) -> list[int]:
    """`fences`, compiled."""
    return _native.fences(text)  # type: ignore[no-any-return]


def _adjustment(context: Context) -> tuple[int, float]:
    steps = 2 if context.negated else int(context.quoted or context.academic or context.example)
    factor = 1.0
    for flag, weight in (
        (context.negated, 0.3),
        (context.quoted, 0.7),
        (context.academic, 0.7),
        (context.example, 0.75),
    ):
        if flag:
            factor *= weight
    return steps, factor


# Every combination of the flags, made once (`analyse` returns these), and its adjustment.
_CONTEXTS = {
    flags: Context(*flags)
    for flags in itertools.product((False, True), repeat=len(fields(Context)))
}
_ADJUSTMENTS = {context: _adjustment(context) for context in _CONTEXTS.values()}
# The contexts by `_native.context_flags`' bits: quoted 1, academic 2, example 4, negated 8.
BY_FLAGS = tuple(
    _CONTEXTS[bool(flags & 1), bool(flags & 2), bool(flags & 4), bool(flags & 8)]
    for flags in range(16)
)
_negation = _NEGATION.search
if NATIVE:
    _native.context_vocabulary(
        sorted(_ACADEMIC_WORDS), _ACADEMIC_STEMS, sorted(_ACADEMIC_PHRASES),
        sorted(_EXAMPLE_WORDS), _EXAMPLE_STEMS, sorted(_EXAMPLE_PHRASES),
    )  # fmt: skip
_LEVEL = {severity: i for i, severity in enumerate(SEVERITY_ORDER)}


_adjusted: dict[tuple[str, float, Context], tuple[str, float]] = {}


def adjust_cached(severity: str, confidence: float, context: Context) -> tuple[str, float]:
    """`adjust`, remembered: a match's severity and confidence come from its rule (or a
    payload's), so few combinations occur."""
    key = (severity, confidence, context)
    adjusted = _adjusted.get(key)
    if adjusted is None:
        if len(_adjusted) >= 4096:
            _adjusted.clear()
        adjusted = _adjusted[key] = adjust(severity, confidence, context)
    return adjusted


def adjust(severity: str, confidence: float, context: Context) -> tuple[str, float]:
    """Severity and confidence lowered for the context."""
    steps, factor = _ADJUSTMENTS.get(context) or _adjustment(context)
    level = _LEVEL[severity] - steps
    return SEVERITY_ORDER[level if level > 0 else 0], round(max(0.05, confidence * factor), 3)
