"""Per-operation middleware driven by the spec: content negotiation."""

from __future__ import annotations

from typing import Any

from connexion.middleware.abstract import RoutedAPI, RoutedMiddleware
from connexion.operations import AbstractOperation
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from octollm.errors import ApiError


def _accepts(accept: str, produces: list[str]) -> bool:
    """Whether an Accept header admits one of the media types the operation produces."""
    for media_range in accept.split(","):
        kind, *params = (part.strip() for part in media_range.split(";"))
        if any(p.replace(" ", "") in {"q=0", "q=0.0", "q=0.00", "q=0.000"} for p in params):
            continue
        kind = kind.lower()
        for produced in produces:
            main, _, _sub = produced.partition("/")
            if kind in {"*/*", "*", produced, f"{main}/*"}:
                return True
    return False


class _Negotiation:
    def __init__(self, next_app: ASGIApp, *, operation: AbstractOperation) -> None:
        self.next_app = next_app
        # What the operation answers with on success; errors are always the JSON envelope.
        successes = (r for status, r in operation.responses.items() if str(status)[0] == "2")
        media_types = {
            m.split(";")[0].strip().lower() for r in successes for m in r.get("content", {})
        }
        self.produces = sorted(media_types)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = Headers(scope=scope).get("accept")
        if accept and self.produces and not _accepts(accept, self.produces):
            raise ApiError(
                "NOT_ACCEPTABLE",
                f"This resource produces {', '.join(self.produces)}; "
                f"the Accept header {accept[:100]!r} excludes it",
                {"field": "Accept", "constraint": "media_type", "available": self.produces},
            )
        await self.next_app(scope, receive, send)


class _NegotiationAPI(RoutedAPI[_Negotiation]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_paths()

    def make_operation(self, operation: AbstractOperation) -> _Negotiation:
        return _Negotiation(self.next_app, operation=operation)


class NegotiationMiddleware(RoutedMiddleware[_NegotiationAPI]):
    """406 NOT_ACCEPTABLE when Accept excludes every media type the operation produces."""

    api_cls = _NegotiationAPI


def argument_name(header: str) -> str:
    """The argument a handler takes a header parameter by: `Idempotency-Key` ->
    `idempotency_key` (octollm.http.handler_call passes it)."""
    return header.lower().replace("-", "_")
