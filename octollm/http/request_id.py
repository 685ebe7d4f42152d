"""The current request's id, readable anywhere below the middleware that sets it."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("octollm_request_id", default="-")


def current() -> str:
    """The id of the request being served, or `-` outside a request."""
    return _current.get()


def set_current(request_id: str) -> None:
    _current.set(request_id)


def generate() -> str:
    return str(uuid.uuid4())
