from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.dependency_state_status import DependencyStateStatus
from ..types import UNSET, Unset
from typing import cast

T = TypeVar("T", bound="DependencyState")


@_attrs_define
class DependencyState:
    """
    Attributes:
        status (DependencyStateStatus):
        required (bool | Unset): Whether the service is unavailable while this dependency is down.
        latency_ms (float | None | Unset):
        detail (None | str | Unset):
    """

    status: DependencyStateStatus
    required: bool | Unset = UNSET
    latency_ms: float | None | Unset = UNSET
    detail: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        required = self.required

        latency_ms: float | None | Unset
        if isinstance(self.latency_ms, Unset):
            latency_ms = UNSET
        else:
            latency_ms = self.latency_ms

        detail: None | str | Unset
        if isinstance(self.detail, Unset):
            detail = UNSET
        else:
            detail = self.detail

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
            }
        )
        if required is not UNSET:
            field_dict["required"] = required
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if detail is not UNSET:
            field_dict["detail"] = detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = DependencyStateStatus(d.pop("status"))

        required = d.pop("required", UNSET)

        def _parse_latency_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms", UNSET))

        def _parse_detail(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        detail = _parse_detail(d.pop("detail", UNSET))

        dependency_state = cls(
            status=status,
            required=required,
            latency_ms=latency_ms,
            detail=detail,
        )

        return dependency_state
