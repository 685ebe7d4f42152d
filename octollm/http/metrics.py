"""Prometheus metrics: one registry per app, HTTP request metrics by operationId."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNROUTED = "unrouted"
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.requests = Counter(
            "octollm_http_requests_total",
            "HTTP requests handled, by operationId, method and status.",
            ["operation", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "octollm_http_request_duration_seconds",
            "HTTP request latency in seconds, by operationId.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )

    def exposition(self) -> str:
        """The registry in the Prometheus text format 0.0.4, what Prometheus reads as text/plain."""
        return generate_latest(self.registry).decode()


def operation_of(scope: Scope) -> str:
    routing = scope.get("extensions", {}).get("connexion_routing", {})
    return routing.get("operation_id") or UNROUTED


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics
        # Each label set's child metric, looked up once (prometheus_client's `labels` takes a
        # lock and builds the key each time). Bounded: operations are the spec's, methods the
        # ones the HTTP parser knows, statuses three digits.
        self._counted: dict[tuple[str, str, int], Any] = {}
        self._timed: dict[str, Any] = {}

    def _observe(self, operation: str, method: str, status: int, seconds: float) -> None:
        counter = self._counted.get((operation, method, status))
        if counter is None:
            counter = self.metrics.requests.labels(operation, method, str(status))
            self._counted[(operation, method, status)] = counter
        counter.inc()
        histogram = self._timed.get(operation)
        if histogram is None:
            histogram = self._timed[operation] = self.metrics.latency.labels(operation)
        histogram.observe(seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observing_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observing_send)
        finally:
            elapsed = time.perf_counter() - started
            self._observe(operation_of(scope), scope["method"], status, elapsed)
