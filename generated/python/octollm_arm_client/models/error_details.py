from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorDetails")


@_attrs_define
class ErrorDetails:
    """Structured context for the error. For validation errors `field` is the path of the bad
    value (`budget.max_tokens`, `page_size`, `X-Request-ID`; for a missing or unknown key, the
    key itself) and `constraint` is the rule it broke (`maximum`, `required`, `enum`,
    `additionalProperties`, `type`, `format`, `pattern`, `reflex_policy`, ...). Other keys
    may be present for specific errors.

        Attributes:
            field (str | Unset):
            constraint (str | Unset):
    """

    field: str | Unset = UNSET
    constraint: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        constraint = self.constraint

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if field is not UNSET:
            field_dict["field"] = field
        if constraint is not UNSET:
            field_dict["constraint"] = constraint

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field", UNSET)

        constraint = d.pop("constraint", UNSET)

        error_details = cls(
            field=field,
            constraint=constraint,
        )

        error_details.additional_properties = d
        return error_details

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
