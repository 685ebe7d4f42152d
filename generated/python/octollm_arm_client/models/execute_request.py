from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.arm_task import ArmTask


T = TypeVar("T", bound="ExecuteRequest")


@_attrs_define
class ExecuteRequest:
    """
    Attributes:
        task (ArmTask): The task to execute: the orchestrator's Task resource. Only these fields are read;
            any other is ignored (`additionalProperties` is deliberately true, so a new Task
            field never breaks an arm).
        request_id (str): The id of the request that created the task, for tracing.
        timeout_seconds (int): The execution's deadline, from the moment the arm receives the request, waiting for
            a free slot included.
    """

    task: ArmTask
    request_id: str
    timeout_seconds: int

    def to_dict(self) -> dict[str, Any]:
        from ..models.arm_task import ArmTask  # noqa: PLC0415

        task = self.task.to_dict()

        request_id = self.request_id

        timeout_seconds = self.timeout_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "task": task,
                "request_id": request_id,
                "timeout_seconds": timeout_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.arm_task import ArmTask  # noqa: PLC0415

        d = dict(src_dict)
        task = ArmTask.from_dict(d.pop("task"))

        request_id = d.pop("request_id")

        timeout_seconds = d.pop("timeout_seconds")

        execute_request = cls(
            task=task,
            request_id=request_id,
            timeout_seconds=timeout_seconds,
        )

        return execute_request
