"""The Orchestrator's own token for a Reflex Layer with authentication on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from octollm.config import Settings
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import live_server
from tests.security.conftest import SECRET, hs_token

TASKS = "/api/v1/tasks"


@pytest.fixture
def secured_reflex_url(tmp_path: Path) -> Iterator[str]:
    settings = Settings.from_env(
        {}, data_dir=tmp_path / "reflex", auth="jwt", jwt_secret=SECRET, validate_responses=True
    )
    with live_server(create_reflex(settings)) as url:
        yield url


def test_without_a_token_a_secured_reflex_layer_refuses_the_screening(
    make_orchestrator, secured_reflex_url: str
):
    client = make_orchestrator(reflex_url=secured_reflex_url)
    response = client.post(TASKS, json={"goal": "Summarise the report"})
    assert response.status_code == 503
    assert response.json()["error"]["details"] == {"dependency": "reflex"}


def test_the_orchestrator_screens_with_its_own_token(make_orchestrator, secured_reflex_url: str):
    token = hs_token(sub="orchestrator", roles=["operator"])
    client = make_orchestrator(reflex_url=secured_reflex_url, reflex_token=token)
    response = client.post(TASKS, json={"goal": "Summarise the report"})
    assert response.status_code == 202, response.text
