"""Fixtures that give each test one client per service, so shared behaviour is tested on both."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from octollm.config import Settings
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import SpecClient, spec_client
from tests.http._support import SERVICES, Service


@pytest.fixture(params=sorted(SERVICES))
def service(request: pytest.FixtureRequest) -> Service:
    """Each service in turn (tests using it run once for the Reflex Layer, once for the Orchestrator)."""
    return SERVICES[request.param]


@pytest.fixture
def make_client(
    service: Service,
    make_settings: Callable[..., Settings],
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., SpecClient]]:
    """Builds a spec-checking client of the current service with settings overrides."""
    stack = contextlib.ExitStack()

    def make(**overrides: Any) -> SpecClient:
        if service.name == "orchestrator":
            make_orchestrator = request.getfixturevalue("make_orchestrator")
            return make_orchestrator(**overrides)
        app = create_reflex(make_settings(**overrides))
        return stack.enter_context(spec_client(app, "reflex"))

    with stack:
        yield make


@pytest.fixture
def client(make_client: Callable[..., SpecClient]) -> SpecClient:
    """The current service with default settings."""
    return make_client()
