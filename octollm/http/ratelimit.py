"""Rate limits per client IP or per authenticated subject (429 RATE_LIMIT), off by default.

The algorithm is GCRA (a leaky bucket of `limit` requests that refills at `limit` per
`window`), in integer microseconds so `limit` requests at once are always exactly allowed and
the next one exactly refused. The state is one number per key (the theoretical arrival time),
kept in process or, when `OCTOLLM_REDIS_URL` is set, in Redis by one atomic script
(`ratelimit_redis.py`) so every process shares the limit.

Two middlewares share a per-request slot in the scope:
- `RateLimitMiddleware` sits after connexion's routing, so it knows the operationId
  (per-operation overrides), and before its security, so a request refused there (a bad or
  missing token: 401, or a missing scope: 403) is counted too: a client guessing tokens spends
  its IP's limit. It decides, and raises the 429 as an `ApiError` that connexion's exception
  middleware turns into the envelope;
- `RateLimitHeadersMiddleware` sits outside the exception middleware, so the `X-RateLimit-*`
  headers reach every response of a limited request, errors included.

The subject: a request with a valid bearer token (checked with the app's `Authenticator`,
which remembers the verification for security's own check) is limited per subject, the JWT
`sub`; any other per client IP. A test or embedding app may also set `scope["octollm.subject"]`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from octollm import clock as clock_module
from octollm.clock import Clock
from octollm.config import Settings
from octollm.errors import ApiError

logger = logging.getLogger("octollm.ratelimit")

SUBJECT_SCOPE_KEY = "octollm.subject"
"""Where authentication leaves the request's subject (a non-empty str) for the rate limiter."""

DECISION_SCOPE_KEY = "octollm.ratelimit"
UNLIMITED_OPERATIONS = frozenset({"system.health"})
MICROS = 1_000_000
WARNING_INTERVAL_SECONDS = 60.0

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_us: int  # until the bucket is full again (all `limit` requests available)
    retry_us: int  # until the next request is allowed (0 when this one was)
    kind: str = ""  # ip or subject

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(math.ceil(self.reset_us / MICROS)).encode()),
        ]


def gcra(stored_tat: int | None, now: int, limit: int, window: int) -> tuple[Decision, int]:
    """One request at `now` against the arrival time `stored_tat`: the decision and new TAT.

    The Lua script in `ratelimit_redis.py` is this function, line for line.
    """
    interval = window // limit
    tat = now if stored_tat is None else max(stored_tat, now)
    new_tat = tat + interval
    if new_tat - now > window:
        return Decision(False, limit, 0, tat - now, new_tat - window - now), tat
    remaining = (window - (new_tat - now)) // interval
    return Decision(True, limit, remaining, new_tat - now, 0), new_tat


class Store(Protocol):
    async def hit(self, key: str, limit: int, window_us: int) -> Decision: ...

    async def close(self) -> None: ...


class MemoryStore:
    """The arrival times of this process, on an injectable clock; expired keys are swept."""

    SWEEP_ABOVE = 10_000

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.tats: dict[str, int] = {}

    async def hit(self, key: str, limit: int, window_us: int) -> Decision:
        now = round(self.clock() * MICROS)
        if len(self.tats) > self.SWEEP_ABOVE:
            self.tats = {k: tat for k, tat in self.tats.items() if tat > now}
        decision, self.tats[key] = gcra(self.tats.get(key), now, limit, window_us)
        return decision

    async def close(self) -> None:
        return None


@dataclasses.dataclass(frozen=True)
class Limits:
    per_ip: int
    per_subject: int
    window_seconds: float
    overrides: dict[str, tuple[int, int]]  # operationId -> (per IP, per subject)

    def for_operation(self, operation_id: str | None, kind: str) -> tuple[str, int]:
        """(bucket, limit): an overridden operation has a bucket of its own."""
        if operation_id in self.overrides:
            ip_limit, subject_limit = self.overrides[operation_id]
            return operation_id, ip_limit if kind == "ip" else subject_limit
        return "*", self.per_ip if kind == "ip" else self.per_subject


def parse_overrides(text: str) -> dict[str, tuple[int, int]]:
    """`checks.run=600,tasks.create=50/500`: one limit for both kinds, or `per IP/per subject`."""
    overrides: dict[str, tuple[int, int]] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        operation, sep, value = item.partition("=")
        numbers = value.split("/")
        if not sep or not operation.strip() or len(numbers) > 2:
            raise ValueError(f"not OPERATION_ID=LIMIT[/SUBJECT_LIMIT]: {item!r}")
        limits = [int(n) for n in numbers]
        if min(limits) < 1:
            raise ValueError(f"a limit must be at least 1: {item!r}")
        overrides[operation.strip()] = (limits[0], limits[-1])
    return overrides


def _overrides(text: str) -> dict[str, tuple[int, int]]:
    try:
        return parse_overrides(text)
    except ValueError as exc:
        raise ValueError(f"OCTOLLM_RATE_LIMIT_OVERRIDES: {exc}") from None


def _networks(text: str) -> list[IpNetwork]:
    try:
        return parse_networks(text)
    except ValueError as exc:
        raise ValueError(f"OCTOLLM_TRUSTED_PROXIES: {exc}") from None


def parse_networks(text: str) -> list[IpNetwork]:
    """`10.0.0.1, 10.1.0.0/16, ::1`: IPs and CIDRs."""
    return [
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    ]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An X-Forwarded-For entry as an address (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`), or None."""
    text = text.strip()
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:
        candidates.append(text.partition(":")[0])
    for candidate in candidates:
        try:
            return ipaddress.ip_address(candidate)
        except ValueError:
            continue
    return None


def client_ip(scope: Scope, trusted: Iterable[IpNetwork]) -> str:
    """The socket peer, or behind trusted proxies the right-most untrusted X-Forwarded-For entry.

    Walking from the right, each entry was written by the trusted hop to its right; the walk
    stops at the first untrusted address, and at a malformed entry (which no trusted proxy
    writes) it keeps the last trusted hop: nothing left of it is believed.
    """
    trusted = list(trusted)
    peer = (scope.get("client") or ("unknown", 0))[0]

    def is_trusted(address: Any) -> bool:
        return address is not None and any(address in network for network in trusted)

    if not trusted or not is_trusted(_address(peer)):
        return peer
    forwarded = b",".join(v for k, v in scope["headers"] if k.lower() == b"x-forwarded-for")
    client = peer
    for entry in reversed(forwarded.decode("latin-1").split(",")):
        address = _address(entry)
        if address is None:
            break
        client = str(address)
        if not is_trusted(address):
            break
    return client


class RateLimitMetrics:
    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.decisions = Counter(
            "octollm_rate_limit_decisions_total",
            "Rate limit decisions, by key kind and result (allowed, refused, store_error: "
            "the store failed and the request was let through).",
            ["kind", "result"],
            registry=registry,
        )


class RateLimiter:
    def __init__(
        self,
        limits: Limits,
        store: Store,
        *,
        trusted_proxies: list[IpNetwork],
        prefix: str,
        metrics: RateLimitMetrics,
        subject_of: Callable[[str], str | None] | None = None,
    ) -> None:
        self.subject_of = subject_of  # bearer token -> subject, None when not valid
        self.limits = limits
        self.store = store
        self.trusted_proxies = trusted_proxies
        self.prefix = prefix
        self.metrics = metrics
        self._last_warning = -math.inf

    def key(self, scope: Scope) -> tuple[str, str]:
        """(kind, identity): the subject when authenticated, else the client IP."""
        subject = scope.get(SUBJECT_SCOPE_KEY) or self._bearer_subject(scope)
        if isinstance(subject, str) and subject:
            return "subject", hashlib.sha256(subject.encode()).hexdigest()[:32]
        return "ip", client_ip(scope, self.trusted_proxies)

    def _bearer_subject(self, scope: Scope) -> str | None:
        if self.subject_of is None:
            return None
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").strip().partition(" ")
                if scheme.lower() == "bearer" and token.strip():
                    return self.subject_of(token.strip())
                return None
        return None

    async def check(self, scope: Scope) -> Decision | None:
        """The decision for this request (None: not limited, or the store failed)."""
        routing = scope.get("extensions", {}).get("connexion_routing", {})
        operation_id = routing.get("operation_id")
        if operation_id in UNLIMITED_OPERATIONS:
            return None
        kind, identity = self.key(scope)
        bucket, limit = self.limits.for_operation(operation_id, kind)
        key = f"{self.prefix}:{{ratelimit}}:{kind}:{identity}:{bucket}"
        window_us = round(self.limits.window_seconds * MICROS)
        try:
            decision = await self.store.hit(key, limit, window_us)
        except Exception as exc:  # fail open: the store's own dependency already 503s work
            self.metrics.decisions.labels(kind, "store_error").inc()
            if time.monotonic() - self._last_warning > WARNING_INTERVAL_SECONDS:
                self._last_warning = time.monotonic()
                logger.warning("rate limit store failed (%s); not limiting", type(exc).__name__)
            return None
        self.metrics.decisions.labels(kind, "allowed" if decision.allowed else "refused").inc()
        return dataclasses.replace(decision, kind=kind)

    def refusal(self, decision: Decision) -> ApiError:
        retry_after = max(1, math.ceil(decision.retry_us / MICROS))
        window = self.limits.window_seconds
        return ApiError(
            "RATE_LIMIT",
            f"Rate limit of {decision.limit} requests per {window:g} seconds exceeded; "
            f"retry in {retry_after} seconds",
            {
                "constraint": "rate_limit",
                "key": decision.kind,
                "limit": decision.limit,
                "window_seconds": window,
                "retry_after_seconds": retry_after,
            },
            headers={"Retry-After": str(retry_after)},
        )

    def middlewares(self) -> tuple[list[Any], list[Any]]:
        """(outside the exception middleware, after routing and before security)."""
        return (
            [_bind(RateLimitHeadersMiddleware, self)],
            [_bind(RateLimitMiddleware, self)],
        )


def _bind(cls: type, limiter: RateLimiter) -> Any:
    def make(app: ASGIApp) -> Any:
        return cls(app, limiter=limiter)

    return make


class RateLimitHeadersMiddleware:
    """Adds the decision's `X-RateLimit-*` headers to the response; closes the store at exit."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_send(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        slot: dict[str, Decision] = {}
        scope[DECISION_SCOPE_KEY] = slot

        async def send_with_headers(message: Message) -> None:
            decision = slot.get("decision")
            if message["type"] == "http.response.start" and decision is not None:
                message = {**message, "headers": [*message.get("headers", []), *decision.headers()]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _closing_send(self, send: Send) -> Send:
        async def closing_send(message: Message) -> None:
            if message["type"].startswith("lifespan.shutdown."):
                await self.limiter.store.close()
            await send(message)

        return closing_send


class RateLimitMiddleware:
    """Decides after routing, before security; a refusal is raised as 429 RATE_LIMIT."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        decision = await self.limiter.check(scope)
        if decision is not None:
            slot = scope.get(DECISION_SCOPE_KEY)
            if slot is not None:
                slot["decision"] = decision
            if not decision.allowed:
                raise self.limiter.refusal(decision)
        await self.app(scope, receive, send)


def from_settings(
    settings: Settings,
    *,
    registry: CollectorRegistry | None = None,
    clock: Clock | None = None,
    subject_of: Callable[[str], str | None] | None = None,
) -> RateLimiter | None:
    """The limiter `OCTOLLM_RATE_LIMITS` asks for (None when off), in Redis when configured."""
    if not settings.rate_limits:
        return None
    limits = Limits(
        per_ip=settings.rate_limit_per_ip,
        per_subject=settings.rate_limit_per_subject,
        window_seconds=settings.rate_limit_window_seconds,
        overrides=_overrides(settings.rate_limit_overrides),
    )
    if min(limits.per_ip, limits.per_subject) < 1 or limits.window_seconds <= 0:
        raise ValueError(
            "OCTOLLM_RATE_LIMIT_PER_IP, _PER_SUBJECT and _WINDOW_SECONDS: rate limits must be at "
            "least 1 per a positive window"
        )
    store: Store
    if settings.redis_url:
        from octollm.http.ratelimit_redis import RedisStore

        store = RedisStore.connect(settings)
    else:
        store = MemoryStore(clock or clock_module.system_clock)
    return RateLimiter(
        limits,
        store,
        trusted_proxies=_networks(settings.trusted_proxies),
        prefix=settings.redis_prefix,
        metrics=RateLimitMetrics(registry),
        subject_of=subject_of,
    )
