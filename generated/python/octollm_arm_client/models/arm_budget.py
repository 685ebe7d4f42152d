from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset

T = TypeVar("T", bound="ArmBudget")


@_attrs_define
class ArmBudget:
    """The task's resource limits; a missing field means no limit of that kind from the task
    (the arm applies its own defaults, e.g. 10000 tokens). Unknown fields are ignored.

        Attributes:
            max_tokens (int | Unset): Most tokens the answer may use.
            max_time_seconds (int | Unset): The task's end-to-end time budget, kept by the orchestrator; the arm's deadline
                is
                `timeout_seconds`.
            max_cost_usd (float | Unset): Most the execution may cost, in US dollars. Enforced by arms that know their
                prices: an arm caps the answer's length to stay within it, and fails with
                `BUDGET_EXCEEDED` when it cannot.
    """

    max_tokens: int | Unset = UNSET
    max_time_seconds: int | Unset = UNSET
    max_cost_usd: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_tokens = self.max_tokens

        max_time_seconds = self.max_time_seconds

        max_cost_usd = self.max_cost_usd

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if max_tokens is not UNSET:
            field_dict["max_tokens"] = max_tokens
        if max_time_seconds is not UNSET:
            field_dict["max_time_seconds"] = max_time_seconds
        if max_cost_usd is not UNSET:
            field_dict["max_cost_usd"] = max_cost_usd

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_tokens = d.pop("max_tokens", UNSET)

        max_time_seconds = d.pop("max_time_seconds", UNSET)

        max_cost_usd = d.pop("max_cost_usd", UNSET)

        arm_budget = cls(
            max_tokens=max_tokens,
            max_time_seconds=max_time_seconds,
            max_cost_usd=max_cost_usd,
        )

        arm_budget.additional_properties = d
        return arm_budget

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
