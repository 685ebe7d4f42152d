"""The one exception type below the handlers, and the one table of error code <-> HTTP status.

The table mirrors the `ErrorCode` schema in `specs/common.yaml`; a test keeps the two equal.
"""

from __future__ import annotations

from typing import Any

STATUS_BY_CODE: dict[str, int] = {
    "VALIDATION_ERROR": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "NOT_ACCEPTABLE": 406,
    "TIMEOUT": 408,
    "CONFLICT": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "RATE_LIMIT": 429,
    "HEADERS_TOO_LARGE": 431,
    "INTERNAL_ERROR": 500,
    "SERVICE_UNAVAILABLE": 503,
}
CODE_BY_STATUS: dict[int, str] = {status: code for code, status in STATUS_BY_CODE.items()}


class ApiError(Exception):
    """An error that reaches the client as the shared envelope."""

    def __init__(
        self,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if code not in STATUS_BY_CODE:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}

    @property
    def status(self) -> int:
        return STATUS_BY_CODE[self.code]

    @classmethod
    def for_status(
        cls, status: int, message: str, details: dict[str, Any] | None = None
    ) -> ApiError:
        """The error for an HTTP status; statuses without a code of their own are internal."""
        return cls(CODE_BY_STATUS.get(status, "INTERNAL_ERROR"), message, details)

    def __repr__(self) -> str:
        return f"ApiError({self.code}, {self.message!r}, {self.details!r})"


def not_found(what: str, ident: str) -> ApiError:
    return ApiError("NOT_FOUND", f"{what} {ident!r} was not found", {"resource": what.lower()})


def unavailable(dependency: str, message: str) -> ApiError:
    return ApiError("SERVICE_UNAVAILABLE", message, {"dependency": dependency})
