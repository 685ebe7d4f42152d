"""Contains all the data models used in inputs/outputs"""

from .arm_budget import ArmBudget
from .arm_capabilities import ArmCapabilities
from .arm_error import ArmError
from .arm_output import ArmOutput
from .arm_provenance import ArmProvenance
from .arm_task import ArmTask
from .arm_task_constraints import ArmTaskConstraints
from .dependency_state import DependencyState
from .dependency_state_status import DependencyStateStatus
from .error_body import ErrorBody
from .error_code import ErrorCode
from .error_details import ErrorDetails
from .error_envelope import ErrorEnvelope
from .execute_request import ExecuteRequest
from .execute_result import ExecuteResult
from .health_report import HealthReport
from .health_report_dependencies import HealthReportDependencies
from .health_report_status import HealthReportStatus

__all__ = (
    "ArmBudget",
    "ArmCapabilities",
    "ArmError",
    "ArmOutput",
    "ArmProvenance",
    "ArmTask",
    "ArmTaskConstraints",
    "DependencyState",
    "DependencyStateStatus",
    "ErrorBody",
    "ErrorCode",
    "ErrorDetails",
    "ErrorEnvelope",
    "ExecuteRequest",
    "ExecuteResult",
    "HealthReport",
    "HealthReportDependencies",
    "HealthReportStatus",
)
