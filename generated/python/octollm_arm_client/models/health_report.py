from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.health_report_status import HealthReportStatus
from typing import cast

if TYPE_CHECKING:
    from ..models.health_report_dependencies import HealthReportDependencies


T = TypeVar("T", bound="HealthReport")


@_attrs_define
class HealthReport:
    """
    Attributes:
        status (HealthReportStatus): `unhealthy` (with HTTP 503) when a required dependency is down.
        service (str):
        version (str):
        uptime_seconds (float):
        dependencies (HealthReportDependencies):
    """

    status: HealthReportStatus
    service: str
    version: str
    uptime_seconds: float
    dependencies: HealthReportDependencies

    def to_dict(self) -> dict[str, Any]:
        from ..models.health_report_dependencies import HealthReportDependencies  # noqa: PLC0415

        status = self.status.value

        service = self.service

        version = self.version

        uptime_seconds = self.uptime_seconds

        dependencies = self.dependencies.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "service": service,
                "version": version,
                "uptime_seconds": uptime_seconds,
                "dependencies": dependencies,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.health_report_dependencies import HealthReportDependencies  # noqa: PLC0415

        d = dict(src_dict)
        status = HealthReportStatus(d.pop("status"))

        service = d.pop("service")

        version = d.pop("version")

        uptime_seconds = d.pop("uptime_seconds")

        dependencies = HealthReportDependencies.from_dict(d.pop("dependencies"))

        health_report = cls(
            status=status,
            service=service,
            version=version,
            uptime_seconds=uptime_seconds,
            dependencies=dependencies,
        )

        return health_report
