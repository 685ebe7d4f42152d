"""Bare Starlette peers of the Reflex Layer and the Orchestrator (issue #8's harness).

Same routes, status codes and bodies as our connexion apps, for the operations the benchmark
measures (plus health and metrics), through the project's own handlers and services (see
`common.py`). Validation: the spec's schemas (shared components bundled, `$ref`s inlined),
each compiled once into a jsonschema validator by `octollm.http.validation.compiled` (the same
Draft 4 + OpenAPI `nullable` + ECMA-262 `pattern` rules, and the spec's defaults filled in), the
body parsed with the same hostile-JSON rules (duplicate keys, non-finite numbers, depth).

    uvicorn --factory bench.peers.starlette_app:create_reflex
    uvicorn --factory bench.peers.starlette_app:create_orchestrator
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

import handlers.orchestrator.tasks as task_handlers
import handlers.reflex.cache as cache_handlers
import handlers.reflex.checks as check_handlers
import handlers.system as system_handlers
from bench.peers.common import (
    Guard,
    Operation,
    Wiring,
    check_cache_key,
    check_query_names,
    check_task_id,
    split_result,
    wiring,
    wrap,
)
from octollm.errors import ApiError
from octollm.http import envelope, validation

Endpoint = Callable[[Request], Awaitable[Response]]


def parse_body(raw: bytes, max_depth: int) -> Any:
    """The JSON body, refused exactly as our body validator refuses it (the same function)."""
    return validation.decode_json(raw, max_depth=max_depth)


def api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return Response(
        envelope.body(exc),
        status_code=exc.status,
        headers=exc.headers,
        media_type="application/json",
    )


def respond(result: tuple) -> Response:
    body, status, headers = split_result(result)
    if body is None:
        return Response(status_code=status, headers=headers)
    if isinstance(body, str):
        return PlainTextResponse(body, status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


class Api:
    def __init__(self, wired: Wiring) -> None:
        self.wired = wired
        self.routes: dict[str, list[Route]] = {}

    def op(self, operation_id: str) -> Operation:
        return self.wired.operations[operation_id]

    def route(self, operation_id: str, endpoint: Callable[..., Awaitable[Response]]) -> Route:
        operation = self.op(operation_id)
        guard = Guard(self.wired, operation)

        async def guarded(request: Request) -> Response:
            await guard(request.scope, request.headers)
            return await endpoint(request, operation)

        return Route(operation.path, guarded, methods=[operation.method])

    def body(self, operation: Operation) -> Callable[[Request], Awaitable[Any]]:
        schema = operation.body_schema
        assert schema is not None
        validation.compiled(schema, fill_defaults=True)  # compiled now, at start-up
        max_depth = getattr(self.wired.settings, "max_json_depth", 64)

        async def read(request: Request) -> Any:
            content_type = request.headers.get("content-type")
            if content_type and "json" not in content_type.lower():
                raise ApiError(
                    "UNSUPPORTED_MEDIA_TYPE",
                    f"Invalid Content-type ({content_type}), expected JSON data; "
                    "send the body as application/json",
                    {"field": "Content-Type", "constraint": "media_type"},
                )
            raw = await request.body()
            # The same validation as ours: the compiled check, jsonschema for the errors.
            return validation.validated_body(schema, lambda: parse_body(raw, max_depth))

        return read

    def query(self, operation: Operation) -> Callable[[Request], dict[str, Any]]:
        """The query parameters, coerced to their types, validated, defaults filled in."""
        params = []
        for param in operation.query():
            schema = param.get("schema", {})
            validation.compiled(schema)
            params.append((param["name"], schema, schema.get("type"), schema.get("default")))

        def read(request: Request) -> dict[str, Any]:
            query = request.query_params
            check_query_names(operation, query.keys())
            values = {}
            for name, schema, kind, default in params:
                raw = query.get(name)
                if raw is None:
                    values[name] = default
                    continue
                value: Any = raw
                if kind == "integer":
                    try:
                        value = int(raw)
                    except ValueError:
                        raise ApiError(
                            "VALIDATION_ERROR",
                            f"{name}: expected integer, got string {raw[:40]!r}",
                            {"field": name, "constraint": "type"},
                        ) from None
                validation.check(schema, value, name)
                values[name] = value
            return values

        return read


def _health_routes(api: Api) -> list[Route]:
    system = api.wired.services["system"]

    async def health(request: Request, _op: Operation) -> Response:
        return respond(await system_handlers.health(system))

    async def metrics(request: Request, _op: Operation) -> Response:
        return respond(await system_handlers.metrics(system))

    return [api.route("system.health", health), api.route("system.metrics", metrics)]


def _app(wired: Wiring, routes: list[Route]) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with wired.lifespan(app):
            yield

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={ApiError: api_error})
    return wrap(app, wired)


def create_reflex() -> Any:
    wired = wiring("reflex")
    api = Api(wired)
    checks, cache = wired.services["checks"], wired.services["cache"]
    check_body = api.body(api.op("checks.run"))
    put_body = api.body(api.op("cache.put"))

    async def run_check(request: Request, _op: Operation) -> Response:
        return respond(await check_handlers.run(checks, await check_body(request)))

    async def put(request: Request, _op: Operation) -> Response:
        return respond(await cache_handlers.put(cache, await put_body(request)))

    async def get(request: Request, _op: Operation) -> Response:
        key = request.path_params["key"]
        check_cache_key(key)
        return respond(await cache_handlers.get(cache, key))

    async def delete(request: Request, _op: Operation) -> Response:
        key = request.path_params["key"]
        check_cache_key(key)
        return respond(await cache_handlers.delete(cache, key))

    routes = [
        api.route("checks.run", run_check),
        api.route("cache.put", put),
        api.route("cache.get", get),
        api.route("cache.delete", delete),
        *_health_routes(api),
    ]
    return _app(wired, routes)


def create_orchestrator() -> Any:
    wired = wiring("orchestrator")
    api = Api(wired)
    tasks = wired.services["tasks"]
    create_body = api.body(api.op("tasks.create"))
    idempotency_schema = next(
        p["schema"] for p in api.op("tasks.create").parameters if p["name"] == "Idempotency-Key"
    )
    list_query = api.query(api.op("tasks.list"))

    async def create(request: Request, _op: Operation) -> Response:
        key = request.headers.get("idempotency-key")
        if key is not None:
            validation.check(idempotency_schema, key, "Idempotency-Key")
        return respond(await task_handlers.create(tasks, await create_body(request), key))

    async def list_tasks(request: Request, _op: Operation) -> Response:
        return respond(await task_handlers.list(tasks, **list_query(request)))

    async def get(request: Request, _op: Operation) -> Response:
        task_id = request.path_params["task_id"]
        check_task_id(task_id)
        return respond(await task_handlers.get(tasks, task_id))

    async def cancel(request: Request, _op: Operation) -> Response:
        task_id = request.path_params["task_id"]
        check_task_id(task_id)
        return respond(await task_handlers.cancel(tasks, task_id))

    routes = [
        api.route("tasks.create", create),
        api.route("tasks.list", list_tasks),
        api.route("tasks.get", get),
        api.route("tasks.cancel", cancel),
        *_health_routes(api),
    ]
    return _app(wired, routes)
