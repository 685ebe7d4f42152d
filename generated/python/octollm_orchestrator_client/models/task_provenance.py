from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

T = TypeVar("T", bound="TaskProvenance")


@_attrs_define
class TaskProvenance:
    """Who produced the result; null until the task has completed.

    Attributes:
        arm_id (str): The arm that produced the result (for a cache hit, the original arm).
        processing_time_ms (int): The arm's own processing time.
        tokens_used (int):
        model (None | str):
        cache_hit (bool): True when the result came from the Reflex Layer's cache.
        attempts (int): Arm calls made for this task (0 for a cache hit).
    """

    arm_id: str
    processing_time_ms: int
    tokens_used: int
    model: None | str
    cache_hit: bool
    attempts: int

    def to_dict(self) -> dict[str, Any]:
        arm_id = self.arm_id

        processing_time_ms = self.processing_time_ms

        tokens_used = self.tokens_used

        model: None | str
        model = self.model

        cache_hit = self.cache_hit

        attempts = self.attempts

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "arm_id": arm_id,
                "processing_time_ms": processing_time_ms,
                "tokens_used": tokens_used,
                "model": model,
                "cache_hit": cache_hit,
                "attempts": attempts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        arm_id = d.pop("arm_id")

        processing_time_ms = d.pop("processing_time_ms")

        tokens_used = d.pop("tokens_used")

        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))

        cache_hit = d.pop("cache_hit")

        attempts = d.pop("attempts")

        task_provenance = cls(
            arm_id=arm_id,
            processing_time_ms=processing_time_ms,
            tokens_used=tokens_used,
            model=model,
            cache_hit=cache_hit,
            attempts=attempts,
        )

        return task_provenance
