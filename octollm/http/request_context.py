"""Outermost middleware: the request id, the access log, and the last line of defence.

Takes `X-Request-ID` from the request when it is valid (the rule is the `RequestId` parameter
of specs/common.yaml), generates one otherwise, echoes it on every response, and makes it
available to logging and outgoing calls. An exception that escapes everything inside becomes
a 500 envelope here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from octollm.errors import ApiError
from octollm.http import envelope, request_id
from octollm.http.exception_handlers import INTERNAL_MESSAGE

logger = logging.getLogger("octollm.access")
HEADER = b"x-request-id"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, is_valid_id: Callable[[str], bool]) -> None:
        self.app = app
        self.is_valid_id = is_valid_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = dict(scope["headers"]).get(HEADER, b"").decode("latin-1")
        rid = supplied if self.is_valid_id(supplied) else request_id.generate()
        request_id.set_current(rid)
        scope.setdefault("extensions", {})
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                headers.append((HEADER, rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error outside the exception handlers")
            if status == 0:
                status = 500
                await envelope.send(ApiError("INTERNAL_ERROR", INTERNAL_MESSAGE), send_with_id)
        finally:
            logger.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )
