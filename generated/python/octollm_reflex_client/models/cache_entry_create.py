from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset

T = TypeVar("T", bound="CacheEntryCreate")


@_attrs_define
class CacheEntryCreate:
    """
    Attributes:
        key (str):
        value (Any): Any JSON value.
        ttl_seconds (int | Unset):  Default: 3600.
    """

    key: str
    value: Any
    ttl_seconds: int | Unset = 3600

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        value = self.value

        ttl_seconds = self.ttl_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "value": value,
            }
        )
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        value = d.pop("value")

        ttl_seconds = d.pop("ttl_seconds", UNSET)

        cache_entry_create = cls(
            key=key,
            value=value,
            ttl_seconds=ttl_seconds,
        )

        return cache_entry_create
