from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PaginationMeta")


@_attrs_define
class PaginationMeta:
    """
    Example:
        {'page': 1, 'page_size': 50, 'total_pages': 10, 'total_items': 487}

    Attributes:
        page (int):
        page_size (int):
        total_pages (int):
        total_items (int):
    """

    page: int
    page_size: int
    total_pages: int
    total_items: int

    def to_dict(self) -> dict[str, Any]:
        page = self.page

        page_size = self.page_size

        total_pages = self.total_pages

        total_items = self.total_items

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "page": page,
                "page_size": page_size,
                "total_pages": total_pages,
                "total_items": total_items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        page = d.pop("page")

        page_size = d.pop("page_size")

        total_pages = d.pop("total_pages")

        total_items = d.pop("total_items")

        pagination_meta = cls(
            page=page,
            page_size=page_size,
            total_pages=total_pages,
            total_items=total_items,
        )

        return pagination_meta
