"""The Orchestrator's client of the Reflex Layer, over HTTP, with a deadline on every call."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from prometheus_client import Counter

from octollm.errors import unavailable
from octollm.http import request_id
from octollm.orchestrator.tasks.model import ARM_PROVENANCE

log = logging.getLogger(__name__)


class ReflexClient:
    def __init__(
        self, base_url: str, *, timeout_seconds: float, calls: Counter, token: str = ""
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # The Orchestrator's own bearer token, for a Reflex Layer with authentication on.
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}
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
        return await self._http.request(method, path, headers=headers | self._auth, **kwargs)

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

    async def cached_result(self, key: str) -> dict[str, Any] | None:
        """A task result stored under `key` by `store_result`, or None.

        The cache is the shortcut, not the truth: when the Reflex Layer cannot answer, or the
        entry is not a stored result (anyone may write the cache), it is a miss.
        """
        try:
            response = await self._request("GET", f"/cache/{key}")
        except httpx.HTTPError as exc:
            self.calls.labels("error").inc()
            log.warning("reflex cache lookup failed (%s): executing the task", type(exc).__name__)
            return None
        if response.status_code != 200:
            self.calls.labels("miss" if response.status_code == 404 else "error").inc()
            return None
        value = response.json()["value"]
        if not _is_stored_result(value):
            self.calls.labels("miss").inc()
            log.warning("reflex cache entry %s is not a task result: ignored", key)
            return None
        self.calls.labels("hit").inc()
        provenance = {name: value["provenance"].get(name) for name in ARM_PROVENANCE}
        return {"result": value["result"], "provenance": provenance}

    async def store_result(
        self, key: str, result: dict[str, Any], provenance: dict[str, Any], ttl_seconds: int
    ) -> None:
        """Caches a task's result for identical later tasks; a failure only costs the shortcut."""
        value = {"result": result, "provenance": provenance}
        body = {"key": key, "value": value, "ttl_seconds": ttl_seconds}
        try:
            response = await self._request("POST", "/cache", json=body)
        except httpx.HTTPError as exc:
            response = None
            log.warning("caching the result under %s failed (%s)", key, type(exc).__name__)
        ok = response is not None and response.status_code < 300
        if response is not None and not ok:
            log.warning(
                "caching the result under %s: reflex answered %s", key, response.status_code
            )
        self.calls.labels("stored" if ok else "error").inc()

    async def ping(self) -> str:
        response = await self._request("GET", "/health")
        if response.status_code != 200:
            raise RuntimeError(f"reflex health answered {response.status_code}")
        return self.base_url


def _is_stored_result(value: Any) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("result"), dict):
        return False
    provenance = value.get("provenance")
    if not isinstance(provenance, dict):
        return False
    model = provenance.get("model")
    counts = (provenance.get("processing_time_ms"), provenance.get("tokens_used"))
    return (
        isinstance(provenance.get("arm_id"), str)
        and (model is None or isinstance(model, str))
        and all(type(n) is int and n >= 0 for n in counts)
    )
