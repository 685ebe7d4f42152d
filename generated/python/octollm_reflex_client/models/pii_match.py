from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PiiMatch")


@_attrs_define
class PiiMatch:
    """
    Attributes:
        type_ (str): The kind of data, e.g. `Email`, `Phone`, `SSN`, `CreditCard`, `IPv4`.
        start (int):
        end (int):
        confidence (float):
        masked (str): The matched text with all but a few characters masked.
    """

    type_: str
    start: int
    end: int
    confidence: float
    masked: str

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        start = self.start

        end = self.end

        confidence = self.confidence

        masked = self.masked

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "start": start,
                "end": end,
                "confidence": confidence,
                "masked": masked,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type")

        start = d.pop("start")

        end = d.pop("end")

        confidence = d.pop("confidence")

        masked = d.pop("masked")

        pii_match = cls(
            type_=type_,
            start=start,
            end=end,
            confidence=confidence,
            masked=masked,
        )

        return pii_match
