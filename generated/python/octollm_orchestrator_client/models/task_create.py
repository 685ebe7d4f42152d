from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.priority import Priority
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.task_budget import TaskBudget
    from ..models.task_create_constraints import TaskCreateConstraints
    from ..models.task_create_metadata import TaskCreateMetadata


T = TypeVar("T", bound="TaskCreate")


@_attrs_define
class TaskCreate:
    """
    Attributes:
        goal (str): What the task should achieve. Must not be blank.
        constraints (TaskCreateConstraints | Unset): Free-form constraints for the executor.
        context (str | Unset): Background information for the task. Default: ''.
        acceptance_criteria (list[str] | Unset):
        budget (TaskBudget | Unset): Resource limits for the task. Missing fields take their defaults.
        priority (Priority | Unset):  Default: Priority.MEDIUM.
        metadata (TaskCreateMetadata | Unset): Caller's own data, stored and returned unchanged.
        required_capabilities (list[str] | Unset): The task goes to an arm offering all of these.
        use_cache (bool | Unset): Complete at once from the Reflex Layer's cache when an identical task has succeeded
            before. False always executes (the fresh result is still cached).
             Default: True.
    """

    goal: str
    constraints: TaskCreateConstraints | Unset = UNSET
    context: str | Unset = ""
    acceptance_criteria: list[str] | Unset = UNSET
    budget: TaskBudget | Unset = UNSET
    priority: Priority | Unset = Priority.MEDIUM
    metadata: TaskCreateMetadata | Unset = UNSET
    required_capabilities: list[str] | Unset = UNSET
    use_cache: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_budget import TaskBudget  # noqa: PLC0415
        from ..models.task_create_constraints import TaskCreateConstraints  # noqa: PLC0415
        from ..models.task_create_metadata import TaskCreateMetadata  # noqa: PLC0415

        goal = self.goal

        constraints: dict[str, Any] | Unset = UNSET
        if not isinstance(self.constraints, Unset):
            constraints = self.constraints.to_dict()

        context = self.context

        acceptance_criteria: list[str] | Unset = UNSET
        if not isinstance(self.acceptance_criteria, Unset):
            acceptance_criteria = self.acceptance_criteria

        budget: dict[str, Any] | Unset = UNSET
        if not isinstance(self.budget, Unset):
            budget = self.budget.to_dict()

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        required_capabilities: list[str] | Unset = UNSET
        if not isinstance(self.required_capabilities, Unset):
            required_capabilities = self.required_capabilities

        use_cache = self.use_cache

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "goal": goal,
            }
        )
        if constraints is not UNSET:
            field_dict["constraints"] = constraints
        if context is not UNSET:
            field_dict["context"] = context
        if acceptance_criteria is not UNSET:
            field_dict["acceptance_criteria"] = acceptance_criteria
        if budget is not UNSET:
            field_dict["budget"] = budget
        if priority is not UNSET:
            field_dict["priority"] = priority
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if required_capabilities is not UNSET:
            field_dict["required_capabilities"] = required_capabilities
        if use_cache is not UNSET:
            field_dict["use_cache"] = use_cache

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_budget import TaskBudget  # noqa: PLC0415
        from ..models.task_create_constraints import TaskCreateConstraints  # noqa: PLC0415
        from ..models.task_create_metadata import TaskCreateMetadata  # noqa: PLC0415

        d = dict(src_dict)
        goal = d.pop("goal")

        _constraints = d.pop("constraints", UNSET)
        constraints: TaskCreateConstraints | Unset
        if isinstance(_constraints, Unset):
            constraints = UNSET
        else:
            constraints = TaskCreateConstraints.from_dict(_constraints)

        context = d.pop("context", UNSET)

        acceptance_criteria = cast(list[str], d.pop("acceptance_criteria", UNSET))

        _budget = d.pop("budget", UNSET)
        budget: TaskBudget | Unset
        if isinstance(_budget, Unset):
            budget = UNSET
        else:
            budget = TaskBudget.from_dict(_budget)

        _priority = d.pop("priority", UNSET)
        priority: Priority | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = Priority(_priority)

        _metadata = d.pop("metadata", UNSET)
        metadata: TaskCreateMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = TaskCreateMetadata.from_dict(_metadata)

        required_capabilities = cast(list[str], d.pop("required_capabilities", UNSET))

        use_cache = d.pop("use_cache", UNSET)

        task_create = cls(
            goal=goal,
            constraints=constraints,
            context=context,
            acceptance_criteria=acceptance_criteria,
            budget=budget,
            priority=priority,
            metadata=metadata,
            required_capabilities=required_capabilities,
            use_cache=use_cache,
        )

        return task_create
