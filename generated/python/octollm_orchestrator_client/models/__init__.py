"""Contains all the data models used in inputs/outputs"""

from .dependency_state import DependencyState
from .dependency_state_status import DependencyStateStatus
from .error_body import ErrorBody
from .error_code import ErrorCode
from .error_details import ErrorDetails
from .error_envelope import ErrorEnvelope
from .health_report import HealthReport
from .health_report_dependencies import HealthReportDependencies
from .health_report_status import HealthReportStatus
from .pagination_meta import PaginationMeta
from .priority import Priority
from .task import Task
from .task_budget import TaskBudget
from .task_constraints import TaskConstraints
from .task_create import TaskCreate
from .task_create_constraints import TaskCreateConstraints
from .task_create_metadata import TaskCreateMetadata
from .task_error import TaskError
from .task_metadata import TaskMetadata
from .task_page import TaskPage
from .task_provenance import TaskProvenance
from .task_result import TaskResult
from .task_status import TaskStatus
from .tasks_list_order import TasksListOrder
from .tasks_list_sort_by import TasksListSortBy

__all__ = (
    "DependencyState",
    "DependencyStateStatus",
    "ErrorBody",
    "ErrorCode",
    "ErrorDetails",
    "ErrorEnvelope",
    "HealthReport",
    "HealthReportDependencies",
    "HealthReportStatus",
    "PaginationMeta",
    "Priority",
    "Task",
    "TaskBudget",
    "TaskConstraints",
    "TaskCreate",
    "TaskCreateConstraints",
    "TaskCreateMetadata",
    "TaskError",
    "TaskMetadata",
    "TaskPage",
    "TaskProvenance",
    "TaskResult",
    "TasksListOrder",
    "TasksListSortBy",
    "TaskStatus",
)
