"""Request limits: the request head's size (431), the body's size (413), how long the client
may take to send its request (408) and the request deadline (408).

The middlewares sit just inside connexion's exception middleware, so the `ApiError`s raised
here become envelopes there; they hold under any ASGI server. `GuardedHttpToolsProtocol` is
what `octollm serve` adds below the app, where uvicorn sets no bound: a head that never ends
(or grows without end) and a connection that never sends a request.
"""

from __future__ import annotations

import asyncio
import contextvars
import http
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from octollm.errors import ApiError
from octollm.http import envelope, request_id

logger = logging.getLogger(__name__)


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
            async with asyncio.timeout(self.seconds):  # no task per request, unlike wait_for
                await self.app(scope, receive, tracking_send)
        except TimeoutError:
            if started:
                raise
            raise ApiError(
                "TIMEOUT",
                f"The request did not complete within {self.seconds:g} seconds",
                {"constraint": "request_timeout", "deadline_seconds": self.seconds},
            ) from None


# --- the request head and the time to send the request ---------------------------------------


def head_size(scope: Scope) -> int:
    """Bytes of the request target and of every header's name and value."""
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"])
    return target + sum(len(name) + len(value) for name, value in scope["headers"])


def _head_too_large(limit: int) -> ApiError:
    return ApiError(
        "HEADERS_TOO_LARGE",
        f"The request's target and header fields exceed the limit of {limit} bytes",
        {"field": "headers", "constraint": "max_header_bytes", "limit": limit},
        headers={"Connection": "close"},
    )


def _read_timeout(seconds: float) -> ApiError:
    return ApiError(
        "TIMEOUT",
        f"The request was not received within {seconds:g} seconds",
        {"constraint": "request_read_timeout", "read_timeout_seconds": seconds},
        headers={"Connection": "close"},  # the rest of a trickled body is not waited for
    )


class HeaderLimitMiddleware:
    """Refuses a request whose target and headers (`head_size`) are over `max_bytes`."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and head_size(scope) > self.max_bytes:
            raise _head_too_large(self.max_bytes)
        await self.app(scope, receive, send)


class ReadTimeoutMiddleware:
    """Answers 408 when the body is not in within `seconds` of the request's head (a client
    trickling its body holds a connection and a task for as long as it likes otherwise)."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.seconds
        complete = False

        async def timed_receive() -> Message:
            nonlocal complete
            if complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _read_timeout(self.seconds) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, timed_receive, send)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the bounds it lacks (uvicorn 0.54, httptools 0.9):

    - a request head is read in at most `read_timeout_seconds` (uvicorn waits forever for the
      end of a head: slowloris), else 408 in the envelope and the connection is closed;
    - a body too (the app's `ReadTimeoutMiddleware` answers 408; the connection closes after);
    - a new connection must send a request within `read_timeout_seconds` (uvicorn's
      keep-alive timeout only starts after a first response), else it is closed;
    - a request head still unfinished past `max_head_bytes` + `HEAD_SLACK` bytes is refused
      with 431 in the envelope (httptools buffers a head of any size). Below that the app's
      `HeaderLimitMiddleware` applies the exact limit;
    - a request httptools cannot parse is answered 400 in the envelope (uvicorn answers a
      text/plain 400).

    Subclasses made by `guarded_protocol` set the two limits.
    """

    HEAD_SLACK = 64 * 1024  # what one read may add to a head: the app counts exactly
    LINGER_SECONDS = 1.0  # after a refusal, what the client still sends is read and dropped
    max_head_bytes = 16 * 1024
    read_timeout_seconds = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._phase = "idle"  # idle (between requests), head, body
        self._head_bytes = 0
        self._read_timer: asyncio.TimerHandle | None = None
        self._refused = False
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        if self._phase == "head" and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes + self.HEAD_SLACK:
                self._refuse(_head_too_large(self.max_head_bytes), "request head too large")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._phase, self._head_bytes = "head", 0
        self._arm()

    def on_headers_complete(self) -> None:
        self._phase = "body"
        self._arm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._phase = "idle"
        self._disarm()  # the app has the whole request; the deadline middleware takes over

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._phase == "idle" and not self.transport.is_closing():
            self._arm()  # the next request must come within the read timeout too

    def _arm(self) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(self.read_timeout_seconds, self._read_timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if self._phase == "head":
            self._refuse(_read_timeout(self.read_timeout_seconds), "request head too slow")
        elif self._phase == "body" and cycle is not None and not cycle.response_complete:
            cycle.keep_alive = False  # the app answers (408 once it waits for the body), then
        elif cycle is None or cycle.response_complete:  # the connection closes
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """What httptools cannot parse (NUL or CR in a header, a bad Content-Length, chunked
        garbage, non-ASCII in the target, ...): the envelope, not uvicorn's text/plain 400."""
        cycle = self.cycle
        in_flight = cycle is not None and not cycle.response_complete
        if in_flight and (cycle.response_started or not cycle.more_body):
            # Garbage after a request still being answered: that answer goes out, then the
            # connection closes; the garbage is dropped.
            cycle.keep_alive = False
            self._refused = True
            return
        error = ApiError(
            "VALIDATION_ERROR",
            "The request is not valid HTTP/1.1",
            {"constraint": "http"},
        )
        self._refuse(error, "invalid HTTP")

    def _refuse(self, error: ApiError, reason: str) -> None:
        """Answer `error` in the envelope with a fresh request id, and close the connection."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the app's own answer, if any, is dropped
            cycle.message_event.set()
        rid = request_id.generate()

        def render() -> bytes:
            request_id.set_current(rid)  # in a copied context: the log line carries the id
            logger.warning("%s: %s (client %s)", reason, error.message, self.client)
            return envelope.body(error)

        payload = contextvars.copy_context().run(render)
        head: list[tuple[bytes, bytes]] = [
            *self.server_state.default_headers,
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"connection", b"close"),
            (b"x-request-id", rid.encode()),
        ]
        status = f"HTTP/1.1 {error.status} {http.HTTPStatus(error.status).phrase}\r\n"
        lines = b"".join(name + b": " + value + b"\r\n" for name, value in head)
        self.transport.write(status.encode() + lines + b"\r\n" + payload)
        self._disarm()
        # Closing at once with the client's unread bytes in the socket would send a reset,
        # which can destroy the answer before the client reads it: half-close, drain, close.
        self._refused = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(self.LINGER_SECONDS, self.transport.close)


def guarded_protocol(
    *, max_head_bytes: int, read_timeout_seconds: float
) -> type[GuardedHttpToolsProtocol]:
    """The protocol class `octollm serve` gives uvicorn (`uvicorn.Config(http=...)`)."""
    return type(
        "GuardedHttpToolsProtocol",
        (GuardedHttpToolsProtocol,),
        {"max_head_bytes": max_head_bytes, "read_timeout_seconds": read_timeout_seconds},
    )
