"""X-Request-ID: taken when valid, generated otherwise, echoed on every response."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from tests.http._support import REQUEST_ID_RE, Service, assert_envelope, is_uuid

SUPPLIED = "client-trace.42:abc_DEF-9"


def _break(monkeypatch: pytest.MonkeyPatch, service: Service) -> None:
    target, _, _ = service.breakable
    module_name, class_name, method = target.rsplit(".", 2)
    cls = getattr(importlib.import_module(module_name), class_name)

    async def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(cls, method, boom)


def _ok(client: Any, service: Service, headers: dict[str, str]) -> Any:
    return client.post(service.post_path, json=service.post_body, headers=headers)


# kind -> (status, or None for the operation's success status), error code, request)
KINDS: dict[str, tuple[int | None, str | None, Callable[[Any, Service, dict[str, str]], Any]]] = {
    "2xx-get": (200, None, lambda c, s, h: c.get(s.json_get, headers=h)),
    "2xx-post": (None, None, _ok),
    "400": (
        400,
        "VALIDATION_ERROR",
        lambda c, s, h: c.post(s.post_path, json={"nope": 1}, headers=h),
    ),
    "404": (404, "NOT_FOUND", lambda c, s, h: c.get("/api/v1/nope", headers=h)),
    "405": (405, "METHOD_NOT_ALLOWED", lambda c, s, h: c.request(*s.wrong_method, headers=h)),
    "413": (
        413,
        "PAYLOAD_TOO_LARGE",
        lambda c, s, h: c.post(
            s.post_path, content=b"x" * 2000, headers={**h, "content-type": "application/json"}
        ),
    ),
    "415": (
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        lambda c, s, h: c.post(
            s.post_path, content=b"{}", headers={**h, "content-type": "text/plain"}
        ),
    ),
    "500": (500, "INTERNAL_ERROR", lambda c, s, h: c.request(*s.breakable[1:], headers=h)),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_supplied_id_is_echoed_on_every_kind_of_response(
    make_client: Callable[..., Any],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    client = make_client(max_body_bytes=1000)
    if kind == "500":
        _break(monkeypatch, service)
    status, code, call = KINDS[kind]
    response = call(client, service, {"X-Request-ID": SUPPLIED})
    assert response.headers["x-request-id"] == SUPPLIED
    expected = service.post_status if status is None else status
    if code is None:
        assert response.status_code == expected, response.text
    else:
        error = assert_envelope(response, expected, code, request_id=SUPPLIED)
        assert error["request_id"] == SUPPLIED


def test_absent_id_is_generated_as_a_uuid_and_echoed(client: Any, service: Service) -> None:
    ok = client.get(service.json_get)
    assert ok.status_code == 200
    assert is_uuid(ok.headers["x-request-id"])
    error = assert_envelope(client.get("/api/v1/nope"), 404, "NOT_FOUND")
    assert is_uuid(error["request_id"])


def test_generated_ids_differ_between_requests(client: Any, service: Service) -> None:
    ids = {client.get(service.json_get).headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


def test_longest_valid_id_is_accepted(client: Any, service: Service) -> None:
    rid = "a" * 128
    response = client.get(service.json_get, headers={"X-Request-ID": rid})
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == rid


@pytest.mark.parametrize(
    ("value", "constraint"),
    [
        ("a" * 129, "maxLength"),
        ("has space", "pattern"),
        ("semi;colon", "pattern"),
        ("slash/y", "pattern"),
    ],
)
def test_invalid_id_is_rejected_and_replaced_by_a_generated_one(
    client: Any, service: Service, value: str, constraint: str
) -> None:
    response = client.get(service.json_get, headers={"X-Request-ID": value})
    error = assert_envelope(
        response, 400, "VALIDATION_ERROR", field="X-Request-ID", constraint=constraint
    )
    generated = response.headers["x-request-id"]
    assert generated != value
    assert is_uuid(generated)
    assert REQUEST_ID_RE.match(generated)
    assert error["request_id"] == generated
    assert error["message"].startswith("X-Request-ID")


def test_invalid_id_on_an_unknown_route_is_still_replaced(client: Any) -> None:
    response = client.get("/api/v1/nope", headers={"X-Request-ID": "x" * 200})
    error = assert_envelope(response, 404, "NOT_FOUND")
    assert is_uuid(error["request_id"])


def test_reflex_check_result_carries_the_request_id(reflex: Any) -> None:
    response = reflex.post("/api/v1/check", json={"text": "hi"}, headers={"X-Request-ID": SUPPLIED})
    assert response.status_code == 200
    assert response.json()["request_id"] == SUPPLIED
    generated = reflex.post("/api/v1/check", json={"text": "hi"})
    assert generated.json()["request_id"] == generated.headers["x-request-id"]
