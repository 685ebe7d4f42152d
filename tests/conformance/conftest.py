"""The live services under Schemathesis: each served on a loopback port, each spec loaded from
the service's own `/api/v1/openapi.json` (the bundled spec it serves), one config for all.

The run is bounded and reproducible: a fixed number of examples per operation and phase, a fixed
seed, derandomized generation and no example database. `OCTOLLM_CONFORMANCE_EXAMPLES` raises
the number of examples (and stateful steps) for a longer local run; `OCTOLLM_CONFORMANCE_SEED`
explores another corner of the input space.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis import Config

from octollm.config import Settings
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import live_server

EXAMPLES = int(os.environ.get("OCTOLLM_CONFORMANCE_EXAMPLES", "25"))
SEED = int(os.environ.get("OCTOLLM_CONFORMANCE_SEED", "20261127"))


def conformance_config(base_url: str) -> Config:
    """Every check, positive and negative data, every phase, fixed budget and seed."""
    return Config.from_dict(
        {
            "seed": SEED,
            "base-url": base_url,
            "request-timeout": 10,
            "generation": {
                "mode": "all",
                "max-examples": EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "checks": {"enabled": True},
            "phases": {"stateful": {"max-steps": max(EXAMPLES // 2, 10)}},
        }
    )


def load_schema(base_url: str) -> Any:
    return schemathesis.openapi.from_url(
        f"{base_url}/openapi.json", config=conformance_config(base_url), timeout=10
    )


@pytest.fixture
def reflex_live(make_settings: Callable[..., Settings], tmp_path: Path) -> Iterator[str]:
    """A Reflex Layer on a free port: fresh data dir (and Redis prefix), response validation on."""
    overrides: dict[str, Any] = {"data_dir": tmp_path / "reflex"}
    prefix = make_settings().redis_prefix
    if make_settings().redis_url:
        overrides["redis_prefix"] = f"{prefix}:reflex"
    with live_server(create_reflex(make_settings(**overrides))) as url:
        yield url


@pytest.fixture
def orchestrator_live(
    make_settings: Callable[..., Settings], reflex_live: str, tmp_path: Path
) -> Iterator[str]:
    """An Orchestrator on a free port, screening tasks through its own live Reflex Layer."""
    settings = make_settings(data_dir=tmp_path / "orchestrator", reflex_url=reflex_live)
    with live_server(create_orchestrator(settings)) as url:
        yield url


@pytest.fixture
def reflex_schema(reflex_live: str) -> Any:
    return load_schema(reflex_live)


@pytest.fixture
def orchestrator_schema(orchestrator_live: str) -> Any:
    return load_schema(orchestrator_live)
