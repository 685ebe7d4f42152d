"""connexion's AsyncApp, with the per-request work it repeats moved to start-up (connexion 3.3).

connexion 3.3 builds an operation's handler chain again on every request: `AsyncOperation.fn`
is a property that makes a new `StarletteDecorator`, whose parameter and response decorators
then work out the operation's arguments and media types (an `inspect.signature`, a URI parser,
the spec's parameter definitions), each time. All of it depends only on the operation. Here each
operation plans its handler call once (`handler_call.HandlerCall`) and reuses it.

pyproject pins connexion to 3.3.x; tests/http/test_asyncapp.py and test_handler_call.py check
what this relies on.
"""

from __future__ import annotations

import typing as t

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from starlette.types import Receive, Scope, Send

from octollm.http.handler_call import HandlerCall


class PlannedOperation(AsyncOperation):
    """An operation whose handler call is planned when the app is built (so an operation it
    cannot plan fails the start, not a request)."""

    def __init__(self, *args: t.Any, operation: AbstractOperation, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = HandlerCall(
            operation, self._fn, jsonifier=self.jsonifier, pythonic_params=self.pythonic_params
        )

    @classmethod
    def from_operation(  # type: ignore[override]
        cls, operation: AbstractOperation, *, pythonic_params: bool, jsonifier: t.Any
    ) -> PlannedOperation:
        return cls(
            operation.function,
            jsonifier=jsonifier,
            operation_id=operation.operation_id,
            pythonic_params=pythonic_params,
            operation=operation,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.call(scope)
        await response(scope, receive, send)


class _Api(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return PlannedOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


class OctoApp(AsyncApp):
    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._middleware_app.api_cls = _Api  # used by add_api, which comes after


class SpecPagesMiddleware(SwaggerUIMiddleware):
    """connexion's Swagger UI and spec routes, consulted only for their own paths.

    connexion's middleware runs two Starlette routers (and copies the scope) for every request
    just to find that an API call is not one of its pages; here a prefix test does that.
    """

    def __init__(self, app: t.Any, *, prefixes: tuple[str, ...], **kwargs: t.Any) -> None:
        super().__init__(app, **kwargs)
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
