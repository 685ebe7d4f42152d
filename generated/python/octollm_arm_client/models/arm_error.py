from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ArmError")


@_attrs_define
class ArmError:
    """Why the execution failed; null when `success` is true.

    Attributes:
        code (str): `TIMEOUT`, `BUDGET_EXCEEDED`, `UPSTREAM_REJECTED`, `UPSTREAM_INVALID`, or a code
            of the arm's own.
             Example: BUDGET_EXCEEDED.
        message (str): Human-readable, for the task's requester. Example: The answer cost $0.0132, over
            budget.max_cost_usd of $0.01.
    """

    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        arm_error = cls(
            code=code,
            message=message,
        )

        return arm_error
