from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskError")


@_attrs_define
class TaskError:
    """Why the task failed; null unless it has. Codes set by the orchestrator:
    `TIMEOUT` (past `deadline_at`), `NO_ARM_AVAILABLE` (no healthy arm offered the
    required capabilities before the deadline), `ARM_UNAVAILABLE` (the arm kept failing
    after the retries), `ARM_PROTOCOL_ERROR` (the arm's answer broke `arm.yaml`). When the
    arm itself reports failure, its own code (e.g. `BUDGET_EXCEEDED`) and message are
    passed on, with `arm_id`.

        Attributes:
            code (str):  Example: TIMEOUT.
            message (str):  Example: The task did not finish within its budget of 300 s.
            arm_id (str | Unset): The arm involved, when there was one.
    """

    code: str
    message: str
    arm_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        arm_id = self.arm_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if arm_id is not UNSET:
            field_dict["arm_id"] = arm_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        arm_id = d.pop("arm_id", UNSET)

        task_error = cls(
            code=code,
            message=message,
            arm_id=arm_id,
        )

        task_error.additional_properties = d
        return task_error

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
