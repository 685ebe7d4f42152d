"""Fixtures that give each test one client per service, so shared behaviour is tested on both."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from octollm.config import Settings
from octollm.log import RequestIdFilter
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import SpecClient, spec_client
from tests.http._support import SERVICES, Service


@pytest.fixture(scope="session", params=sorted(SERVICES))
def service(request: pytest.FixtureRequest) -> Service:
    """Each service in turn: tests using it run for the Reflex Layer and for the Orchestrator."""
    return SERVICES[request.param]


@pytest.fixture(scope="session")
def client(
    service: Service, tmp_path_factory: pytest.TempPathFactory, reflex_url: str
) -> Iterator[SpecClient]:
    """The current service with default settings, shared by the tests that only read from it."""
    settings = Settings.from_env(
        {},
        data_dir=tmp_path_factory.mktemp(f"http-{service.name}"),
        validate_responses=True,
        reflex_url=reflex_url,
    )
    create = create_reflex if service.name == "reflex" else create_orchestrator
    with spec_client(create(settings), service.name) as shared:
        yield shared


@pytest.fixture
def make_client(
    service: Service,
    make_settings: Callable[..., Settings],
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., SpecClient]]:
    """Builds a fresh spec-checking client of the current service with settings overrides."""
    stack = contextlib.ExitStack()

    def make(**overrides: Any) -> SpecClient:
        if service.name == "orchestrator":
            return request.getfixturevalue("make_orchestrator")(**overrides)
        app = create_reflex(make_settings(**overrides))
        return stack.enter_context(spec_client(app, "reflex"))

    with stack:
        yield make


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog with the request-id filter the real log handler has."""
    caplog.set_level(logging.INFO)
    request_filter = RequestIdFilter()
    caplog.handler.addFilter(request_filter)
    yield caplog
    caplog.handler.removeFilter(request_filter)
