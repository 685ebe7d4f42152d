from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

T = TypeVar("T", bound="ArmCapabilities")


@_attrs_define
class ArmCapabilities:
    """
    Attributes:
        arm_id (str): The arm's id, as it appears in `provenance.arm_id`.
        capabilities (list[str]):
        max_concurrency (int): Tasks the arm executes at once; more wait for a free slot.
    """

    arm_id: str
    capabilities: list[str]
    max_concurrency: int

    def to_dict(self) -> dict[str, Any]:
        arm_id = self.arm_id

        capabilities = self.capabilities

        max_concurrency = self.max_concurrency

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "arm_id": arm_id,
                "capabilities": capabilities,
                "max_concurrency": max_concurrency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        arm_id = d.pop("arm_id")

        capabilities = cast(list[str], d.pop("capabilities"))

        max_concurrency = d.pop("max_concurrency")

        arm_capabilities = cls(
            arm_id=arm_id,
            capabilities=capabilities,
            max_concurrency=max_concurrency,
        )

        return arm_capabilities
