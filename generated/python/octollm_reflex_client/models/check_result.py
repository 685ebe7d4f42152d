from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.check_result_decision import CheckResultDecision
from typing import cast

if TYPE_CHECKING:
    from ..models.injection_match import InjectionMatch
    from ..models.pii_match import PiiMatch


T = TypeVar("T", bound="CheckResult")


@_attrs_define
class CheckResult:
    """
    Attributes:
        request_id (str):
        decision (CheckResultDecision):
        cache_key (str):
        cache_hit (bool):
        cached_value (Any): The cached value on a hit; null on a miss (or when `use_cache` is false).
        pii_detected (bool):
        pii_matches (list[PiiMatch]):
        injection_detected (bool):
        injection_matches (list[InjectionMatch]):
        redacted_text (None | str): The text with each PII match replaced by `[<type>]` (e.g. `[Email]`), when `redact`
            is true or the service redacts by policy; else null.
             Example: Call me on [Phone] or write to [Email]..
        processing_time_ms (float):
    """

    request_id: str
    decision: CheckResultDecision
    cache_key: str
    cache_hit: bool
    cached_value: Any
    pii_detected: bool
    pii_matches: list[PiiMatch]
    injection_detected: bool
    injection_matches: list[InjectionMatch]
    redacted_text: None | str
    processing_time_ms: float

    def to_dict(self) -> dict[str, Any]:
        from ..models.injection_match import InjectionMatch  # noqa: PLC0415
        from ..models.pii_match import PiiMatch  # noqa: PLC0415

        request_id = self.request_id

        decision = self.decision.value

        cache_key = self.cache_key

        cache_hit = self.cache_hit

        cached_value = self.cached_value

        pii_detected = self.pii_detected

        pii_matches = []
        for pii_matches_item_data in self.pii_matches:
            pii_matches_item = pii_matches_item_data.to_dict()
            pii_matches.append(pii_matches_item)

        injection_detected = self.injection_detected

        injection_matches = []
        for injection_matches_item_data in self.injection_matches:
            injection_matches_item = injection_matches_item_data.to_dict()
            injection_matches.append(injection_matches_item)

        redacted_text: None | str
        redacted_text = self.redacted_text

        processing_time_ms = self.processing_time_ms

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "request_id": request_id,
                "decision": decision,
                "cache_key": cache_key,
                "cache_hit": cache_hit,
                "cached_value": cached_value,
                "pii_detected": pii_detected,
                "pii_matches": pii_matches,
                "injection_detected": injection_detected,
                "injection_matches": injection_matches,
                "redacted_text": redacted_text,
                "processing_time_ms": processing_time_ms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.injection_match import InjectionMatch  # noqa: PLC0415
        from ..models.pii_match import PiiMatch  # noqa: PLC0415

        d = dict(src_dict)
        request_id = d.pop("request_id")

        decision = CheckResultDecision(d.pop("decision"))

        cache_key = d.pop("cache_key")

        cache_hit = d.pop("cache_hit")

        cached_value = d.pop("cached_value")

        pii_detected = d.pop("pii_detected")

        pii_matches = []
        _pii_matches = d.pop("pii_matches")
        for pii_matches_item_data in _pii_matches:
            pii_matches_item = PiiMatch.from_dict(pii_matches_item_data)

            pii_matches.append(pii_matches_item)

        injection_detected = d.pop("injection_detected")

        injection_matches = []
        _injection_matches = d.pop("injection_matches")
        for injection_matches_item_data in _injection_matches:
            injection_matches_item = InjectionMatch.from_dict(injection_matches_item_data)

            injection_matches.append(injection_matches_item)

        def _parse_redacted_text(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        redacted_text = _parse_redacted_text(d.pop("redacted_text"))

        processing_time_ms = d.pop("processing_time_ms")

        check_result = cls(
            request_id=request_id,
            decision=decision,
            cache_key=cache_key,
            cache_hit=cache_hit,
            cached_value=cached_value,
            pii_detected=pii_detected,
            pii_matches=pii_matches,
            injection_detected=injection_detected,
            injection_matches=injection_matches,
            redacted_text=redacted_text,
            processing_time_ms=processing_time_ms,
        )

        return check_result
