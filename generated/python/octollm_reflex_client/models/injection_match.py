from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.injection_match_type import InjectionMatchType
from ..models.severity import Severity
from typing import cast

if TYPE_CHECKING:
    from ..models.injection_context import InjectionContext


T = TypeVar("T", bound="InjectionMatch")


@_attrs_define
class InjectionMatch:
    """
    Attributes:
        type_ (InjectionMatchType): The kind of injection. `EncodedInstruction`: an injection hidden in base64, hex or
            ROT13 (the span is the encoded text), or a request to decode and obey such a
            payload; `MultilingualBypass`: an injection in a language other than English;
            `DelimiterInjection`: fake end-of-input markers, chat-template tokens or tags.
             Example: IgnorePrevious.
        severity (Severity):
        start (int): Code-point offset of the first character in `text`.
        end (int): Code-point offset just past the last character in `text`.
        matched_text (str): The matched part of `text` (its first 200 characters).
        confidence (float):
        context (InjectionContext): What the text around the match (about 100 characters before it and 60 after, not the
            whole input) says about it. Each flag lowers the match's severity and confidence: a
            negation by two severity levels, any of the others by one.
             Example: {'quoted': True, 'academic': False, 'example': False, 'negated': False}.
    """

    type_: InjectionMatchType
    severity: Severity
    start: int
    end: int
    matched_text: str
    confidence: float
    context: InjectionContext

    def to_dict(self) -> dict[str, Any]:
        from ..models.injection_context import InjectionContext  # noqa: PLC0415

        type_ = self.type_.value

        severity = self.severity.value

        start = self.start

        end = self.end

        matched_text = self.matched_text

        confidence = self.confidence

        context = self.context.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "severity": severity,
                "start": start,
                "end": end,
                "matched_text": matched_text,
                "confidence": confidence,
                "context": context,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.injection_context import InjectionContext  # noqa: PLC0415

        d = dict(src_dict)
        type_ = InjectionMatchType(d.pop("type"))

        severity = Severity(d.pop("severity"))

        start = d.pop("start")

        end = d.pop("end")

        matched_text = d.pop("matched_text")

        confidence = d.pop("confidence")

        context = InjectionContext.from_dict(d.pop("context"))

        injection_match = cls(
            type_=type_,
            severity=severity,
            start=start,
            end=end,
            matched_text=matched_text,
            confidence=confidence,
            context=context,
        )

        return injection_match
