from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.pagination_meta import PaginationMeta
    from ..models.task import Task


T = TypeVar("T", bound="TaskPage")


@_attrs_define
class TaskPage:
    """
    Attributes:
        data (list[Task]):
        pagination (PaginationMeta):  Example: {'page': 1, 'page_size': 50, 'total_pages': 10, 'total_items': 487}.
    """

    data: list[Task]
    pagination: PaginationMeta

    def to_dict(self) -> dict[str, Any]:
        from ..models.pagination_meta import PaginationMeta  # noqa: PLC0415
        from ..models.task import Task  # noqa: PLC0415

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        pagination = self.pagination.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "pagination": pagination,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pagination_meta import PaginationMeta  # noqa: PLC0415
        from ..models.task import Task  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Task.from_dict(data_item_data)

            data.append(data_item)

        pagination = PaginationMeta.from_dict(d.pop("pagination"))

        task_page = cls(
            data=data,
            pagination=pagination,
        )

        return task_page
