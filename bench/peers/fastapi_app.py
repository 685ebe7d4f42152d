"""FastAPI peers of the Reflex Layer and the Orchestrator (issue #8's harness).

Same routes, status codes and bodies as our connexion apps, for the operations the benchmark
measures (plus health and metrics), through the project's own handlers and services (see
`common.py`). Validation is FastAPI's own: pydantic models mirroring the spec's request
schemas (strict types, unknown keys refused, the same bounds, patterns and defaults), path,
query and header parameters declared with the same constraints. A validation failure is the
same 400 envelope (field and JSON Schema keyword mapped from pydantic's error).

Handlers return a `JSONResponse` themselves (no `response_model`, no `jsonable_encoder` pass):
our apps run with response validation off, as in production, and this is the fast FastAPI.

    uvicorn --factory bench.peers.fastapi_app:create_reflex
    uvicorn --factory bench.peers.fastapi_app:create_orchestrator
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

import handlers.orchestrator.tasks as task_handlers
import handlers.reflex.cache as cache_handlers
import handlers.reflex.checks as check_handlers
import handlers.system as system_handlers
from bench.peers.common import (
    UUID_RE,
    Guard,
    Wiring,
    check_query_names,
    wiring,
    wrap,
)
from bench.peers.starlette_app import api_error, respond
from octollm.errors import ApiError

# --- the spec's request schemas (specs/reflex.yaml, specs/orchestrator.yaml) -----------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CheckRequest(Strict):
    text: Annotated[str, Field(min_length=1, max_length=100_000)]
    check_pii: bool = True
    check_injection: bool = True
    use_cache: bool = True
    redact: bool = False


CacheKey = Annotated[str, Field(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9._:-]+$")]


class CacheEntryCreate(Strict):
    key: CacheKey
    value: Any
    ttl_seconds: Annotated[int, Field(ge=1, le=2_592_000)] = 3600


class TaskBudget(Strict):
    max_tokens: Annotated[int, Field(ge=1, le=100_000)] = 10_000
    max_time_seconds: Annotated[int, Field(ge=1, le=3600)] = 300
    max_cost_usd: Annotated[float, Field(ge=0, le=100)] = 1.0


Capability = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
Priority = Literal["low", "medium", "high", "critical"]
TaskStatus = Literal["pending", "processing", "completed", "failed", "cancelled"]


class TaskCreate(Strict):
    goal: Annotated[str, Field(min_length=1, max_length=10_000, pattern=r"\S")]
    constraints: Annotated[dict[str, Any], Field(max_length=100)] = Field(default_factory=dict)
    context: Annotated[str, Field(max_length=50_000)] = ""
    acceptance_criteria: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=2000)]], Field(max_length=100)
    ] = Field(default_factory=list)
    budget: TaskBudget = Field(default_factory=TaskBudget)
    priority: Priority = "medium"
    metadata: Annotated[dict[str, Any], Field(max_length=100)] = Field(default_factory=dict)
    required_capabilities: Annotated[list[Capability], Field(min_length=1, max_length=20)] = Field(
        default_factory=lambda: ["general"]
    )
    use_cache: bool = True

    @field_validator("required_capabilities")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("items must be unique")
        return value


# --- pydantic's errors as the envelope -------------------------------------------------------

CONSTRAINTS = {
    "missing": "required",
    "extra_forbidden": "additionalProperties",
    "string_too_short": "minLength",
    "string_too_long": "maxLength",
    "string_pattern_mismatch": "pattern",
    "greater_than_equal": "minimum",
    "greater_than": "minimum",
    "less_than_equal": "maximum",
    "less_than": "maximum",
    "literal_error": "enum",
    "too_short": "minItems",
    "too_long": "maxItems",
    "json_invalid": "json",
    "value_error": "uniqueItems",
}


def _field(loc: tuple[Any, ...]) -> str:
    field = ""
    for part in loc[1:]:  # loc[0] is body, query, path or header
        field = (
            f"{field}[{part}]"
            if isinstance(part, int)
            else (f"{field}.{part}" if field else str(part))
        )
    return field or "body"


def validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0]
    kind = first.get("type", "")
    constraint = CONSTRAINTS.get(kind, "type" if kind.endswith("_type") else kind)
    field = _field(tuple(first.get("loc", ())))
    error = ApiError(
        "VALIDATION_ERROR",
        f"{field}: {first.get('msg', 'invalid')}",
        {"field": field, "constraint": constraint},
    )
    return api_error(_request, error)


# --- the apps -------------------------------------------------------------------------------


def guard(wired: Wiring, operation_id: str) -> Any:
    """The operation's guard (auth, rate limit, negotiation) as a FastAPI dependency."""
    check = Guard(wired, wired.operations[operation_id])

    async def dependency(request: Request) -> None:
        await check(request.scope, request.headers)

    return Depends(dependency)


def _app(wired: Wiring) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with wired.lifespan(app):
            yield

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    system = wired.services["system"]

    @app.get("/api/v1/health", dependencies=[guard(wired, "system.health")])
    async def health() -> Response:
        return respond(await system_handlers.health(system))

    @app.get("/api/v1/metrics", dependencies=[guard(wired, "system.metrics")])
    async def metrics() -> Response:
        return respond(await system_handlers.metrics(system))

    return app


def create_reflex() -> Any:
    wired = wiring("reflex")
    app = _app(wired)
    checks, cache = wired.services["checks"], wired.services["cache"]

    @app.post("/api/v1/check", dependencies=[guard(wired, "checks.run")])
    async def run_check(body: CheckRequest) -> Response:
        return respond(await check_handlers.run(checks, body.model_dump()))

    @app.post("/api/v1/cache", dependencies=[guard(wired, "cache.put")])
    async def put(body: CacheEntryCreate) -> Response:
        return respond(await cache_handlers.put(cache, body.model_dump()))

    @app.get("/api/v1/cache/{key}", dependencies=[guard(wired, "cache.get")])
    async def get(
        key: Annotated[str, Path(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9._:-]+$")],
    ) -> Response:
        return respond(await cache_handlers.get(cache, key))

    @app.delete("/api/v1/cache/{key}", dependencies=[guard(wired, "cache.delete")])
    async def delete(
        key: Annotated[str, Path(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9._:-]+$")],
    ) -> Response:
        return respond(await cache_handlers.delete(cache, key))

    return wrap(app, wired)


TaskId = Annotated[str, Path(pattern="^" + UUID_RE.pattern + "$")]


def create_orchestrator() -> Any:
    wired = wiring("orchestrator")
    app = _app(wired)
    tasks = wired.services["tasks"]
    list_operation = wired.operations["tasks.list"]

    @app.post("/api/v1/tasks", dependencies=[guard(wired, "tasks.create")])
    async def create(
        body: TaskCreate,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[\x21-\x7E]+$"
            ),
        ] = None,
    ) -> Response:
        return respond(await task_handlers.create(tasks, body.model_dump(), idempotency_key))

    @app.get("/api/v1/tasks", dependencies=[guard(wired, "tasks.list")])
    async def list_tasks(
        request: Request,
        page: Annotated[int, Query(ge=1)] = 1,
        page_size: Annotated[int, Query(ge=1, le=100)] = 50,
        sort_by: Literal["created_at", "updated_at", "priority", "status"] = "created_at",
        order: Literal["asc", "desc"] = "desc",
        status: TaskStatus | None = None,
        priority: Priority | None = None,
    ) -> Response:
        check_query_names(list_operation, request.query_params.keys())
        return respond(
            await task_handlers.list(tasks, page, page_size, sort_by, order, status, priority)
        )

    @app.get("/api/v1/tasks/{task_id}", dependencies=[guard(wired, "tasks.get")])
    async def get(task_id: TaskId) -> Response:
        return respond(await task_handlers.get(tasks, task_id))

    @app.delete("/api/v1/tasks/{task_id}", dependencies=[guard(wired, "tasks.cancel")])
    async def cancel(task_id: TaskId) -> Response:
        return respond(await task_handlers.cancel(tasks, task_id))

    return wrap(app, wired)


__all__ = ["create_orchestrator", "create_reflex"]
