"""Request limits: the body size (413) and the request deadline (408).

Both sit just inside connexion's exception middleware, so the `ApiError`s raised here become
envelopes there.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from octollm.errors import ApiError


def _too_large(limit: int) -> ApiError:
    return ApiError(
        "PAYLOAD_TOO_LARGE",
        f"The request body exceeds the limit of {limit} bytes",
        {"field": "body", "constraint": "max_body_bytes", "limit": limit},
    )


class BodyLimitMiddleware:
    """Refuses a body over `max_bytes`: at once when Content-Length says so, else while reading."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                raise ApiError(
                    "VALIDATION_ERROR",
                    "Content-Length is not a number",
                    {"field": "Content-Length", "constraint": "type"},
                ) from None
            if length > self.max_bytes:
                raise _too_large(self.max_bytes)
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _too_large(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)


class DeadlineMiddleware:
    """Answers 408 TIMEOUT when a request outlives `seconds` before its response has started."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, receive, tracking_send), self.seconds)
        except TimeoutError:
            if started:
                raise
            raise ApiError(
                "TIMEOUT",
                f"The request did not complete within {self.seconds:g} seconds",
                {"constraint": "request_timeout", "deadline_seconds": self.seconds},
            ) from None
