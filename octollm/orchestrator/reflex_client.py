"""The Orchestrator's client of the Reflex Layer, over HTTP, with a deadline on every call."""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client import Counter

from octollm.errors import unavailable
from octollm.http import request_id


class ReflexClient:
    def __init__(self, base_url: str, *, timeout_seconds: float, calls: Counter) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.calls = calls
        self._http: httpx.AsyncClient | None = None

    async def open(self) -> None:
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout_seconds)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self._http is None:
            raise RuntimeError("the reflex client is not open")
        headers = {"X-Request-ID": request_id.current()} if request_id.current() != "-" else {}
        return await self._http.request(method, path, headers=headers, **kwargs)

    async def check(self, text: str) -> dict[str, Any]:
        """The Reflex Layer's verdict on `text`; SERVICE_UNAVAILABLE when it cannot be had."""
        try:
            response = await self._request(
                "POST", "/check", json={"text": text, "use_cache": False}
            )
        except httpx.TimeoutException:
            self.calls.labels("timeout").inc()
            raise unavailable(
                "reflex", f"The reflex layer did not answer within {self.timeout_seconds:g} s"
            ) from None
        except httpx.HTTPError as exc:
            self.calls.labels("error").inc()
            raise unavailable(
                "reflex", f"The reflex layer is unreachable ({type(exc).__name__})"
            ) from None
        if response.status_code != 200:
            self.calls.labels("error").inc()
            raise unavailable("reflex", f"The reflex layer answered {response.status_code}")
        verdict = response.json()
        self.calls.labels(verdict["decision"]).inc()
        return verdict

    async def ping(self) -> str:
        response = await self._request("GET", "/health")
        if response.status_code != 200:
            raise RuntimeError(f"reflex health answered {response.status_code}")
        return self.base_url
