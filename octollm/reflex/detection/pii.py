"""Personal data: each type is a pattern for candidates plus a rule that validates them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from octollm.reflex.detection.matches import PiiMatch, mask


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(text: str) -> bool:
    digits = re.sub(r"[ -]", "", text)
    return (
        13 <= len(digits) <= 19
        and digits[0] in "23456"
        and luhn_valid(digits)
        and len(set(digits)) > 1
    )


def _ssn(text: str) -> bool:
    area, group, serial = re.split(r"[- ]", text)
    return (
        area not in {"000", "666"}
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
    )


def _ipv4(text: str) -> bool:
    octets = text.split(".")
    return all(o == "0" or (not o.startswith("0") and int(o) <= 255) for o in octets)


def _always(_text: str) -> bool:
    return True


def _whole(m: re.Match[str]) -> Iterator[tuple[int, int]]:
    yield m.span()


def _digit_groups(m: re.Match[str]) -> Iterator[tuple[int, int]]:
    """The match, then the match cut before each separator from the right: a card number
    followed by a space and more digits (a CVV, an order number) is still a card number."""
    yield m.span()
    for sep in reversed([s.start() for s in re.finditer(r"[ -]", m.group())]):
        yield m.start(), m.start() + sep


@dataclass(frozen=True)
class PiiRule:
    type: str
    pattern: re.Pattern[str]
    valid: Callable[[str], bool]
    confidence: float
    candidates: Callable[[re.Match[str]], Iterator[tuple[int, int]]] = _whole


RULES: tuple[PiiRule, ...] = (
    PiiRule(
        "Email",
        re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b"),
        _always,
        0.95,
    ),
    PiiRule("SSN", re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])"), _ssn, 0.9),
    PiiRule(
        "CreditCard",
        re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"),
        _card,
        0.95,
        _digit_groups,
    ),
    PiiRule(
        "Phone",
        re.compile(
            r"(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])"
            r"|(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\d{2,4}){2,5}(?![\w-])"
        ),
        _always,
        0.8,
    ),
    PiiRule(
        "IPv4",
        re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)"),
        _ipv4,
        0.85,
    ),
)


def find_pii(text: str) -> Iterator[PiiMatch]:
    """Valid matches of every rule; a span claimed by an earlier rule is not reported again."""
    claimed: list[tuple[int, int]] = []
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            for start, end in rule.candidates(m):
                if any(start < c_end and c_start < end for c_start, c_end in claimed):
                    continue
                if rule.valid(text[start:end]):
                    claimed.append((start, end))
                    yield PiiMatch(rule.type, start, end, rule.confidence, mask(text[start:end]))
                    break
