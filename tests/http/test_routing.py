"""TableRoutingMiddleware (octollm/http/routing.py) against connexion 3.3's RoutingMiddleware.

The two middlewares are built side by side over a recording next app, each given the same
spec with `add_api` as connexion's `ConnexionMiddleware` calls it (octollm's three specs under
`BASE_PATH`, and a made-up spec for what octollm's specs lack: number, integer and `path`
parameters, hyphenated names, several APIs). The same requests go to both, each as a fresh
scope, and each must hand the next app the same thing: the scope (every key and value, types
included: `path_params`, `extensions["connexion_routing"]` with `api_base_path` and
`operation_id`, and the rest), which of its dicts and lists are the incoming scope's own, the
same `receive` and `send`; or send the same messages (405, redirects), or raise the same error.

The incoming scope is changed differently, by design: connexion's router writes its own keys
into the dict it is given (`router`, `route`, `endpoint`, `root_path`, `app_root_path` and a
new `path_params`, all from Starlette's Router and Mount) and hands the next app a copy taken
before; the table hands on the same copy and writes none of them (`test_incoming_scope`
pins both). Both change the incoming scope's own `extensions` (and `path_params`, when it
came with one) in place: the copy shares those dicts, so the routing context reaches the
middlewares above routing. Nothing in octollm reads the router's keys upstream (grep of
octollm/http, 2026-11): of the scope it reads `type`, `method`, `path`, `raw_path`,
`query_string`, `headers`, `client` and its own keys (rate limit, query, body);
`path_params` only below routing (validation, HandlerCall); `extensions["connexion_routing"]`
above it (MetricsMiddleware's operation label) and below it (the rate limiter), which both
fill alike (RequestContextMiddleware makes sure `extensions` exists); the exception handlers,
above routing, read `request.url.path`, which Starlette builds from `path` alone, not
`root_path`.

Then each service is built by its own `create_app` with `octollm.http.app.TableRoutingMiddleware`
patched to a middleware holding both (connexion's and the table, over the same recording next
app; a test header picks one per request): the requests no route takes must get the same
response (status, body, `Allow`, `Location`) from the whole stack, and the routed ones hand
the rest of the stack the same scope (the recorder answers those itself: no handler runs).
Last, the table must be what answers the routed requests: in the service as built,
connexion's router is not called for them (a test that fails if the fast path goes).

Differences found are marked xfail (strict), with how to see them: neither is reachable with
octollm's specs and servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import pytest
from connexion.middleware.abstract import SpecMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.resolver import Resolver
from connexion.spec import Specification
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

import octollm.http.app as app_module
from octollm.arm.app import create_app as create_arm
from octollm.config import Settings
from octollm.http.app import BASE_PATH, load_yaml
from octollm.http.routing import TableRoutingMiddleware
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import FakeClock
from tests.http._support import TASK_UUID

SERVICES = ("reflex", "orchestrator", "arm")
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")
ODD_METHODS = ("get", "CONNECT", "PROPFIND")
# What Starlette's Router and Mount write into the scope they are given (connexion's router
# only: the table writes none of them).
ROUTER_KEYS = frozenset(
    {"router", "route", "endpoint", "root_path", "app_root_path", "path_params"}
)
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _noop() -> None:
    """Every operation's function: the routing middleware only needs it to resolve."""


RESOLVER = Resolver(lambda _operation_id: _noop)


# --- values ------------------------------------------------------------------------------------


def _typed(value: Any) -> Any:
    """`value` with the type of every leaf, so that 1, 1.0, True and "1" differ; containers
    copied (a snapshot), other objects kept as they are (compared by equality)."""
    if isinstance(value, dict):
        return {key: _typed(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [type(value).__name__, [_typed(v) for v in value]]
    if isinstance(value, str | bytes | int | float | bool | type(None)):
        return (type(value).__name__, value)
    return value


def _plain(value: Any) -> Any:
    """`_typed`, with other objects by their type only and uuids masked: for what is not the
    same object from one request to the next (routers, per-request objects, request ids)."""
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [type(value).__name__, [_plain(v) for v in value]]
    if isinstance(value, str):
        return ("str", UUID_RE.sub("<uuid>", value))
    if isinstance(value, bytes | int | float | bool | type(None)):
        return (type(value).__name__, value)
    return f"<{type(value).__name__}>"


# --- requests and scopes -----------------------------------------------------------------------

DROP = "<drop the key>"  # an override that removes a key from the scope
APP = object()  # scope["app"], as connexion's app puts it there


@dataclass(frozen=True)
class Req:
    """One request: `target` as sent (percent-encoded); the scope's `path` is it decoded, as
    uvicorn decodes it. `overrides` change the scope's keys (`DROP` removes one)."""

    method: str
    target: str
    query: bytes = b""
    overrides: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        extra = f" ?{self.query!r}" if self.query else ""
        return f"{self.method} {self.target!r}{extra} {dict(self.overrides) or ''}".rstrip()


def _req(method: str, target: str, query: bytes = b"", **overrides: Any) -> Req:
    return Req(method, target, query, tuple(overrides.items()))


def make_scope(request: Req) -> dict[str, Any]:
    """A fresh scope (its dicts and lists too) such as uvicorn and connexion's app hand on."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
        "path": unquote(request.target),
        "raw_path": request.target.encode(),
        "query_string": request.query,
        "headers": [(b"host", b"testserver"), (b"accept", b"*/*")],
        "state": {},
        "extensions": {"http.response.debug": {}},
        "app": APP,
    }
    for key, value in request.overrides:
        if value == DROP:
            scope.pop(key, None)
        else:
            scope[key] = copy.deepcopy(value)
    return scope


# --- the two middlewares, side by side ---------------------------------------------------------


class CountingRouter:
    """The middleware's Starlette router, counting the requests it is given."""

    def __init__(self, router: Any) -> None:
        self.router = router
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.router, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        await self.router(scope, receive, send)


class Recorder:
    """The next app: keeps a snapshot of each scope it is handed, which of its dicts and lists
    are the incoming scope's own (as it came: connexion's router replaces some of its keys),
    and whether `receive` and `send` are the ones given."""

    def __init__(self) -> None:
        self.handed: list[Any] = []
        self.incoming: dict[str, Any] = {}
        self.came: dict[str, Any] = {}  # the incoming scope's values as it came
        self.channels: tuple[Any, Any] = (None, None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        shared = sorted(
            key
            for key, value in scope.items()
            if isinstance(value, dict | list) and value is self.came.get(key)
        )
        self.handed.append(
            {
                "scope": _typed(scope),
                "is the incoming scope": scope is self.incoming,
                "shares": shared,
                "receive, send": (receive is self.channels[0], send is self.channels[1]),
            }
        )


@dataclass
class Outcome:
    handed: list[Any]  # what the next app was given
    sent: list[Any]  # what the middleware answered itself
    raised: Any  # the error it raised
    incoming: dict[str, Any]  # the incoming scope afterwards, `_plain`
    routed_by_router: int  # how many times connexion's router was called

    def seen(self) -> tuple[Any, Any, Any]:
        """All that is downstream's to see."""
        return self.handed, self.sent, self.raised


def _error(exc: BaseException) -> Any:
    return (
        type(exc).__name__,
        str(exc),
        getattr(exc, "status_code", None),
        getattr(exc, "headers", None),
    )


class Side:
    """One middleware (connexion's or the table's) with its APIs over a `Recorder`."""

    def __init__(self, cls: type[RoutingMiddleware], apis: list[tuple[Any, str]]) -> None:
        self.recorder = Recorder()
        self.middleware = cls(self.recorder)
        for spec, base_path in apis:
            spec = Specification.from_dict(copy.deepcopy(spec)) if isinstance(spec, dict) else spec
            self.middleware.add_api(spec, base_path=base_path, resolver=RESOLVER)
        self.router = self.middleware.router = CountingRouter(self.middleware.router)

    async def run(self, request: Req) -> Outcome:
        scope = make_scope(request)
        sent: list[Any] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Any) -> None:
            sent.append(_typed(message))

        self.recorder.handed = []
        self.recorder.incoming = scope
        self.recorder.came = dict(scope)
        self.recorder.channels = (receive, send)
        calls = self.router.calls
        raised = None
        try:
            await self.middleware(scope, receive, send)
        except Exception as exc:  # the same error from both is the same outcome
            raised = _error(exc)
        return Outcome(self.recorder.handed, sent, raised, _plain(scope), self.router.calls - calls)


@dataclass
class Pair:
    stock: Side
    table: Side

    def run(self, requests: list[Req]) -> list[tuple[Req, Outcome, Outcome]]:
        async def both() -> list[tuple[Req, Outcome, Outcome]]:
            return [(r, await self.stock.run(r), await self.table.run(r)) for r in requests]

        return asyncio.run(both())


def pair_of(apis: list[tuple[Any, str]]) -> Pair:
    return Pair(Side(RoutingMiddleware, apis), Side(TableRoutingMiddleware, apis))


def _spec_file(service: str) -> Any:
    return Settings().spec(service)


@functools.cache
def service_pair(service: str) -> Pair:
    """The two middlewares over one of octollm's specs, at BASE_PATH as build_app adds it."""
    return pair_of([(Specification.load(_spec_file(service)), BASE_PATH)])


def differences(results: list[tuple[Req, Outcome, Outcome]]) -> list[str]:
    """Each request on which the two differ, with what each did."""
    found = []
    for request, stock, table in results:
        if stock.seen() != table.seen():
            found.append(f"{request}:\n  stock {stock.seen()}\n  table {table.seen()}")
        kept = {k: v for k, v in stock.incoming.items() if k not in ROUTER_KEYS}
        if kept != {k: v for k, v in table.incoming.items() if k not in ROUTER_KEYS}:
            found.append(f"{request}: incoming scope\n  {stock.incoming}\n  {table.incoming}")
    return found


def assert_alike(pair: Pair, requests: list[Req]) -> list[tuple[Req, Outcome, Outcome]]:
    results = pair.run(requests)
    found = differences(results)
    assert not found, f"{len(found)} of {len(requests)} differ:\n" + "\n".join(found[:5])
    return results


# --- the requests, from each spec's paths ------------------------------------------------------


def operations(service: str) -> list[tuple[str, list[str]]]:
    """(path template, its methods, upper case) in the spec's order."""
    paths = load_yaml(_spec_file(service))["paths"]
    return [
        (template, [m.upper() for m in item if m.upper() in METHODS])
        for template, item in paths.items()
    ]


PARAM = re.compile(r"\{[^}]*\}")
VALID = {"task_id": TASK_UUID, "key": "some.key"}
# Parameter values as sent (percent-encoded): `/`, newline, NUL, spaces, unicode, very long,
# dot segments, the delimiters.
ODD_VALUES = (
    "abc",
    TASK_UUID,
    TASK_UUID.upper(),
    "a%2Fb",
    "%2F",
    "a%0Ab",
    "%0A",
    "a%0D",
    "a%00b",
    "%00",
    "a%20b",
    "%20",
    "a%09b",
    "%C3%A9t%C3%A9",
    "%F0%9F%90%99",
    "%E2%80%AE",
    "%FF",
    "k" * 5000,
    "..",
    ".",
    "%2E%2E",
    "a%3Fb",
    "a%23b",
    "%25",
    "a;b",
    "a,b",
    "%5C",
    "1",
    "-1.5",
    "true",
)


def fill(template: str, value: str | None = None) -> str:
    return PARAM.sub(lambda m: value if value is not None else VALID.get(m[0][1:-1], "x"), template)


def routed_requests(service: str) -> list[Req]:
    """Each operation with valid parameters, HEAD wherever GET is."""
    requests = []
    for template, methods in operations(service):
        for method in methods + (["HEAD"] if "GET" in methods else []):
            requests.append(_req(method, BASE_PATH + fill(template)))
    return requests


def request_groups(service: str) -> dict[str, list[Req]]:
    ops = operations(service)
    templates = [template for template, _ in ops]
    with_params = [template for template in templates if PARAM.search(template)]
    every = METHODS + ODD_METHODS
    return {
        "operations": routed_requests(service),
        "every method": [
            _req(method, BASE_PATH + fill(template)) for template in templates for method in every
        ],
        "odd parameter values": [
            _req(method, BASE_PATH + fill(template, value))
            for template in with_params
            for value in ODD_VALUES
            for method in ("GET", "HEAD", "DELETE", "POST")
        ],
        "empty segment": [
            _req(method, BASE_PATH + fill(template, ""))
            for template in with_params
            for method in every
        ],
        "slashes": [
            _req(method, target)
            for template in templates
            for target in (
                BASE_PATH + fill(template) + "/",
                BASE_PATH + fill(template) + "//",
                BASE_PATH + "/" + fill(template),
                "/" + BASE_PATH + fill(template),
                BASE_PATH + fill(template).replace("/", "//"),
                BASE_PATH.replace("/", "//") + fill(template),
                BASE_PATH + fill(template) + "%2F",
                BASE_PATH + fill(template) + "/.",
                BASE_PATH + "/." + fill(template),
                BASE_PATH + "/x/.." + fill(template),
                BASE_PATH + fill(template) + "%0A",
                BASE_PATH + fill(template) + "%0A%0A",
                BASE_PATH + "%0A" + fill(template),
                BASE_PATH + fill(template) + "%00",
                BASE_PATH + fill(template) + "%20",
            )
            for method in ("GET", "POST", "DELETE")
        ],
        "outside the base path": [
            _req(method, prefix + fill(template))
            for template in templates
            for prefix in ("", "/api", "/api/v2", "/API/v1", "/api/v1x", "/x/api/v1", "/api/v1.")
            for method in ("GET", "POST")
        ],
        "the base path and unknown paths": [
            _req(method, target)
            for target in (
                BASE_PATH,
                BASE_PATH + "/",
                BASE_PATH + "//",
                "/",
                "",
                "/api",
                "/api/",
                BASE_PATH + "/nope",
                BASE_PATH + "/nope/",
                BASE_PATH + "/openapi.json",
                BASE_PATH + "/ui/",
                BASE_PATH + "/" + "x" * 5000,
            )
            for method in ("GET", "HEAD", "POST", "OPTIONS")
        ],
        "query strings": [
            _req(request.method, request.target, query)
            for request in routed_requests(service)
            for query in (b"a=1", b"a=%2F&b", b"&&", b"=", b"x=\xff", b"path=/api/v1/health")
        ],
        "root_path": [
            _req(method, root + BASE_PATH + fill(template), root_path=root)
            for template in templates
            for root in ("/svc", "/api", BASE_PATH, "/")
            for method in ("GET", "POST")
        ]
        + [
            _req("GET", BASE_PATH + fill(template), root_path=root)
            for template in templates
            for root in ("/svc", "/api", BASE_PATH, BASE_PATH + fill(template))
        ]
        + [_req("GET", BASE_PATH + fill(template), root_path=DROP) for template in templates],
        "scope shapes": [
            _req(request.method, request.target, **overrides)
            for request in routed_requests(service)
            for overrides in (
                {"extensions": DROP},
                {"extensions": {}},
                {"extensions": {"connexion_routing": {"old": 1, "operation_id": "old"}}},
                {"path_params": {}},
                {"path_params": {"task_id": "old", "key": "old", "other": 1}},
                {"app": DROP, "state": DROP, "raw_path": DROP, "client": DROP},
                {"app_root_path": "/elsewhere"},
                {"type": "websocket"},
            )
        ],
    }


def _group_cases() -> list[Any]:
    return [
        pytest.param(service, group, id=f"{service}-{group}")
        for service in SERVICES
        for group in request_groups(service)
    ]


@pytest.mark.parametrize(("service", "group"), _group_cases())
def test_same_as_connexion(service: str, group: str) -> None:
    assert_alike(service_pair(service), request_groups(service)[group])


@pytest.mark.parametrize("service", SERVICES)
def test_routed_requests_take_the_table(service: str) -> None:
    """Each operation is routed, by the table alone: connexion's router is not called."""
    results = assert_alike(service_pair(service), routed_requests(service))
    for request, stock, table in results:
        (handed,) = stock.handed
        routing = handed["scope"]["extensions"]["connexion_routing"]
        assert routing["operation_id"] != ("NoneType", None), request
        assert routing["api_base_path"] == ("str", BASE_PATH), request
        assert (stock.routed_by_router, table.routed_by_router) == (1, 0), request


def test_incoming_scope() -> None:
    """What each leaves in the scope it was given: connexion's router its own keys, the table
    none; the shared `extensions` has the routing context in both."""
    pair = service_pair("reflex")
    request = _req("GET", f"{BASE_PATH}/cache/k")
    ((_, stock, table),) = assert_alike(pair, [request])
    before = _plain(make_scope(request))
    assert set(stock.incoming) - set(before) == ROUTER_KEYS - {"root_path"}
    assert stock.incoming["root_path"] == ("str", BASE_PATH)
    assert (stock.routed_by_router, table.routed_by_router) == (1, 0)
    extensions = {
        "http.response.debug": {},
        "connexion_routing": {"api_base_path": BASE_PATH, "operation_id": "cache.get"},
    }
    assert table.incoming == {**before, "extensions": _plain(extensions)}


# --- generated paths ---------------------------------------------------------------------------


def _segments(service: str) -> st.SearchStrategy[str]:
    """Path segments: the spec's literal ones, parameter values odd and plain, anything."""
    literal = sorted(
        {
            part
            for template, _ in operations(service)
            for part in template.split("/")
            if part and not PARAM.search(part)
        }
    )
    return st.one_of(
        st.sampled_from(literal),
        st.sampled_from(ODD_VALUES).map(unquote),
        st.sampled_from(["", ".", "..", "api", "v1", TASK_UUID, "some.key"]),
        st.text(st.characters(codec="utf-8", exclude_characters="/"), max_size=12),
        st.text(alphabet="/\n\r\t .%:;a0", max_size=6),
    )


def _paths(service: str) -> st.SearchStrategy[tuple[str, str, str]]:
    """(method, path, root_path): a prefix (mostly the base path), segments, maybe a slash."""
    return st.tuples(
        st.sampled_from(METHODS + ODD_METHODS),
        st.tuples(
            st.sampled_from([BASE_PATH, BASE_PATH, BASE_PATH, "", "/api", "//api/v1"]),
            st.lists(_segments(service), min_size=0, max_size=4),
            st.sampled_from(["", "", "", "/", "\n"]),
        ).map(lambda p: p[0] + "".join("/" + s for s in p[1]) + p[2]),
        st.sampled_from(["", "", "", "", "/svc", BASE_PATH]),
    )


@pytest.mark.parametrize("service", SERVICES)
def test_generated_paths(service: str) -> None:
    pair = service_pair(service)

    @settings(
        max_examples=100,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(_paths(service))
    def check(case: tuple[str, str, str]) -> None:
        method, path, root = case
        target = quote(root + path, safe="/")
        assert_alike(pair, [_req(method, target, root_path=root)])

    check()


# --- a made-up spec: parameter types octollm's specs lack, several APIs ------------------------


def _op(operation_id: str, *params: tuple[str, dict]) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": schema}
            for name, schema in params
        ],
        "responses": {"200": {"description": "ok"}},
    }


NUMBER, INTEGER, STRING = ({"type": t} for t in ("number", "integer", "string"))
PATH_FORMAT = {"type": "string", "format": "path"}
# Strings only: routed by the table.
STRING_PATHS = {
    "/files/{rest}": {"get": _op("files.get", ("rest", PATH_FORMAT))},
    "/files/{rest}/meta": {"get": _op("files.meta", ("rest", PATH_FORMAT))},
    "/s/{a}-{b}": {"get": _op("s.get", ("a", STRING), ("b", STRING))},
    "/s/literal": {"get": _op("s.literal")},  # after /s/{a}-{b}, whose pattern skips it
}
# Integer and number parameters: such an API is left to connexion's router.
MADE_UP_PATHS = {
    "/n/{x}": {"get": _op("n.get", ("x", NUMBER)), "put": _op("n.put", ("x", NUMBER))},
    "/i/{x}": {"get": _op("i.get", ("x", INTEGER)), "delete": _op("i.delete", ("x", INTEGER))},
    "/i/{x}/s/{item-id}": {"get": _op("is.get", ("x", INTEGER), ("item-id", STRING))},
    "/i/literal": {"get": _op("i.literal")},  # after /i/{x}, whose integer regex skips it
    **STRING_PATHS,
}


def made_up_spec(paths: dict[str, Any], title: str = "made up") -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": title, "version": "1"}, "paths": paths}


MADE_UP_VALUES = ("1", "+1", "-1", "0.5", ".5", "1.", "007", "1e3", "abc", "1/2", "a/b/c", "")


@functools.cache
def made_up_pair() -> Pair:
    return pair_of(
        [
            (made_up_spec(MADE_UP_PATHS), "/api"),  # first: takes everything under /api
            (made_up_spec(MADE_UP_PATHS), BASE_PATH),
            (made_up_spec(STRING_PATHS, "strings"), "/str"),
            (made_up_spec({"/other": {"get": _op("other.get")}}), "/two"),
            (made_up_spec({"/more": {"get": _op("more.get")}}), "/two"),  # chained to it
        ]
    )


def test_made_up_spec() -> None:
    requests = [
        _req(method, prefix + fill(template, value) + suffix)
        for template in MADE_UP_PATHS
        for value in MADE_UP_VALUES
        for prefix in ("/api", BASE_PATH, "/str")
        for suffix in ("", "/meta")
        for method in ("GET", "PUT", "DELETE")
    ] + [
        _req("GET", target)
        for target in ("/two/other", "/two/more", "/two/nope", "/two", "/two/other/", "/two/i/1")
    ]
    results = assert_alike(made_up_pair(), requests)
    by_table = [request.target for request, _, table in results if table.routed_by_router == 0]
    assert len(by_table) > 50, by_table
    assert [t for t in by_table if not t.startswith(("/str/", "/two/"))] == []  # no numbers


# Starlette converts each route's parameters as it matches the path, before it checks the
# method. A number parameter's convertor (connexion's FloatConverter, regex
# `[+-]?[0-9]*(\.[0-9]*)?`) matches "" and "." and then raises ValueError on an earlier route
# with another method: the table leaves an API with integer or number path parameters to the
# router, which raises as before.
@pytest.mark.parametrize("target", ["/api/n/.", "/api/n/"], ids=["dot", "empty"])
def test_number_parameter_before_a_literal_route(target: str) -> None:
    paths = {
        "/n/{x}": {"get": _op("n.get", ("x", NUMBER))},
        "/n/.": {"post": _op("dot.post")},
        "/n/": {"post": _op("empty.post")},
    }
    assert_alike(pair_of([(made_up_spec(paths), "/api")]), [_req("POST", target)])


# connexion's RoutingOperation reads the API's base path as the difference of two scopes'
# `route_root_path` (a key the installed Starlette never sets) before their `root_path`;
# Starlette's Mount does not change `route_root_path`, so a scope that comes with one, even
# empty, gets `api_base_path` "" from connexion; the table always gives the mount's path.
@pytest.mark.parametrize("value", ["", BASE_PATH])
def test_route_root_path_in_the_scope(value: str) -> None:
    assert_alike(
        service_pair("reflex"), [_req("GET", f"{BASE_PATH}/health", route_root_path=value)]
    )


# --- the whole stack ---------------------------------------------------------------------------


class Answering:
    """The app after routing, in a built service: keeps what routing hands on and answers a
    routed request itself (no handler runs), passing the others on (404 and the like)."""

    def __init__(self, app: Any, seen: list[Any]) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.seen.append(_plain(scope))
        routing = scope.get("extensions", {}).get("connexion_routing", {})
        if routing.get("operation_id") is None:
            await self.app(scope, receive, send)
            return
        await PlainTextResponse(f"routed to {routing['operation_id']}")(scope, receive, send)


SIDE_HEADER = b"x-test-routing"  # which of the two routes the request: b"stock" or b"table"


def both_routings() -> type[SpecMiddleware]:
    """A middleware for routing's place in a built service: connexion's RoutingMiddleware and
    the table, each given the APIs and the same next app (an `Answering` keeping to the
    class's `seen`); a request goes to the one its `SIDE_HEADER` names (the header removed)."""

    class Both(SpecMiddleware):
        seen: list[Any] = []

        def __init__(self, app: Any) -> None:
            answering = Answering(app, type(self).seen)
            self.sides = {
                b"stock": RoutingMiddleware(answering),
                b"table": TableRoutingMiddleware(answering),
            }

        def add_api(self, specification: Any, **kwargs: Any) -> None:
            for side in self.sides.values():
                side.add_api(specification, **kwargs)

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await self.sides[b"stock"](scope, receive, send)
                return
            side = dict(scope["headers"])[SIDE_HEADER]
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != SIDE_HEADER]
            await self.sides[side](scope, receive, send)

    return Both


class UnusedArm:
    """The arm service: never called, the recorder answers every routed request."""

    arm_id = "unused"


def _makers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Callable[[], Any]]:
    def settings_for(name: str, **extra: Any) -> Settings:
        data_dir = tmp_path_factory.mktemp(name)
        return Settings.from_env({}, data_dir=data_dir, validate_responses=True, **extra)

    return {
        "reflex": lambda: create_reflex(settings_for("reflex"), clock=FakeClock()),
        "orchestrator": lambda: create_orchestrator(
            settings_for("orchestrator", reflex_url="http://127.0.0.1:9"), clock=FakeClock()
        ),
        "arm": lambda: create_arm(settings_for("arm"), service=UnusedArm()),  # type: ignore[arg-type]
    }


@dataclass
class Built:
    client: TestClient
    seen: list[Any]


@contextlib.contextmanager
def built(make: Callable[[], Any]) -> Iterator[Built]:
    both = both_routings()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_module, "TableRoutingMiddleware", both)
        app = make()
    assert both in app.middleware.middlewares
    with TestClient(app, raise_server_exceptions=False) as client:  # one portal, not one a call
        yield Built(client, both.seen)


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    """Each service built with both routings in routing's place."""
    with contextlib.ExitStack() as stack:
        yield {
            name: stack.enter_context(built(make))
            for name, make in _makers(tmp_path_factory).items()
        }


def answer(built: Built, side: bytes, method: str, url: str) -> tuple[Any, ...]:
    """What the client gets from one side (status, body with request ids masked, Allow,
    Location) and what that routing handed on."""
    built.seen.clear()
    response = built.client.request(
        method, url, headers={SIDE_HEADER.decode(): side.decode()}, follow_redirects=False
    )
    try:
        body: Any = _plain(json.loads(response.content))  # request ids are uuids: masked
    except ValueError:
        body = response.content
    headers = (response.headers.get("allow"), response.headers.get("location"))
    return response.status_code, body, headers, list(built.seen)


def stack_requests(service: str) -> list[tuple[str, str, int | None]]:
    """(method, url, the status when certain: a guard that the case is what it says)."""
    requests: list[tuple[str, str, int | None]] = []
    for template, methods in operations(service):
        url = BASE_PATH + fill(template)
        for method in METHODS:
            allowed = method in methods or (method == "HEAD" and "GET" in methods)
            requests.append((method, url, 200 if allowed else 405))
        requests += [
            ("GET", url + "/", None),
            ("GET", BASE_PATH + "/" + fill(template), 404),
            ("GET", url + "%0A", None),
            ("GET", "/api/v2" + fill(template), 404),
            ("GET", url + "?a=1&b=%2F", 200 if "GET" in methods else 405),
        ]
        if PARAM.search(template):
            odd = ("a%2Fb", "a%0Ab", "%0A", "a%00b", "a%20b", "%C3%A9t%C3%A9", "k" * 5000, "..")
            requests += [("GET", BASE_PATH + fill(template, v), None) for v in odd]
            requests.append(("GET", BASE_PATH + fill(template, ""), None))
    requests += [
        ("GET", BASE_PATH, 307),  # the outer router's redirect to the mount, /api/v1/
        ("GET", BASE_PATH + "/", 404),
        ("GET", "/", 404),
        ("GET", BASE_PATH + "/nope", 404),
        ("POST", BASE_PATH + "/nope", 404),
        ("OPTIONS", BASE_PATH + "/nope", 404),
    ]
    return requests


@pytest.mark.parametrize("service", SERVICES)
def test_whole_stack(service: str, stacks: dict[str, Built]) -> None:
    found = []
    for method, url, status in stack_requests(service):
        expected = answer(stacks[service], b"stock", method, url)
        if status is not None:
            assert expected[0] == status, (method, url, expected)
        got = answer(stacks[service], b"table", method, url)
        if got != expected:
            found.append(f"{method} {url}:\n  stock {expected}\n  table {got}")
    assert not found, "\n".join(found[:5])


def test_the_table_answers_routed_requests(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """In the service as built (no recording): connexion's routing is not called for a routed
    request, and is for one no route takes."""
    calls: list[str] = []
    stock_call = RoutingMiddleware.__call__

    async def spy(self: RoutingMiddleware, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            calls.append(scope["path"])
        await stock_call(self, scope, receive, send)

    monkeypatch.setattr(RoutingMiddleware, "__call__", spy)
    app = _makers(tmp_path_factory)["reflex"]()
    assert TableRoutingMiddleware in app.middleware.middlewares
    with TestClient(app) as client:
        assert client.get(f"{BASE_PATH}/health").status_code == 200
        assert client.get(f"{BASE_PATH}/cache/some.key").status_code == 404  # routed: no entry
        assert calls == []
        assert client.get(f"{BASE_PATH}/nope").status_code == 404
        assert client.put(f"{BASE_PATH}/health").status_code == 405
        assert calls == [f"{BASE_PATH}/nope", f"{BASE_PATH}/health"]
