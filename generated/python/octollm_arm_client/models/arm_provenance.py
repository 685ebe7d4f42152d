from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

T = TypeVar("T", bound="ArmProvenance")


@_attrs_define
class ArmProvenance:
    """
    Attributes:
        arm_id (str): The arm that executed the task.
        processing_time_ms (int): From receiving the request to answering it.
        tokens_used (int): Tokens spent (prompt and answer), also when the execution failed.
        model (None | str): The model that answered, as its server names it; null when none did.
    """

    arm_id: str
    processing_time_ms: int
    tokens_used: int
    model: None | str

    def to_dict(self) -> dict[str, Any]:
        arm_id = self.arm_id

        processing_time_ms = self.processing_time_ms

        tokens_used = self.tokens_used

        model: None | str
        model = self.model

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "arm_id": arm_id,
                "processing_time_ms": processing_time_ms,
                "tokens_used": tokens_used,
                "model": model,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        arm_id = d.pop("arm_id")

        processing_time_ms = d.pop("processing_time_ms")

        tokens_used = d.pop("tokens_used")

        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))

        arm_provenance = cls(
            arm_id=arm_id,
            processing_time_ms=processing_time_ms,
            tokens_used=tokens_used,
            model=model,
        )

        return arm_provenance
