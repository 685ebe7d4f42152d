"""Health and metrics, the same for every service: `system.health` and `system.metrics`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from octollm import __version__
from octollm.errors import ApiError
from octollm.http.metrics import HttpMetrics


@dataclass(frozen=True)
class Probe:
    """A dependency's health check: returns a detail string, raises when the dependency is down."""

    check: Callable[[], Awaitable[str]]
    required: bool = True


class SystemService:
    def __init__(
        self,
        service: str,
        *,
        metrics: HttpMetrics,
        probes: Mapping[str, Probe],
        before_scrape: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.service = service
        self.metrics = metrics
        self.probes = probes
        self.before_scrape = before_scrape
        self.started = time.monotonic()

    async def health(self) -> dict[str, Any]:
        dependencies = {}
        for name, probe in self.probes.items():
            started = time.perf_counter()
            try:
                detail, status = await probe.check(), "up"
            except Exception as exc:  # a probe may fail in any way; that is what it reports
                detail, status = f"{type(exc).__name__}: {exc}"[:300], "down"
            dependencies[name] = {
                "status": status,
                "required": probe.required,
                "latency_ms": round((time.perf_counter() - started) * 1000, 3),
                "detail": detail,
            }
        down = [n for n, d in dependencies.items() if d["status"] == "down"]
        required_down = [n for n in down if self.probes[n].required]
        report = {
            "status": "unhealthy" if required_down else "degraded" if down else "healthy",
            "service": self.service,
            "version": __version__,
            "uptime_seconds": round(time.monotonic() - self.started, 3),
            "dependencies": dependencies,
        }
        if required_down:
            raise ApiError(
                "SERVICE_UNAVAILABLE",
                f"Required dependency down: {', '.join(required_down)}",
                report,
            )
        return report

    async def metrics_text(self) -> str:
        if self.before_scrape is not None:
            await self.before_scrape()
        return self.metrics.exposition()
