from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
    from ..models.arm_budget import ArmBudget
    from ..models.arm_task_constraints import ArmTaskConstraints


T = TypeVar("T", bound="ArmTask")


@_attrs_define
class ArmTask:
    """The task to execute: the orchestrator's Task resource. Only these fields are read;
    any other is ignored (`additionalProperties` is deliberately true, so a new Task
    field never breaks an arm).

        Attributes:
            task_id (UUID):
            goal (str): What the task should achieve.
            context (str): Background information; may be empty.
            constraints (ArmTaskConstraints): Free-form constraints for the executor.
            acceptance_criteria (list[str]): What a good result must satisfy.
            budget (ArmBudget): The task's resource limits; a missing field means no limit of that kind from the task
                (the arm applies its own defaults, e.g. 10000 tokens). Unknown fields are ignored.
    """

    task_id: UUID
    goal: str
    context: str
    constraints: ArmTaskConstraints
    acceptance_criteria: list[str]
    budget: ArmBudget
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.arm_budget import ArmBudget  # noqa: PLC0415
        from ..models.arm_task_constraints import ArmTaskConstraints  # noqa: PLC0415

        task_id = str(self.task_id)

        goal = self.goal

        context = self.context

        constraints = self.constraints.to_dict()

        acceptance_criteria = self.acceptance_criteria

        budget = self.budget.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "task_id": task_id,
                "goal": goal,
                "context": context,
                "constraints": constraints,
                "acceptance_criteria": acceptance_criteria,
                "budget": budget,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.arm_budget import ArmBudget  # noqa: PLC0415
        from ..models.arm_task_constraints import ArmTaskConstraints  # noqa: PLC0415

        d = dict(src_dict)
        task_id = UUID(d.pop("task_id"))

        goal = d.pop("goal")

        context = d.pop("context")

        constraints = ArmTaskConstraints.from_dict(d.pop("constraints"))

        acceptance_criteria = cast(list[str], d.pop("acceptance_criteria"))

        budget = ArmBudget.from_dict(d.pop("budget"))

        arm_task = cls(
            task_id=task_id,
            goal=goal,
            context=context,
            constraints=constraints,
            acceptance_criteria=acceptance_criteria,
            budget=budget,
        )

        arm_task.additional_properties = d
        return arm_task

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
