"""Fixtures: a fake model server, and the LLM arm in front of it behind a spec-checking client."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from octollm.arm.app import create_app
from octollm.config import Settings
from tests.arm.fake_upstream import FakeUpstream, Script
from tests.conftest import SpecClient, spec_client

ARM_MODEL = "fake-model"


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[FakeUpstream]:
    with FakeUpstream().running() as server:
        yield server


@pytest.fixture
def upstream(upstream_server: FakeUpstream) -> Script:
    """The fake model server, freshly scripted for this test (`url`, `reply`, `requests`)."""
    return upstream_server.fresh()


@pytest.fixture
def make_arm(upstream: Script) -> Iterator[Callable[..., SpecClient]]:
    """Builds LLM arms on the fake upstream (settings overrides by keyword), responses checked."""
    stack = contextlib.ExitStack()

    def make(**overrides: Any) -> SpecClient:
        values = {
            "arm_upstream_url": upstream.url,
            "arm_model": ARM_MODEL,
            "validate_responses": True,
            **overrides,
        }
        app = create_app(Settings.from_env({}, **values))
        return stack.enter_context(spec_client(app, "arm"))

    with stack:
        yield make


@pytest.fixture
def arm(make_arm: Callable[..., SpecClient]) -> SpecClient:
    return make_arm()
