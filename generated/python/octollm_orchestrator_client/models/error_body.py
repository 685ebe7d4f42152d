from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.error_code import ErrorCode
from typing import cast

if TYPE_CHECKING:
    from ..models.error_details import ErrorDetails


T = TypeVar("T", bound="ErrorBody")


@_attrs_define
class ErrorBody:
    """
    Attributes:
        code (ErrorCode): Machine-readable error code. Each code has exactly one HTTP status:
            VALIDATION_ERROR 400, UNAUTHORIZED 401, FORBIDDEN 403, NOT_FOUND 404,
            METHOD_NOT_ALLOWED 405, NOT_ACCEPTABLE 406, TIMEOUT 408, CONFLICT 409,
            PAYLOAD_TOO_LARGE 413, UNSUPPORTED_MEDIA_TYPE 415, RATE_LIMIT 429,
            HEADERS_TOO_LARGE 431, INTERNAL_ERROR 500, SERVICE_UNAVAILABLE 503.
        message (str): Human-readable description of what went wrong and how to fix it.
        details (ErrorDetails): Structured context for the error. For validation errors `field` is the path of the bad
            value (`budget.max_tokens`, `page_size`, `X-Request-ID`; for a missing or unknown key, the
            key itself) and `constraint` is the rule it broke (`maximum`, `required`, `enum`,
            `additionalProperties`, `type`, `format`, `pattern`, `reflex_policy`, ...). Other keys
            may be present for specific errors.
        request_id (str): The request's `X-Request-ID`, supplied or generated.
    """

    code: ErrorCode
    message: str
    details: ErrorDetails
    request_id: str

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_details import ErrorDetails  # noqa: PLC0415

        code = self.code.value

        message = self.message

        details = self.details.to_dict()

        request_id = self.request_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "message": message,
                "details": details,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_details import ErrorDetails  # noqa: PLC0415

        d = dict(src_dict)
        code = ErrorCode(d.pop("code"))

        message = d.pop("message")

        details = ErrorDetails.from_dict(d.pop("details"))

        request_id = d.pop("request_id")

        error_body = cls(
            code=code,
            message=message,
            details=details,
            request_id=request_id,
        )

        return error_body
