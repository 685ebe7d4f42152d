"""Contains all the data models used in inputs/outputs"""

from .cache_entry import CacheEntry
from .cache_entry_create import CacheEntryCreate
from .check_request import CheckRequest
from .check_result import CheckResult
from .check_result_decision import CheckResultDecision
from .check_stats import CheckStats
from .dependency_state import DependencyState
from .dependency_state_status import DependencyStateStatus
from .error_body import ErrorBody
from .error_code import ErrorCode
from .error_details import ErrorDetails
from .error_envelope import ErrorEnvelope
from .health_report import HealthReport
from .health_report_dependencies import HealthReportDependencies
from .health_report_status import HealthReportStatus
from .injection_context import InjectionContext
from .injection_match import InjectionMatch
from .injection_match_type import InjectionMatchType
from .pii_match import PiiMatch
from .pii_match_type import PiiMatchType
from .reflex_stats import ReflexStats
from .severity import Severity

__all__ = (
    "CacheEntry",
    "CacheEntryCreate",
    "CheckRequest",
    "CheckResult",
    "CheckResultDecision",
    "CheckStats",
    "DependencyState",
    "DependencyStateStatus",
    "ErrorBody",
    "ErrorCode",
    "ErrorDetails",
    "ErrorEnvelope",
    "HealthReport",
    "HealthReportDependencies",
    "HealthReportStatus",
    "InjectionContext",
    "InjectionMatch",
    "InjectionMatchType",
    "PiiMatch",
    "PiiMatchType",
    "ReflexStats",
    "Severity",
)
