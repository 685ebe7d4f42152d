"""Rate limits (429 RATE_LIMIT): per IP, per subject, per operation; shared through Redis.

Every response, the 429 included (the specs document it on every limited operation, with its
headers), is checked against the spec; a 429 must also be exactly the shared envelope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from prometheus_client import CollectorRegistry
from starlette.types import ASGIApp, Receive, Scope, Send

from octollm.config import Settings
from octollm.http import ratelimit
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import SPECS, FakeClock, SpecClient
from tests.http._support import assert_envelope
from tests.spec_check import SpecChecker

CLIENT = ("203.0.113.7", 40000)
STATS = "/api/v1/stats"
CHECK = "/api/v1/check"
HEALTH = "/api/v1/health"
HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
CHECKER = SpecChecker(SPECS / "reflex.yaml")


class SubjectFromHeader:
    """Stands in for authentication: `X-Test-Subject` becomes the request's subject."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            subject = dict(scope["headers"]).get(b"x-test-subject")
            if subject:
                scope[ratelimit.SUBJECT_SCOPE_KEY] = subject.decode()
        await self.app(scope, receive, send)


class LimitedClient(SpecClient):
    """Checks every response against the spec; a 429 must be exactly the envelope too."""

    checker = CHECKER

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        if response.status_code == 429:
            assert_envelope(response, 429, "RATE_LIMIT", constraint="rate_limit")
        return response


@pytest.fixture
def make_limited(
    make_settings: Callable[..., Settings], clock: FakeClock
) -> Iterator[Callable[..., LimitedClient]]:
    """Reflex Layer clients with rate limits on (overrides as settings), on the fake clock."""
    clients: list[LimitedClient] = []

    def make(client: tuple[str, int] = CLIENT, **overrides: Any) -> LimitedClient:
        settings = make_settings(**{"rate_limits": True, **overrides})
        app = SubjectFromHeader(create_reflex(settings, clock=clock))
        limited = LimitedClient(app, raise_server_exceptions=False, client=client)
        clients.append(limited.__enter__())
        return limited

    yield make
    for limited in clients:
        limited.__exit__(None, None, None)


def _limit_headers(response: Any) -> tuple[int, int, int]:
    limit, remaining, reset = (int(response.headers[name]) for name in HEADERS)
    return limit, remaining, reset


def _assert_refused(response: Any, *, limit: int, key: str) -> dict[str, Any]:
    error = assert_envelope(response, 429, "RATE_LIMIT", constraint="rate_limit")
    retry_after = int(response.headers["retry-after"])
    assert retry_after >= 1
    assert error["details"] == {
        "constraint": "rate_limit",
        "key": key,
        "limit": limit,
        "window_seconds": 60.0,
        "retry_after_seconds": retry_after,
    }
    assert _limit_headers(response)[:2] == (limit, 0)
    return error


def test_exactly_the_limit_is_allowed_then_429(make_limited: Callable[..., Any]) -> None:
    client = make_limited(rate_limit_per_ip=5)
    seen = []
    for _ in range(5):
        response = client.get(STATS)
        assert response.status_code == 200, response.text
        seen.append(_limit_headers(response))
    assert [remaining for _, remaining, _ in seen] == [4, 3, 2, 1, 0]
    assert all(limit == 5 for limit, _, _ in seen)
    # Reset: seconds until all 5 are available again, 12 s per request used.
    assert [reset for _, _, reset in seen] == [12, 24, 36, 48, 60]
    refused = client.get(STATS, headers={"X-Request-ID": "too-many"})
    error = _assert_refused(refused, limit=5, key="ip")
    assert error["request_id"] == "too-many"
    assert int(refused.headers["retry-after"]) == 12
    assert int(refused.headers["x-ratelimit-reset"]) == 60


def test_the_reset_is_honoured(
    make_limited: Callable[..., Any], clock: FakeClock, backend: dict[str, Any]
) -> None:
    if backend:
        pytest.skip("the fake clock drives the in-process store; the Redis script reads TIME")
    client = make_limited(rate_limit_per_ip=3)
    for _ in range(3):
        assert client.get(STATS).status_code == 200
    refused = client.get(STATS)
    assert refused.status_code == 429
    retry_after = int(refused.headers["retry-after"])
    clock.advance(retry_after - 0.001)
    assert client.get(STATS).status_code == 429
    clock.advance(0.001)
    again = client.get(STATS)
    assert again.status_code == 200
    assert _limit_headers(again)[1] == 0
    clock.advance(int(again.headers["x-ratelimit-reset"]))
    assert [client.get(STATS).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_subject_has_its_own_limit_instead_of_the_ip_one(
    make_limited: Callable[..., Any],
) -> None:
    client = make_limited(rate_limit_per_ip=2, rate_limit_per_subject=4)
    alice = {"X-Test-Subject": "alice-secret-sub"}
    statuses = [client.get(STATS, headers=alice).status_code for _ in range(4)]
    assert statuses == [200] * 4
    refused = client.get(STATS, headers=alice)
    _assert_refused(refused, limit=4, key="subject")
    assert "alice" not in refused.text
    # The same IP without a subject, and another subject, have budgets of their own.
    assert [client.get(STATS).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(STATS, headers={"X-Test-Subject": "bob"}).status_code == 200


def test_per_operation_overrides(make_limited: Callable[..., Any]) -> None:
    client = make_limited(
        rate_limit_per_ip=3, rate_limit_per_subject=3, rate_limit_overrides="checks.run=1/2"
    )
    body = {"text": "hello"}
    first = client.post(CHECK, json=body)
    assert first.status_code == 200
    assert _limit_headers(first)[:2] == (1, 0)
    _assert_refused(client.post(CHECK, json=body), limit=1, key="ip")
    # Other operations keep the default limit, in a bucket of their own.
    assert _limit_headers(client.get(STATS))[:2] == (3, 2)
    subject = {"X-Test-Subject": "carol"}
    assert [client.post(CHECK, json=body, headers=subject).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]


def test_health_is_never_limited(make_limited: Callable[..., Any]) -> None:
    client = make_limited(rate_limit_per_ip=1)
    for _ in range(5):
        response = client.get(HEALTH)
        assert response.status_code == 200
        assert not set(HEADERS) & set(response.headers)
    assert client.get(STATS).status_code == 200
    assert client.get(STATS).status_code == 429
    assert client.get(HEALTH).status_code == 200


def test_errors_of_a_limited_request_carry_the_headers(make_limited: Callable[..., Any]) -> None:
    client = make_limited(rate_limit_per_ip=5)
    response = client.post(CHECK, json={"text": 3})
    assert response.status_code == 400
    assert _limit_headers(response)[:2] == (5, 4)


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(
    make_limited: Callable[..., Any],
) -> None:
    client = make_limited(rate_limit_per_ip=2, trusted_proxies="10.0.0.0/8")
    statuses = [
        client.get(STATS, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


def test_behind_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client(
    make_limited: Callable[..., Any],
) -> None:
    client = make_limited(
        client=("10.0.0.2", 40000), rate_limit_per_ip=2, trusted_proxies="10.0.0.0/8, 192.0.2.1"
    )

    def get(forwarded: str) -> int:
        return client.get(STATS, headers={"X-Forwarded-For": forwarded}).status_code

    # The client's own entries (left) vary; its address as the proxies saw it does not.
    assert get("1.1.1.1, 198.51.100.9, 192.0.2.1") == 200
    assert get("2.2.2.2, 198.51.100.9") == 200
    assert get("junk, 198.51.100.9, 10.1.2.3") == 429
    assert get("198.51.100.10") == 200  # another client behind the proxy


def test_client_ip_rules() -> None:
    trusted = ratelimit.parse_networks("10.0.0.0/8,::1")

    def ip(peer: str, *forwarded: str) -> str:
        headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
        return ratelimit.client_ip({"client": (peer, 1), "headers": headers}, trusted)

    assert ip("203.0.113.7", "1.2.3.4") == "203.0.113.7"
    assert ip("10.0.0.1") == "10.0.0.1"
    assert ip("10.0.0.1", "1.2.3.4, 10.0.0.5") == "1.2.3.4"
    assert ip("10.0.0.1", "9.9.9.9", "1.2.3.4") == "1.2.3.4"  # several headers, in order
    assert ip("::1", "[2001:db8::1]:443") == "2001:db8::1"
    assert ip("10.0.0.1", "1.2.3.4:5678") == "1.2.3.4"
    # A malformed entry is never skipped over: what is left of it came from the client.
    assert ip("10.0.0.1", "1.2.3.4, not-an-ip") == "10.0.0.1"
    assert ip("10.0.0.1", "1.2.3.4, not-an-ip, 10.0.0.9") == "10.0.0.9"
    assert ip("10.0.0.1", "") == "10.0.0.1"
    assert ratelimit.client_ip({"client": None, "headers": []}, trusted) == "unknown"


def test_off_by_default_changes_nothing(reflex: Any) -> None:
    assert Settings.from_env({}).rate_limits is False
    for _ in range(120):
        response = reflex.get(STATS)
        assert response.status_code == 200
        assert not set(HEADERS) & set(response.headers)


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "OCTOLLM_RATE_LIMITS": "on",
            "OCTOLLM_RATE_LIMIT_PER_IP": "7",
            "OCTOLLM_RATE_LIMIT_PER_SUBJECT": "70",
            "OCTOLLM_RATE_LIMIT_WINDOW_SECONDS": "30",
            "OCTOLLM_RATE_LIMIT_OVERRIDES": "checks.run=600, tasks.create=50/500",
            "OCTOLLM_TRUSTED_PROXIES": "10.0.0.0/8",
        }
    )
    limiter = ratelimit.from_settings(settings)
    assert limiter is not None
    assert limiter.limits == ratelimit.Limits(
        7, 70, 30.0, {"checks.run": (600, 600), "tasks.create": (50, 500)}
    )
    assert ratelimit.from_settings(Settings.from_env({})) is None


@pytest.mark.parametrize("text", ["checks.run", "=5", "checks.run=0", "a=1/2/3", "a=x"])
def test_bad_overrides_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        ratelimit.parse_overrides(text)


@pytest.mark.parametrize("limit", [1, 3, 7, 100, 1000])
def test_gcra_allows_exactly_the_limit_at_once(limit: int) -> None:
    window = 60 * ratelimit.MICROS
    tat = None
    for n in range(limit):
        decision, tat = ratelimit.gcra(tat, 5, limit, window)
        assert decision.allowed and decision.remaining == limit - n - 1
    decision, _ = ratelimit.gcra(tat, 5, limit, window)
    assert not decision.allowed and decision.retry_us > 0


class _BrokenStore:
    async def hit(self, key: str, limit: int, window_us: int) -> ratelimit.Decision:
        raise ConnectionError("down")

    async def close(self) -> None:
        return None


def test_a_failing_store_fails_open_with_a_warning_and_a_metric(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = CollectorRegistry()
    limiter = ratelimit.RateLimiter(
        ratelimit.Limits(1, 1, 60.0, {}),
        _BrokenStore(),
        trusted_proxies=[],
        prefix="p",
        metrics=ratelimit.RateLimitMetrics(registry),
    )
    scope = {"type": "http", "client": CLIENT, "headers": []}
    assert asyncio.run(limiter.check(scope)) is None
    assert asyncio.run(limiter.check(scope)) is None
    warnings = [r for r in caplog.records if r.name == "octollm.ratelimit"]
    assert len(warnings) == 1 and "ConnectionError" in warnings[0].getMessage()
    sample = registry.get_sample_value(
        "octollm_rate_limit_decisions_total", {"kind": "ip", "result": "store_error"}
    )
    assert sample == 2


def test_two_apps_on_one_redis_share_the_limit(
    backend: dict[str, Any], make_limited: Callable[..., Any]
) -> None:
    if not backend:
        pytest.skip("sharing a limit between processes needs Redis")
    first = make_limited(rate_limit_per_ip=4)
    second = make_limited(rate_limit_per_ip=4)
    statuses = [c.get(STATS).status_code for c in (first, second, first, second)]
    assert statuses == [200] * 4
    _assert_refused(first.get(STATS), limit=4, key="ip")
    _assert_refused(second.get(STATS), limit=4, key="ip")
    prefix = backend["redis_prefix"]
    keys = list(redis.Redis.from_url(backend["redis_url"]).scan_iter(match=f"{prefix}:*"))
    ratelimit_keys = [k.decode() for k in keys if b"{ratelimit}" in k]
    assert ratelimit_keys == [f"{prefix}:{{ratelimit}}:ip:{CLIENT[0]}:*"]
    ttl = redis.Redis.from_url(backend["redis_url"]).pttl(ratelimit_keys[0])
    assert 0 < ttl <= 60_000


def test_the_key_is_a_valid_bearer_tokens_subject_else_the_ip() -> None:
    limiter = ratelimit.RateLimiter(
        ratelimit.Limits(1, 1, 60.0, {}),
        ratelimit.MemoryStore(FakeClock()),
        trusted_proxies=[],
        prefix="p",
        metrics=ratelimit.RateLimitMetrics(CollectorRegistry()),
        subject_of={"good-token": "dave"}.get,
    )
    base = {"type": "http", "client": CLIENT, "headers": []}
    assert limiter.key(base) == ("ip", CLIENT[0])
    bearer = {**base, "headers": [(b"authorization", b"Bearer good-token")]}
    by_scope_key = {**base, ratelimit.SUBJECT_SCOPE_KEY: "dave"}
    assert limiter.key(bearer)[0] == "subject"
    assert limiter.key(bearer) == limiter.key(by_scope_key)
    assert "dave" not in limiter.key(bearer)[1]
    for refused in (b"Bearer bad-token", b"Basic good-token", b"Bearer "):
        assert limiter.key({**base, "headers": [(b"authorization", refused)]})[0] == "ip"


def _token(sub: str) -> str:
    from octollm.http.auth import mint

    return mint(sub=sub, roles=["viewer"], ttl_seconds=600, key=SECRET, algorithm="HS256")


SECRET = "rate-limit-test-secret-0123456789abcdef"


def test_with_authentication_on_refused_tokens_spend_the_ip_limit(
    make_limited: Callable[..., Any],
) -> None:
    client = make_limited(
        rate_limit_per_ip=3, rate_limit_per_subject=5, auth="jwt", jwt_secret=SECRET
    )
    forged = {"Authorization": "Bearer " + _token("mallory")[:-4] + "AAAA"}
    statuses = [client.get(STATS, headers=forged).status_code for _ in range(3)]
    assert statuses == [401] * 3
    guessed = client.get(STATS, headers=forged)
    _assert_refused(guessed, limit=3, key="ip")
    assert client.get(STATS).status_code == 429  # no token: the same IP, the same budget
    # A valid token is limited by its subject, whatever its IP has spent.
    alice = {"Authorization": f"Bearer {_token('alice')}"}
    seen = [client.get(STATS, headers=alice) for _ in range(5)]
    assert [r.status_code for r in seen] == [200] * 5
    assert [_limit_headers(r)[:2] for r in seen] == [(5, n) for n in (4, 3, 2, 1, 0)]
    _assert_refused(client.get(STATS, headers=alice), limit=5, key="subject")
    assert (
        client.get(STATS, headers={"Authorization": f"Bearer {_token('bob')}"}).status_code == 200
    )
