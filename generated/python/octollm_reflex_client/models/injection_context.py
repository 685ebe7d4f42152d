from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InjectionContext")


@_attrs_define
class InjectionContext:
    """What the text around the match (about 100 characters before it and 60 after, not the
    whole input) says about it. Each flag lowers the match's severity and confidence: a
    negation by two severity levels, any of the others by one.

        Example:
            {'quoted': True, 'academic': False, 'example': False, 'negated': False}

        Attributes:
            quoted (bool): Inside quotation marks, backticks or a fenced code block.
            academic (bool): Near research, security or defence vocabulary ("attacks such as", "classifier").
            example (bool): Given as an example or a test ("for example", "test case", "sample").
            negated (bool): Right after a negation ("do not ignore previous instructions").
    """

    quoted: bool
    academic: bool
    example: bool
    negated: bool

    def to_dict(self) -> dict[str, Any]:
        quoted = self.quoted

        academic = self.academic

        example = self.example

        negated = self.negated

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "quoted": quoted,
                "academic": academic,
                "example": example,
                "negated": negated,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        quoted = d.pop("quoted")

        academic = d.pop("academic")

        example = d.pop("example")

        negated = d.pop("negated")

        injection_context = cls(
            quoted=quoted,
            academic=academic,
            example=example,
            negated=negated,
        )

        return injection_context
