"""connexion's AsyncApp, with the per-request work it repeats moved to start-up (connexion 3.3).

connexion 3.3 builds an operation's handler chain again on every request: `AsyncOperation.fn`
is a property that makes a new `StarletteDecorator`, whose wrapper then decorates the handler
(parameter and response handling, an `inspect.signature` of it) and builds a URI parser from the
operation's parameters, each time. All of it depends only on the operation, which is fixed per
route, and none of it keeps per-request state (the request comes from connexion's context
variables). Here each operation builds them once, at its first request, and reuses them; and
its parameter decorator skips the body and form parsing a JSON API's handler does not need.

pyproject pins connexion to 3.3.x; tests/http/test_asyncapp.py checks what this relies on.
"""

from __future__ import annotations

import functools
import inspect
import typing as t

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
    AsyncParameterDecorator,
    inspect_function_arguments,
    prep_kwargs,
    unwrap_decorators,
)
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from starlette.types import Receive, Scope, Send


class _JsonParameters(AsyncParameterDecorator):
    """connexion's parameter decorator for a JSON-only API: the body is read only when the
    handler takes it, and forms are never parsed (the specs accept `application/json` bodies
    only, so request validation has refused any other before the handler is reached)."""

    def __call__(self, function: t.Callable) -> t.Callable:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        takes_body = has_kwargs or "body" in arguments

        @functools.wraps(function)
        async def wrapper(request: t.Any) -> t.Any:
            body = None
            if takes_body:
                body = self._maybe_get_body(request, arguments=arguments, has_kwargs=has_kwargs)
                while inspect.isawaitable(body):
                    body = await body
            kwargs = prep_kwargs(
                request,
                request_body=body,
                files={},
                arguments=arguments,
                has_kwargs=has_kwargs,
                sanitize=self.sanitize_fn,
            )
            return await function(**kwargs)

        return wrapper


class _DecorateOnce(StarletteDecorator):
    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _JsonParameters

    @functools.cached_property
    def _uri_parser(self) -> t.Any:
        return self.uri_parser  # a property of the current operation: the same for every call

    def __call__(self, function: t.Callable) -> t.Callable:
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            request = self.framework.get_request(
                uri_parser=self._uri_parser, scope=scope, receive=receive
            )
            return await decorated(request)

        return wrapper


class DecoratedOnce(AsyncOperation):
    @functools.cached_property
    def fn(self) -> t.Callable:  # type: ignore[override]
        return _DecorateOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(
            self._fn
        )


class _Api(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return DecoratedOnce.from_operation(
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
