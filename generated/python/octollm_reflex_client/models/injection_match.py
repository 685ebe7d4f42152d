from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.severity import Severity

T = TypeVar("T", bound="InjectionMatch")


@_attrs_define
class InjectionMatch:
    """
    Attributes:
        type_ (str): The kind of injection, e.g. `IgnorePrevious`, `PromptExtraction`, `SystemRole`.
        severity (Severity):
        start (int):
        end (int):
        matched_text (str):
        confidence (float):
    """

    type_: str
    severity: Severity
    start: int
    end: int
    matched_text: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        severity = self.severity.value

        start = self.start

        end = self.end

        matched_text = self.matched_text

        confidence = self.confidence

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "severity": severity,
                "start": start,
                "end": end,
                "matched_text": matched_text,
                "confidence": confidence,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type")

        severity = Severity(d.pop("severity"))

        start = d.pop("start")

        end = d.pop("end")

        matched_text = d.pop("matched_text")

        confidence = d.pop("confidence")

        injection_match = cls(
            type_=type_,
            severity=severity,
            start=start,
            end=end,
            matched_text=matched_text,
            confidence=confidence,
        )

        return injection_match
