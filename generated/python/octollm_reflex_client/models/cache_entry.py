from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

T = TypeVar("T", bound="CacheEntry")


@_attrs_define
class CacheEntry:
    """
    Attributes:
        key (str):
        value (Any): Any JSON value.
        ttl_seconds (int):
        created_at (datetime.datetime):
        expires_at (datetime.datetime):
    """

    key: str
    value: Any
    ttl_seconds: int
    created_at: datetime.datetime
    expires_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        value = self.value

        ttl_seconds = self.ttl_seconds

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "value": value,
                "ttl_seconds": ttl_seconds,
                "created_at": created_at,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        value = d.pop("value")

        ttl_seconds = d.pop("ttl_seconds")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        cache_entry = cls(
            key=key,
            value=value,
            ttl_seconds=ttl_seconds,
            created_at=created_at,
            expires_at=expires_at,
        )

        return cache_entry
