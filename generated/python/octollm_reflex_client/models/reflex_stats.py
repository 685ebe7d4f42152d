from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.check_stats import CheckStats


T = TypeVar("T", bound="ReflexStats")


@_attrs_define
class ReflexStats:
    """
    Attributes:
        backend (str): The cache store in use, e.g. `memory`.
        entries (int):
        hits (int):
        misses (int):
        hit_rate (float): hits / (hits + misses); 0 before the first lookup.
        sets (int):
        deletes (int):
        evictions (int):
        expirations (int):
        checks (CheckStats):
        uptime_seconds (float):
    """

    backend: str
    entries: int
    hits: int
    misses: int
    hit_rate: float
    sets: int
    deletes: int
    evictions: int
    expirations: int
    checks: CheckStats
    uptime_seconds: float

    def to_dict(self) -> dict[str, Any]:
        from ..models.check_stats import CheckStats  # noqa: PLC0415

        backend = self.backend

        entries = self.entries

        hits = self.hits

        misses = self.misses

        hit_rate = self.hit_rate

        sets = self.sets

        deletes = self.deletes

        evictions = self.evictions

        expirations = self.expirations

        checks = self.checks.to_dict()

        uptime_seconds = self.uptime_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "backend": backend,
                "entries": entries,
                "hits": hits,
                "misses": misses,
                "hit_rate": hit_rate,
                "sets": sets,
                "deletes": deletes,
                "evictions": evictions,
                "expirations": expirations,
                "checks": checks,
                "uptime_seconds": uptime_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.check_stats import CheckStats  # noqa: PLC0415

        d = dict(src_dict)
        backend = d.pop("backend")

        entries = d.pop("entries")

        hits = d.pop("hits")

        misses = d.pop("misses")

        hit_rate = d.pop("hit_rate")

        sets = d.pop("sets")

        deletes = d.pop("deletes")

        evictions = d.pop("evictions")

        expirations = d.pop("expirations")

        checks = CheckStats.from_dict(d.pop("checks"))

        uptime_seconds = d.pop("uptime_seconds")

        reflex_stats = cls(
            backend=backend,
            entries=entries,
            hits=hits,
            misses=misses,
            hit_rate=hit_rate,
            sets=sets,
            deletes=deletes,
            evictions=evictions,
            expirations=expirations,
            checks=checks,
            uptime_seconds=uptime_seconds,
        )

        return reflex_stats
