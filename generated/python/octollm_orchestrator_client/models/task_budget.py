from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskBudget")


@_attrs_define
class TaskBudget:
    """Resource limits for the task. Missing fields take their defaults.

    Attributes:
        max_tokens (int | Unset):  Default: 10000.
        max_time_seconds (int | Unset):  Default: 300.
        max_cost_usd (float | Unset):  Default: 1.0.
    """

    max_tokens: int | Unset = 10000
    max_time_seconds: int | Unset = 300
    max_cost_usd: float | Unset = 1.0

    def to_dict(self) -> dict[str, Any]:
        max_tokens = self.max_tokens

        max_time_seconds = self.max_time_seconds

        max_cost_usd = self.max_cost_usd

        field_dict: dict[str, Any] = {}

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

        task_budget = cls(
            max_tokens=max_tokens,
            max_time_seconds=max_time_seconds,
            max_cost_usd=max_cost_usd,
        )

        return task_budget
