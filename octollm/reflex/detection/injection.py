"""Prompt injection: the core patterns, each with a type, a severity and a confidence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from octollm.reflex.detection.matches import MATCHED_TEXT_MAX, InjectionMatch

_FLAGS = re.IGNORECASE | re.MULTILINE
# Patterns must stay linear: no two adjacent quantifiers that can match the same characters
# (`\s*,?\s+` is quadratic on a run of spaces), and `^` anchors never swallow newlines.


@dataclass(frozen=True)
class InjectionRule:
    type: str
    severity: str
    confidence: float
    pattern: re.Pattern[str]


RULES: tuple[InjectionRule, ...] = (
    InjectionRule(
        "IgnorePrevious",
        "high",
        0.95,
        re.compile(
            r"\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+)*"
            r"(?:previous|prior|above|earlier|preceding|former|original)\s+"
            r"(?:instructions?|prompts?|rules|directions|directives|guidelines|context|messages?)",
            _FLAGS,
        ),
    ),
    InjectionRule(
        "PromptExtraction",
        "high",
        0.9,
        re.compile(
            r"\b(?:reveal|show|print|display|repeat|output|dump|leak|tell\s+me|give\s+me|"
            r"what\s+(?:is|are))\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|exact\s+|original\s+)?"
            r"(?:system\s+prompt|system\s+message|initial\s+(?:prompt|instructions)|"
            r"hidden\s+(?:prompt|instructions)|original\s+(?:prompt|instructions)|"
            r"instructions\s+(?:above|you\s+were\s+given))",
            _FLAGS,
        ),
    ),
    InjectionRule(
        "SystemRole",
        "high",
        0.85,
        re.compile(
            r"^[ \t]*(?:system|assistant)[ \t]*:|"
            r"<\|?\s*(?:system|im_start)\s*\|?>|\[\s*system\s*\]|"
            r"\byou\s+are\s+now\s+(?:an?\s+|the\s+)?(?:unrestricted|unfiltered|jailbroken|DAN|"
            r"developer\s+mode|evil|uncensored)\b|"
            r"\b(?:act|behave|respond)\s+as\s+(?:an?\s+)?(?:unrestricted|unfiltered|jailbroken|"
            r"uncensored)\b|\bfrom\s+now\s+on(?:\s*,)?\s+you\s+(?:are|will\s+be)\b",
            _FLAGS,
        ),
    ),
)


def find_injections(text: str) -> Iterator[InjectionMatch]:
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            yield InjectionMatch(
                rule.type,
                rule.severity,
                m.start(),
                m.end(),
                m.group()[:MATCHED_TEXT_MAX],
                rule.confidence,
            )
