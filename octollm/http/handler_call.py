"""An operation's handler call, planned once from the spec (connexion 3.3's decorators, lean).

connexion 3.3 calls a handler through its parameter and response decorators, which work the
operation out again on every request: which path, query and body values the handler takes and
how to convert them, which content type the response has. All of that is fixed per operation.
`HandlerCall` plans it once and keeps connexion's rules:

- path and query values are converted as connexion converts them (its `coerce_type` and
  `_get_val_from_param`); query parameters the request leaves out get the spec's `default`;
  only arguments the handler declares are passed (all of them when it takes `**kwargs`);
- the body is the one request validation decoded, filled with the spec's defaults and
  validated (`BODY_KEY` in the scope: `validation.SpecJSONBodyValidator` puts it there), or
  the body schema's default when there is none;
- header parameters the handler declares are passed by their snake_case name
  (`Idempotency-Key` -> `idempotency_key`; None when absent): connexion passes none;
- connexion's context (`connexion_context`: the security result) is passed by name, as
  connexion passes it;
- the handler returns a Starlette or connexion response, a body, or `(body, status)`,
  `(body, headers)`, `(body, status, headers)`; the content type is the one the handler names
  (it must be one the operation produces), else the operation's only one, else inferred as
  connexion infers it; JSON bodies are serialised by the app's jsonifier.

pyproject pins connexion to 3.3.x; tests/http/test_handler_call.py checks these rules against
connexion's own decorators.
"""

from __future__ import annotations

import asyncio
import collections.abc
import copy
import types
import typing as t

from connexion import utils
from connexion.datastructures import NoContent
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    _get_val_from_param,
    inspect_function_arguments,
    pythonic,
    sanitized,
    unwrap_decorators,
)
from connexion.decorators.response import BaseResponseDecorator
from connexion.exceptions import NonConformingResponseHeaders
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.jsonifier import Jsonifier
from connexion.lifecycle import ConnexionResponse
from connexion.operations import AbstractOperation
from connexion.uri_parsing import AbstractURIParser
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.types import Scope

from octollm.http.operation_middleware import argument_name

BODY_KEY = "octollm.body"  # the validated JSON body, in the ASGI scope
QUERY_KEY = "octollm.query"  # the query parameters as connexion's URI parser resolves them
_NO_BODY = object()


def resolved_query(scope: Scope, uri_parser: AbstractURIParser) -> dict[str, t.Any]:
    """The request's query parameters, resolved once per request (validation and the handler
    call both read them): each name's values split, de-duplicated and coerced per the spec."""
    query = scope.get(QUERY_KEY)
    if query is None:
        query = {}
        if scope.get("query_string"):
            args = QueryParams(scope["query_string"])
            query = uri_parser.resolve_query({k: args.getlist(k) for k in args})
        scope[QUERY_KEY] = query
    return query


def _converter(param: dict) -> t.Callable[[t.Any], t.Any] | None:
    """How connexion converts a parameter's value for the handler; None: it keeps it as is."""
    schema = param.get("schema", param)
    plain = schema.get("type") == "string" and schema.get("format") != "binary"
    if plain and not utils.is_nullable(schema):
        return None  # str(value) of a string
    return lambda value: _get_val_from_param(value, param)


def _routed(param: dict, uri_parser: AbstractURIParser) -> t.Callable[[t.Any], t.Any]:
    """connexion's URI parser's reading of one routed path value: split per the parameter's
    style when it is an array, then coerced (a failure leaves it to validation)."""
    name = param["name"]
    return lambda value: uri_parser.resolve_path({name: value})[name]


class HandlerCall:
    """Calls `function` for one operation: keyword arguments in, a Starlette response out."""

    def __init__(
        self,
        operation: AbstractOperation,
        function: t.Callable,
        *,
        jsonifier: Jsonifier,
        pythonic_params: bool,
    ) -> None:
        sanitize = pythonic if pythonic_params else sanitized
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        self.jsonifier = jsonifier
        self.uri_parser = operation.uri_parser_class(
            operation.parameters, operation.body_definition()
        )
        wanted = (lambda name: True) if has_kwargs else (lambda name: name in arguments)
        self.wants = wanted

        params = operation.parameters
        self.path = {}  # routed name -> (argument, converter)
        for p in params:
            # connexion looks a routed value up by the spec's name: one with a `-` (routed
            # with a `_`) is not found, and passed on unconverted, as any other routed value.
            if p["in"] == "path" and "-" not in p["name"]:
                convert = _converter(p)
                if convert is not None:
                    convert = _chain(_routed(p, self.uri_parser), convert)
                self.path[p["name"]] = (sanitize(p["name"]), convert)
        self.sanitize = sanitize

        query = {p["name"]: p for p in params if p["in"] == "query"}
        self.query = {  # name -> (argument, converter): only those the handler takes
            name: (sanitize(name), _converter(p))
            for name, p in query.items()
            if wanted(sanitize(name))
        }
        self.query_defaults = {}
        for name, p in query.items():
            schema = p.get("schema", {})
            if name in self.query and ("default" in p or "default" in schema):
                self.query_defaults[name] = p["default"] if "default" in p else schema["default"]
        if any(p.get("schema", {}).get("type") == "object" for p in query.values()):
            # connexion builds their defaults from their properties, and reads deepObject keys
            raise NotImplementedError(f"{operation.operation_id}: an object query parameter")

        self.headers = [  # (argument, header name as ASGI gives it)
            (argument_name(p["name"]), p["name"].lower().encode("latin-1"))
            for p in params
            if p["in"] == "header" and wanted(argument_name(p["name"]))
        ]

        self.body_argument: str | None = None
        if operation.method.upper() != "TRACE" and operation.is_request_body_defined:
            name = sanitize(operation.body_name("application/json"))
            if (arguments or has_kwargs) and wanted(name):
                if not all(utils.is_json_mimetype(m) for m in operation.consumes):
                    # only JSON bodies reach the handler validated, in the scope (BODY_KEY)
                    raise NotImplementedError(
                        f"{operation.operation_id}: a body of {', '.join(operation.consumes)}"
                    )
                self.body_argument = name
                schema = operation.body_schema("application/json")
                self.body_nullable = utils.is_nullable(schema)
                self.body_default = schema.get("default", {})
        self.takes_context = CONTEXT_NAME in arguments
        self.is_coroutine = asyncio.iscoroutinefunction(function)
        self.function = function
        self.produces = list(set(operation.produces))
        self.operation_produces = operation.produces

    # --- request -> keyword arguments ---------------------------------------------------

    def arguments(self, scope: Scope) -> dict[str, t.Any]:
        kwargs: dict[str, t.Any] = {}
        for name, value in scope.get("path_params", {}).items():
            planned = self.path.get(name)
            if planned is None:  # not in the spec: connexion passes it on as routed
                kwargs[self.sanitize(name)] = value
            else:
                argument, convert = planned
                kwargs[argument] = value if convert is None else convert(value)
        if self.query:
            given = resolved_query(scope, self.uri_parser)
            for name, (argument, convert) in self.query.items():
                if name in given:
                    value = given[name]
                elif name in self.query_defaults:
                    value = copy.deepcopy(self.query_defaults[name])
                else:
                    continue
                kwargs[argument] = value if convert is None else convert(value)
        if self.body_argument is not None:
            kwargs[self.body_argument] = self._body(scope.get(BODY_KEY, _NO_BODY))
        for argument, name in self.headers:
            kwargs[argument] = next(
                (v.decode("latin-1") for k, v in scope["headers"] if k.lower() == name), None
            )
        context = scope.get("extensions", {}).get("connexion_context")
        if context:
            for key, value in context.items():
                if self.wants(key):
                    kwargs[key] = value
        if self.takes_context:
            kwargs[CONTEXT_NAME] = scope.setdefault("extensions", {}).setdefault(
                "connexion_context", {}
            )
        return kwargs

    def _body(self, body: t.Any) -> t.Any:
        if body is _NO_BODY or body is None:
            if body is None and self.body_nullable:
                return None
            return copy.deepcopy(self.body_default)
        return body

    # --- call ---------------------------------------------------------------------------

    async def __call__(self, scope: Scope) -> Response:
        kwargs = self.arguments(scope)
        if self.is_coroutine:
            result = await self.function(**kwargs)
        else:
            result = await run_in_threadpool(self.function, **kwargs)
        return self.response(result)

    # --- handler result -> response -----------------------------------------------------

    def response(self, result: t.Any) -> Response:
        if isinstance(result, Response):
            return result
        if isinstance(result, ConnexionResponse):
            return StarletteFramework.connexion_to_framework_response(result)
        data, status, headers = BaseResponseDecorator._unpack_handler_response(result)
        content_type = self._content_type(data, headers)
        if data is None or data is NoContent:
            data = None
        elif content_type and utils.is_json_mimetype(utils.split_content_type(content_type)[0]):
            data = self.jsonifier.dumps(data)
        status = status or (204 if data is None else 200)
        if content_type and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
        return StarletteFramework.build_response(
            data, content_type=content_type, status_code=status, headers=headers
        )

    def _content_type(self, data: t.Any, headers: dict) -> str | None:
        """connexion's `_infer_content_type`, with the operation's media types known."""
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
        produces = self.produces
        if data is not None and not produces:
            produces = ["application/json"]
        if content_type:
            if content_type not in produces:
                raise NonConformingResponseHeaders(
                    f"Returned content type ({content_type}) is not defined in operation spec "
                    f"({self.operation_produces})."
                )
            return content_type
        if not produces:
            return None
        if len(produces) == 1:
            return produces[0]
        if isinstance(data, str):
            for produced in produces:
                if "text/plain" in produced:
                    content_type = produced
        elif isinstance(data, bytes | types.GeneratorType | collections.abc.Iterator):
            for produced in produces:
                if "application/octet-stream" in produced:
                    content_type = produced
        if content_type is None:
            raise NonConformingResponseHeaders(
                "Multiple response content types are defined in the operation spec, but "
                "the handler response did not specify which one to return."
            )
        return content_type


def _chain(first: t.Callable, second: t.Callable) -> t.Callable:
    return lambda value: second(first(value))
