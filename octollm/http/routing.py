"""connexion's routing middleware, with the routes looked up in a table (connexion 3.3).

connexion 3.3's `RoutingMiddleware` finds a request's operation with Starlette's router: a
`Mount` per API, then its routes one by one, each building a child scope; the operation found
then copies connexion's routing context into a copy of the scope taken before. For a request
that one of the spec's routes takes (the path matches and the method is the route's), the
answer depends on the method and path alone: `TableRoutingMiddleware` keeps the same routes
in a table (their compiled patterns, in the router's order) and gives the next middleware the
scope connexion's routing would give. Anything else (no route, a method not allowed, a
`root_path`, a trailing slash, a newline in the path, which Starlette's patterns read in their
own way, an API with integer or number path parameters) goes to connexion's router, which
answers it as before.

pyproject pins connexion to 3.3.x; tests/http/test_routing.py checks the scopes against
connexion's own routing.
"""

from __future__ import annotations

import typing as t

from connexion.middleware.abstract import ROUTING_CONTEXT
from connexion.middleware.routing import RoutingMiddleware, RoutingOperation
from starlette.convertors import PathConvertor, StringConvertor
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

# (api base path, the operation connexion's router would reach, path parameters)
Found = tuple[str, RoutingOperation, dict[str, t.Any]]


class _Table:
    """Each mounted API's routes, in the router's order."""

    def __init__(self, mounts: list[Mount]) -> None:
        self.mounts: list[tuple[str, list[tuple[t.Any, frozenset[str], dict, RoutingOperation]]]]
        self.mounts = []
        for mount in mounts:
            routes = [
                (
                    route.path_regex,
                    frozenset(route.methods or ()),
                    route.param_convertors,
                    route.app,
                )
                for route in getattr(mount.app, "routes", [])
                if isinstance(route, Route) and isinstance(route.app, RoutingOperation)
            ]
            # The router converts a route's parameters before it looks at the method, and an
            # int or float conversion can fail there: such an API is left to the router.
            if not all(
                isinstance(c, StringConvertor | PathConvertor)
                for _, _, convertors, _ in routes
                for c in convertors.values()
            ):
                routes = []
            self.mounts.append((mount.path + "/", routes))

    def find(self, method: str, path: str) -> Found | None:
        """The route that takes the request whole (path and method), as the router finds it:
        in the first API whose base path the path is under, its first such route; else None."""
        for prefix, routes in self.mounts:
            if path.startswith(prefix):
                rest = path[len(prefix) - 1 :]
                for regex, methods, convertors, operation in routes:
                    if method in methods:
                        match = regex.match(rest)
                        if match:
                            params = match.groupdict()
                            for key, value in params.items():
                                params[key] = convertors[key].convert(value)
                            return prefix[:-1], operation, params
                return None
        return None


class TableRoutingMiddleware(RoutingMiddleware):
    """connexion's `RoutingMiddleware`; requests a route takes are routed by table."""

    _table: _Table | None = None

    def table(self) -> _Table:
        if self._table is None:  # the APIs are added after __init__, before the first request
            mounts = [r for r in self.router.routes if isinstance(r, Mount)]
            if any(m.path == "" for m in mounts):
                mounts = []  # an API at the root: left to the router
            self._table = _Table(mounts)
        return self._table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and not scope.get("root_path")
            and "route_root_path" not in scope  # connexion reads the base path from it
            and "\n" not in scope["path"]
        ):
            found = self.table().find(scope["method"], scope["path"])
            if found is not None:
                base, operation, params = found
                # What connexion's RoutingOperation hands on: a copy of the scope as it came,
                # with the path parameters and the routing context.
                routed = scope.copy()
                routed.setdefault("path_params", {}).update(params)
                extensions = routed.setdefault("extensions", {})
                extensions.setdefault(ROUTING_CONTEXT, {}).update(
                    {"api_base_path": base, "operation_id": operation.operation_id}
                )
                await operation.next_app(routed, receive, send)
                return
        await super().__call__(scope, receive, send)
