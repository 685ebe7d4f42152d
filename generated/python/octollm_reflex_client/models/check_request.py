from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset

T = TypeVar("T", bound="CheckRequest")


@_attrs_define
class CheckRequest:
    """
    Attributes:
        text (str): The text to screen.
        check_pii (bool | Unset): Scan for personal data. Default: True.
        check_injection (bool | Unset): Scan for prompt injection. Default: True.
        use_cache (bool | Unset): Look the text's cache key up in the cache. Default: True.
        redact (bool | Unset): Return `redacted_text`, the text with each PII match replaced by `[<type>]`. Default:
            False.
    """

    text: str
    check_pii: bool | Unset = True
    check_injection: bool | Unset = True
    use_cache: bool | Unset = True
    redact: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        text = self.text

        check_pii = self.check_pii

        check_injection = self.check_injection

        use_cache = self.use_cache

        redact = self.redact

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "text": text,
            }
        )
        if check_pii is not UNSET:
            field_dict["check_pii"] = check_pii
        if check_injection is not UNSET:
            field_dict["check_injection"] = check_injection
        if use_cache is not UNSET:
            field_dict["use_cache"] = use_cache
        if redact is not UNSET:
            field_dict["redact"] = redact

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text")

        check_pii = d.pop("check_pii", UNSET)

        check_injection = d.pop("check_injection", UNSET)

        use_cache = d.pop("use_cache", UNSET)

        redact = d.pop("redact", UNSET)

        check_request = cls(
            text=text,
            check_pii=check_pii,
            check_injection=check_injection,
            use_cache=use_cache,
            redact=redact,
        )

        return check_request
