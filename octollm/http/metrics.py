"""Prometheus metrics: one registry per app, HTTP request metrics by operationId."""

from __future__ import annotations

import time

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
            operation = operation_of(scope)
            self.metrics.requests.labels(operation, scope["method"], str(status)).inc()
            self.metrics.latency.labels(operation).observe(time.perf_counter() - started)
