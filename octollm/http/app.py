"""Building a connexion app from a spec: the one recipe both services share.

The middleware stack, outermost first:
request context (id, access log) -> metrics -> [rate limit headers] -> connexion's exception
handling -> header limit -> deadline -> read timeout -> body limit -> Swagger UI -> routing ->
content negotiation -> [rate limit] -> security -> request validation ->
response validation -> lifespan -> context -> handler. The bracketed ones are there when
`OCTOLLM_RATE_LIMITS` is on.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import Lifespan, LifespanMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.routing import compile_path

from octollm.clock import Clock
from octollm.config import Settings
from octollm.http import auth, exception_handlers, ratelimit, validation
from octollm.http.asyncapp import OctoApp, SpecPagesMiddleware
from octollm.http.jsonifier import PrebuiltJsonifier
from octollm.http.limits import (
    BodyLimitMiddleware,
    DeadlineMiddleware,
    HeaderLimitMiddleware,
    ReadTimeoutMiddleware,
)
from octollm.http.metrics import HttpMetrics, MetricsMiddleware
from octollm.http.operation_middleware import NegotiationMiddleware
from octollm.http.request_context import RequestContextMiddleware
from octollm.http.request_validation import PlannedRequestValidationMiddleware
from octollm.http.routing import TableRoutingMiddleware
from octollm.http.uri_parsing import StrictURIParser

BASE_PATH = "/api/v1"
SWAGGER_UI_PATH = "/ui"  # the Swagger UI, under BASE_PATH beside the spec (openapi.json)
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def handler_resolver(component: str, services: Mapping[str, object]) -> Resolver:
    """`tasks.create` -> `handlers.<component>.tasks.create`, bound to the `tasks` service."""

    def resolve(operation_id: str) -> Callable[..., Any]:
        resource, _, verb = operation_id.partition(".")
        module = importlib.import_module(f"handlers.{component}.{resource}")
        return functools.partial(getattr(module, verb), services[resource])

    return Resolver(resolve)


def load_yaml(path: Path) -> dict[str, Any]:
    """A spec file, parsed once per version of the file (libyaml's parser when present).

    The result is shared: read it, never change it.
    """
    path = Path(path).resolve()
    return _parsed(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _parsed(path: Path, _mtime_ns: int) -> dict[str, Any]:
    with path.open() as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def request_id_rule(settings: Settings) -> Callable[[str], bool]:
    """The `X-Request-ID` rule, read from the `RequestId` parameter of common.yaml."""
    schema = load_yaml(settings.spec("common"))["components"]["parameters"]["RequestId"]["schema"]
    validator = validation.compiled(schema)
    return lambda value: bool(value) and validator.is_valid(value)


def method_index(spec_path: Path) -> Callable[[str], list[str]]:
    """A request path's methods as the spec lists them (HEAD wherever GET is), for `Allow`."""
    routes = []
    for template, item in load_yaml(spec_path)["paths"].items():
        methods = sorted(m.upper() for m in item if m in HTTP_METHODS)
        if "GET" in methods:
            methods = sorted([*methods, "HEAD"])
        routes.append((compile_path(BASE_PATH + template)[0], methods))

    def allowed(path: str) -> list[str]:
        return next((methods for regex, methods in routes if regex.match(path)), [])

    return allowed


def frozen_after_start(lifespan: Lifespan | None) -> Lifespan:
    """`lifespan`, and once the app has started, everything it has built moved out of the
    garbage collector's reach (`gc.freeze`): the specs, schemas, compiled checks and rules
    live as long as the process, and a full collection walked them all (~80 000 objects, about
    20 ms with every request waiting: the slow tail of the latencies). No collection first:
    what start-up left unreachable is a few thousand objects, and a full collection per app
    start cost the test suite 15% more time. Unfrozen at shutdown, so that a process that builds
    many apps (the tests) can free them."""

    @contextlib.asynccontextmanager
    async def frozen(app: Any) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if lifespan is not None:
                await stack.enter_async_context(lifespan(app))
            gc.freeze()
            try:
                yield
            finally:
                gc.unfreeze()

    return frozen


def build_app(
    *,
    component: str,
    spec: str,
    settings: Settings,
    services: Mapping[str, object],
    metrics: HttpMetrics,
    lifespan: Lifespan | None = None,
    clock: Clock | None = None,
) -> OctoApp:
    authenticator = auth.from_settings(settings)  # raises on a bad configuration
    limiter = ratelimit.from_settings(
        settings,
        registry=metrics.registry,
        clock=clock,
        subject_of=authenticator.subject if authenticator else None,
    )
    rate_limit_headers, rate_limit = limiter.middlewares() if limiter else ([], [])
    middlewares = [
        functools.partial(RequestContextMiddleware, is_valid_id=request_id_rule(settings)),
        functools.partial(MetricsMiddleware, metrics=metrics),
        *rate_limit_headers,
        ExceptionMiddleware,
        functools.partial(HeaderLimitMiddleware, max_bytes=settings.max_header_bytes),
        functools.partial(DeadlineMiddleware, seconds=settings.request_timeout_seconds),
        functools.partial(ReadTimeoutMiddleware, seconds=settings.request_read_timeout_seconds),
        functools.partial(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
        functools.partial(
            SpecPagesMiddleware, prefixes=(BASE_PATH + SWAGGER_UI_PATH, f"{BASE_PATH}/openapi.json")
        ),
        TableRoutingMiddleware,
        NegotiationMiddleware,
        *rate_limit,
        SecurityMiddleware,
        PlannedRequestValidationMiddleware,
        ResponseValidationMiddleware,
        LifespanMiddleware,
        ContextMiddleware,
    ]
    if authenticator is None:  # auth off: the specs' `security` is declared, not enforced
        middlewares.remove(SecurityMiddleware)
    if not settings.validate_responses:  # off in production: then it would only pass through
        middlewares.remove(ResponseValidationMiddleware)
    app = OctoApp(
        f"octollm.{component}",
        lifespan=frozen_after_start(lifespan),
        middlewares=middlewares,
        specification_dir=settings.specs_dir,
        strict_validation=True,
        validate_responses=settings.validate_responses,
        validator_map=validation.validators(max_json_depth=settings.max_json_depth),
        jsonifier=PrebuiltJsonifier(),
        uri_parser_class=StrictURIParser,
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path=SWAGGER_UI_PATH),
    )
    app.add_api(
        settings.spec(spec),
        base_path=BASE_PATH,
        resolver=handler_resolver(component, services),
        security_map=auth.security_map(authenticator) if authenticator else None,
    )
    for exc_class, handler in exception_handlers.handlers(method_index(settings.spec(spec))):
        app.add_error_handler(exc_class, handler)
    return app
