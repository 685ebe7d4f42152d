"""Prompt injection: patterns with a type, a severity and a confidence; ROT13 spellings."""

from octollm.reflex.detection.decode import rot13
from octollm.reflex.detection.injection.rules import RULES as PLAIN_RULES
from octollm.reflex.detection.injection.rules import InjectionRule

TYPES = (
    "IgnorePrevious", "PromptExtraction", "SystemRole", "JailbreakKeyword", "EncodedInstruction",
    "DelimiterInjection", "ContextSwitching", "ConfusionPattern", "MultilingualBypass",
    "ChainOfThought", "RoleReversal", "AuthorityAppeal", "OutputManipulation",
    "MemoryExfiltration",
)  # fmt: skip

# An instruction hidden in ROT13 is worse than the same instruction in the clear.
ROT13_RULES = tuple(
    InjectionRule(
        name=f"rot13.{rule.name}",
        type="EncodedInstruction",
        severity="critical" if rule.severity in ("high", "critical") else rule.severity,
        confidence=round(rule.confidence * 0.95, 3),
        body=rot13(rule.body.lower()),
        before=rule.before,
        after=rule.after,
    )
    for rule in PLAIN_RULES
    if rule.rot13
)
RULES: tuple[InjectionRule, ...] = PLAIN_RULES + ROT13_RULES

__all__ = ["RULES", "TYPES", "InjectionRule"]
