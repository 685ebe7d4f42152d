from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CheckStats")


@_attrs_define
class CheckStats:
    """
    Attributes:
        total (int):
        blocked (int):
        pii_detected (int):
        injection_detected (int):
        cache_hits (int):
    """

    total: int
    blocked: int
    pii_detected: int
    injection_detected: int
    cache_hits: int

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        blocked = self.blocked

        pii_detected = self.pii_detected

        injection_detected = self.injection_detected

        cache_hits = self.cache_hits

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "total": total,
                "blocked": blocked,
                "pii_detected": pii_detected,
                "injection_detected": injection_detected,
                "cache_hits": cache_hits,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total = d.pop("total")

        blocked = d.pop("blocked")

        pii_detected = d.pop("pii_detected")

        injection_detected = d.pop("injection_detected")

        cache_hits = d.pop("cache_hits")

        check_stats = cls(
            total=total,
            blocked=blocked,
            pii_detected=pii_detected,
            injection_detected=injection_detected,
            cache_hits=cache_hits,
        )

        return check_stats
