"""What octollm/http/asyncapp.py relies on in connexion 3.3, and that behaviour is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from octollm.config import Settings
from octollm.http.handler_call import HandlerCall
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import spec_client

CACHE = "/api/v1/cache"


def test_each_operation_is_planned_once_and_serves_every_request(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    decorated: list[str] = []
    original = HandlerCall.__init__

    def counting(self: HandlerCall, operation: Any, function: Any, **kwargs: Any) -> None:
        decorated.append(operation.operation_id)
        original(self, operation, function, **kwargs)

    monkeypatch.setattr(HandlerCall, "__init__", counting)
    with spec_client(create_reflex(make_settings()), "reflex") as client:
        for key in ("alpha", "beta", "gamma"):
            put = client.post(CACHE, json={"key": key, "value": {"k": key}, "ttl_seconds": 60})
            assert put.status_code == 201, put.text
        # The same operation with other path parameters, a query-less and a failing request:
        # the chain built at the first request reads each request afresh.
        for key in ("gamma", "alpha", "beta"):
            got = client.get(f"{CACHE}/{key}")
            assert got.status_code == 200 and got.json()["value"] == {"k": key}
        assert client.get(f"{CACHE}/missing").status_code == 404
        bad = client.post(CACHE, json={"key": "x", "value": {}, "ttl_seconds": -1})
        assert bad.status_code == 400
    # Once per operation, when the app is built; not per request.
    assert len(decorated) == len(set(decorated)) and {"cache.get", "cache.put"} < set(decorated)


def test_the_spec_pages_are_still_served(make_settings: Callable[..., Settings]) -> None:
    with spec_client(create_reflex(make_settings()), "reflex") as client:
        spec = client.get("/api/v1/openapi.json")
        assert spec.status_code == 200 and spec.json()["info"]["title"]
        ui = client.get("/api/v1/ui/")
        assert ui.status_code == 200 and "swagger" in ui.text.lower()
