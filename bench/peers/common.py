"""What the FastAPI and the Starlette peers share: the project's own service wiring, and the
product features that are not the HTTP stack's (request ids, metrics, limits, auth, rate limits).

The point of the peers (issue #8) is that only the HTTP stack differs from our connexion apps:

- **Services**: `wiring()` runs the project's own `create_app` with `build_app` swapped for a
  recorder, so a peer gets exactly the service objects, Prometheus registry and lifespan that
  our app gets (the same Reflex client, engine and worker pool in the Orchestrator; the same
  cache store, detection engine and policy in the Reflex Layer), however that wiring changes.
- **Handlers**: the peers call the project's thin handlers (`handlers/<service>/*.py`), which
  map an operation to one service call and to `(body, status[, headers])`.
- **Middleware that is product, not stack**: the request id and access log, the HTTP metrics,
  the request deadline and the body limit are octollm's own pure-ASGI middlewares, reused
  as they are, in the same order as `octollm.http.app.build_app` puts them.
- **Authentication and rate limits**: the same `Authenticator` (PyJWT, HS256), the same scope
  check and the same `RateLimiter` object (GCRA, in process or Redis) as our app; the
  operation's scopes are read from the spec. What differs is where they are called: a
  FastAPI dependency, a Starlette endpoint wrapper, connexion's security middleware.
- **Validation** is each stack's own: pydantic models (FastAPI), or jsonschema validators
  compiled once from the spec's schemas (Starlette).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import logging
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from unittest import mock

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from octollm.config import Settings
from octollm.contract.bundle import bundle
from octollm.errors import ApiError
from octollm.http import auth, envelope, ratelimit
from octollm.http.app import request_id_rule
from octollm.http.exception_handlers import INTERNAL_MESSAGE
from octollm.http.limits import BodyLimitMiddleware, DeadlineMiddleware
from octollm.http.metrics import HttpMetrics, MetricsMiddleware
from octollm.http.operation_middleware import _accepts
from octollm.http.request_context import RequestContextMiddleware

BASE_PATH = "/api/v1"
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
CACHE_KEY_RE = re.compile(r"[A-Za-z0-9._:-]{1,256}")
IDEMPOTENCY_KEY_RE = re.compile(r"[\x21-\x7E]{1,255}")
log = logging.getLogger("bench.peers")


@dataclasses.dataclass
class Wiring:
    """What our `create_app` hands to `build_app`, plus what `build_app` builds from settings."""

    component: str
    settings: Settings
    services: Mapping[str, Any]
    metrics: HttpMetrics
    lifespan: Any
    authenticator: auth.Authenticator | None
    limiter: ratelimit.RateLimiter | None
    operations: dict[str, Operation]
    spec: dict[str, Any]


def wiring(component: str, settings: Settings | None = None) -> Wiring:
    """The project's own service wiring for `component` (`reflex` or `orchestrator`)."""
    settings = settings or Settings.from_env()
    if component == "reflex":
        from octollm.reflex import app as module
    else:
        from octollm.orchestrator import app as module
    recorded: dict[str, Any] = {}

    def record(**kwargs: Any) -> None:
        recorded.update(kwargs)

    with mock.patch.object(module, "build_app", record):
        module.create_app(settings)
    metrics: HttpMetrics = recorded["metrics"]
    spec = resolved_spec(settings.spec(recorded["spec"]))
    return Wiring(
        component=component,
        settings=settings,
        services=recorded["services"],
        metrics=metrics,
        lifespan=recorded["lifespan"],
        # As build_app does: the same classes, from the same settings.
        authenticator=auth.from_settings(settings),
        limiter=ratelimit.from_settings(settings, registry=metrics.registry),
        operations=operations(spec),
        spec=spec,
    )


def resolved_spec(path: Path) -> dict[str, Any]:
    """The service's spec with the shared components bundled in and every local `$ref` inlined."""
    document = bundle(path)

    def target(ref: str) -> Any:
        node: Any = document
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node

    def inline(node: Any, depth: int = 0) -> Any:
        if depth > 50:
            raise ValueError("recursive $ref")
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                return inline(copy.deepcopy(target(node["$ref"])), depth + 1)
            return {k: inline(v, depth) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v, depth) for v in node]
        return node

    return {**document, "paths": inline(document["paths"])}


@dataclasses.dataclass
class Operation:
    """One operation of the spec, as the peers need it."""

    operation_id: str
    method: str
    path: str  # e.g. /api/v1/tasks/{task_id}
    scopes: list[str] | None  # None: open (security: [])
    parameters: list[dict[str, Any]]
    body_schema: dict[str, Any] | None
    produces: list[str]

    def query(self) -> list[dict[str, Any]]:
        return [p for p in self.parameters if p["in"] == "query"]


def operations(spec: dict[str, Any]) -> dict[str, Operation]:
    found = {}
    for template, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            security = op.get("security", spec.get("security", []))
            scopes = sorted({s for req in security for ss in req.values() for s in ss})
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            successes = (r for status, r in op["responses"].items() if str(status)[0] == "2")
            produces = sorted(
                {m.split(";")[0].strip().lower() for r in successes for m in r.get("content", {})}
            )
            found[op["operationId"]] = Operation(
                operation_id=op["operationId"],
                method=method.upper(),
                path=BASE_PATH + template,
                scopes=scopes if security else None,
                parameters=[*shared, *op.get("parameters", [])],
                body_schema=body.get("schema"),
                produces=produces,
            )
    return found


class Guard:
    """What runs before an operation's validation and handler, in connexion's order:
    routing info, content negotiation, header parameters, security, rate limit.

    The routing info goes where connexion's routing middleware puts it (the scope's
    `connexion_routing` extension), because octollm's metrics middleware and rate limiter
    read the operationId from there.
    """

    def __init__(self, wired: Wiring, operation: Operation) -> None:
        self.operation = operation
        self.routing = {"operation_id": operation.operation_id}
        self.authenticator = wired.authenticator if operation.scopes is not None else None
        self.limiter = wired.limiter
        self.is_valid_id = request_id_rule(wired.settings)

    async def __call__(self, scope: Scope, headers: Mapping[str, str]) -> None:
        scope.setdefault("extensions", {})["connexion_routing"] = self.routing
        accept = headers.get("accept")
        produces = self.operation.produces
        if accept and produces and not _accepts(accept, produces):
            raise ApiError(
                "NOT_ACCEPTABLE",
                f"This resource produces {', '.join(produces)}; "
                f"the Accept header {accept[:100]!r} excludes it",
                {"field": "Accept", "constraint": "media_type", "available": produces},
            )
        if self.authenticator is not None:
            header = headers.get("authorization")
            if not header:
                raise auth.refusal(auth.NO_TOKEN)
            kind, _, token = header.partition(" ")
            if kind.lower() != "bearer" or not token:
                raise auth.refusal("malformed")
            info = self.authenticator.token_info(token)
            auth.validate_scope(self.operation.scopes or [], info["scope"])
            scope[ratelimit.SUBJECT_SCOPE_KEY] = info["sub"]
        if self.limiter is not None:
            decision = await self.limiter.check(scope)
            if decision is not None:
                slot = scope.get(ratelimit.DECISION_SCOPE_KEY)
                if slot is not None:
                    slot["decision"] = decision
                if not decision.allowed:
                    raise self.limiter.refusal(decision)
        # The X-Request-ID header parameter (every operation declares it): a bad one is a 400.
        supplied = headers.get("x-request-id")
        if supplied is not None and not self.is_valid_id(supplied):
            raise ApiError(
                "VALIDATION_ERROR",
                f"X-Request-ID: {supplied[:40]!r} does not match the pattern ^[A-Za-z0-9._:-]+$",
                {"field": "X-Request-ID", "constraint": "pattern"},
            )


def check_task_id(task_id: str) -> None:
    if not UUID_RE.fullmatch(task_id):
        raise ApiError(
            "VALIDATION_ERROR",
            f"task_id: {task_id[:40]!r} is not a valid uuid",
            {"field": "task_id", "constraint": "format"},
        )


def check_cache_key(key: str) -> None:
    if not CACHE_KEY_RE.fullmatch(key):
        raise ApiError(
            "VALIDATION_ERROR",
            f"key: {key[:40]!r} does not match the pattern ^[A-Za-z0-9._:-]+$",
            {"field": "key", "constraint": "pattern"},
        )


def check_query_names(operation: Operation, names: Any) -> None:
    """Strict validation, as ours: an unknown query parameter is a 400."""
    known = [p["name"] for p in operation.query()]
    for name in sorted(set(names) - set(known)):
        raise ApiError(
            "VALIDATION_ERROR",
            f"{name}: unknown query parameter (allowed: {', '.join(known) or 'none'})",
            {"field": name, "constraint": "additionalProperties"},
        )


class ErrorEnvelopeMiddleware:
    """Where connexion's exception middleware sits: an `ApiError` raised by the deadline or
    body-limit middleware (outside the framework's own exception handling) becomes the
    envelope; anything else unexpected becomes a 500 envelope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ApiError as exc:
            if started:
                raise
            await envelope.send(exc, send)
        except Exception:
            if started:
                raise
            log.exception("unhandled error")
            await envelope.send(ApiError("INTERNAL_ERROR", INTERNAL_MESSAGE), send)


def product_middlewares(wired: Wiring) -> list[Callable[[ASGIApp], ASGIApp]]:
    """octollm's own middlewares, outermost first, as `build_app` orders them."""
    settings = wired.settings
    headers = wired.limiter.middlewares()[0] if wired.limiter else []
    return [
        functools.partial(RequestContextMiddleware, is_valid_id=request_id_rule(settings)),
        functools.partial(MetricsMiddleware, metrics=wired.metrics),
        *headers,
        ErrorEnvelopeMiddleware,
        functools.partial(DeadlineMiddleware, seconds=settings.request_timeout_seconds),
        functools.partial(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
    ]


def wrap(app: ASGIApp, wired: Wiring) -> ASGIApp:
    """`app` inside the product middlewares (the first one outermost)."""
    for middleware in reversed(product_middlewares(wired)):
        app = middleware(app)
    return app


def split_result(result: tuple) -> tuple[Any, int, dict[str, str]]:
    """A handler's `(body, status[, headers])`."""
    body, status, *rest = result
    return body, status, (rest[0] if rest else {})
