from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.priority import Priority
from ..models.task_status import TaskStatus
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
    from ..models.task_budget import TaskBudget
    from ..models.task_constraints import TaskConstraints
    from ..models.task_error import TaskError
    from ..models.task_metadata import TaskMetadata
    from ..models.task_provenance import TaskProvenance
    from ..models.task_result import TaskResult


T = TypeVar("T", bound="Task")


@_attrs_define
class Task:
    """
    Attributes:
        task_id (UUID):
        status (TaskStatus):
        goal (str):
        constraints (TaskConstraints):
        context (str):
        acceptance_criteria (list[str]):
        budget (TaskBudget): Resource limits for the task. Missing fields take their defaults.
        priority (Priority):
        metadata (TaskMetadata):
        result (None | TaskResult): What the task produced; null until it has completed.
        error (None | TaskError): Why the task failed; null unless it has. Codes set by the orchestrator:
            `TIMEOUT` (past `deadline_at`), `NO_ARM_AVAILABLE` (no healthy arm offered the
            required capabilities before the deadline), `ARM_UNAVAILABLE` (the arm kept failing
            after the retries), `ARM_PROTOCOL_ERROR` (the arm's answer broke `arm.yaml`). When the
            arm itself reports failure, its own code (e.g. `BUDGET_EXCEEDED`) and message are
            passed on, with `arm_id`.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        processing_time_ms (int | None): From the move to `processing` to the final status; null before.
        required_capabilities (list[str]):
        use_cache (bool):
        deadline_at (datetime.datetime): `created_at` plus `budget.max_time_seconds`.
        cache_key (None | str): The task's key in the Reflex Layer's cache, derived from the Reflex Layer's checks
            of its goal and context and from its constraints, acceptance criteria and required
            capabilities; null for tasks stored before keys existed.
             Example: task:sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.
        provenance (None | TaskProvenance): Who produced the result; null until the task has completed.
    """

    task_id: UUID
    status: TaskStatus
    goal: str
    constraints: TaskConstraints
    context: str
    acceptance_criteria: list[str]
    budget: TaskBudget
    priority: Priority
    metadata: TaskMetadata
    result: None | TaskResult
    error: None | TaskError
    created_at: datetime.datetime
    updated_at: datetime.datetime
    processing_time_ms: int | None
    required_capabilities: list[str]
    use_cache: bool
    deadline_at: datetime.datetime
    cache_key: None | str
    provenance: None | TaskProvenance

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_budget import TaskBudget  # noqa: PLC0415
        from ..models.task_constraints import TaskConstraints  # noqa: PLC0415
        from ..models.task_error import TaskError  # noqa: PLC0415
        from ..models.task_metadata import TaskMetadata  # noqa: PLC0415
        from ..models.task_provenance import TaskProvenance  # noqa: PLC0415
        from ..models.task_result import TaskResult  # noqa: PLC0415

        task_id = str(self.task_id)

        status = self.status.value

        goal = self.goal

        constraints = self.constraints.to_dict()

        context = self.context

        acceptance_criteria = self.acceptance_criteria

        budget = self.budget.to_dict()

        priority = self.priority.value

        metadata = self.metadata.to_dict()

        result: dict[str, Any] | None
        if isinstance(self.result, TaskResult):
            result = self.result.to_dict()
        else:
            result = self.result

        error: dict[str, Any] | None
        if isinstance(self.error, TaskError):
            error = self.error.to_dict()
        else:
            error = self.error

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        processing_time_ms: int | None
        processing_time_ms = self.processing_time_ms

        required_capabilities = self.required_capabilities

        use_cache = self.use_cache

        deadline_at = self.deadline_at.isoformat()

        cache_key: None | str
        cache_key = self.cache_key

        provenance: dict[str, Any] | None
        if isinstance(self.provenance, TaskProvenance):
            provenance = self.provenance.to_dict()
        else:
            provenance = self.provenance

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "task_id": task_id,
                "status": status,
                "goal": goal,
                "constraints": constraints,
                "context": context,
                "acceptance_criteria": acceptance_criteria,
                "budget": budget,
                "priority": priority,
                "metadata": metadata,
                "result": result,
                "error": error,
                "created_at": created_at,
                "updated_at": updated_at,
                "processing_time_ms": processing_time_ms,
                "required_capabilities": required_capabilities,
                "use_cache": use_cache,
                "deadline_at": deadline_at,
                "cache_key": cache_key,
                "provenance": provenance,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_budget import TaskBudget  # noqa: PLC0415
        from ..models.task_constraints import TaskConstraints  # noqa: PLC0415
        from ..models.task_error import TaskError  # noqa: PLC0415
        from ..models.task_metadata import TaskMetadata  # noqa: PLC0415
        from ..models.task_provenance import TaskProvenance  # noqa: PLC0415
        from ..models.task_result import TaskResult  # noqa: PLC0415

        d = dict(src_dict)
        task_id = UUID(d.pop("task_id"))

        status = TaskStatus(d.pop("status"))

        goal = d.pop("goal")

        constraints = TaskConstraints.from_dict(d.pop("constraints"))

        context = d.pop("context")

        acceptance_criteria = cast(list[str], d.pop("acceptance_criteria"))

        budget = TaskBudget.from_dict(d.pop("budget"))

        priority = Priority(d.pop("priority"))

        metadata = TaskMetadata.from_dict(d.pop("metadata"))

        def _parse_result(data: object) -> None | TaskResult:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_result_type_0 = TaskResult.from_dict(data)

                return componentsschemas_task_result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskResult, data)

        result = _parse_result(d.pop("result"))

        def _parse_error(data: object) -> None | TaskError:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_error_type_0 = TaskError.from_dict(data)

                return componentsschemas_task_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskError, data)

        error = _parse_error(d.pop("error"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_processing_time_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        processing_time_ms = _parse_processing_time_ms(d.pop("processing_time_ms"))

        required_capabilities = cast(list[str], d.pop("required_capabilities"))

        use_cache = d.pop("use_cache")

        deadline_at = datetime.datetime.fromisoformat(d.pop("deadline_at"))

        def _parse_cache_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cache_key = _parse_cache_key(d.pop("cache_key"))

        def _parse_provenance(data: object) -> None | TaskProvenance:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_provenance_type_0 = TaskProvenance.from_dict(data)

                return componentsschemas_task_provenance_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskProvenance, data)

        provenance = _parse_provenance(d.pop("provenance"))

        task = cls(
            task_id=task_id,
            status=status,
            goal=goal,
            constraints=constraints,
            context=context,
            acceptance_criteria=acceptance_criteria,
            budget=budget,
            priority=priority,
            metadata=metadata,
            result=result,
            error=error,
            created_at=created_at,
            updated_at=updated_at,
            processing_time_ms=processing_time_ms,
            required_capabilities=required_capabilities,
            use_cache=use_cache,
            deadline_at=deadline_at,
            cache_key=cache_key,
            provenance=provenance,
        )

        return task
