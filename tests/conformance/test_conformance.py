"""Property-based conformance of the live services to their specs, with Schemathesis.

Each service runs on a loopback port with fresh data and response validation on; the
Orchestrator screens tasks through a live Reflex Layer of its own. Schemathesis loads the spec
the service serves (`/api/v1/openapi.json`, the self-contained bundle) and runs every phase: the
spec's examples, coverage of its boundaries, fuzzing with positive and negative data, and
stateful scenarios through the spec's links. Every check is on; schemathesis.toml (next to this
file) holds the configuration and the few narrow exceptions, each with its reason.

Schemathesis runs as its own CLI in a subprocess: its report names each failure with a `curl`
line that reproduces it, and the generator does not compete with the servers for this process.

The run is bounded and reproducible: `OCTOLLM_CONFORMANCE_EXAMPLES` examples per operation
(default 50) with derandomized generation. Set `OCTOLLM_CONFORMANCE_EXAMPLES` higher for a
longer run, and `OCTOLLM_CONFORMANCE_SEED` to explore with random generation from that seed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from octollm.arm.app import create_app as create_arm
from octollm.config import Settings
from octollm.http.auth import mint
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.arm.fake_upstream import FakeUpstream
from tests.conftest import live_server

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = int(os.environ.get("OCTOLLM_CONFORMANCE_EXAMPLES", "50"))
SEED = os.environ.get("OCTOLLM_CONFORMANCE_SEED", "")
TIMEOUT_SECONDS = 60 + EXAMPLES * 20
REPORT_LINE_CHARS = 2000  # a failing case's curl line can carry a megabyte of body


@pytest.fixture
def reflex_url_live(
    make_settings: Callable[..., Settings], backend: dict[str, Any], tmp_path: Path
) -> Iterator[str]:
    """A Reflex Layer of this test's own, on a free loopback port."""
    overrides: dict[str, Any] = {"data_dir": tmp_path / "reflex"}
    if backend:  # the same Redis, under a prefix of its own (still cleaned up by `backend`)
        overrides["redis_prefix"] = f"{backend['redis_prefix']}:reflex"
    with live_server(create_reflex(make_settings(**overrides))) as url:
        yield url


@pytest.fixture
def orchestrator_url_live(
    make_settings: Callable[..., Settings], reflex_url_live: str, tmp_path: Path
) -> Iterator[str]:
    """An Orchestrator on a free loopback port, calling the live Reflex Layer above."""
    settings = make_settings(data_dir=tmp_path / "orchestrator", reflex_url=reflex_url_live)
    with live_server(create_orchestrator(settings)) as url:
        yield url


SECRET = "conformance-secret-0123456789abcdefghij"
SECURED: dict[str, Any] = {  # authentication and rate limits on, limits never reached
    "auth": "jwt",
    "jwt_secret": SECRET,
    "rate_limits": True,
    "rate_limit_per_ip": 1_000_000,
    "rate_limit_per_subject": 1_000_000,
}


def admin_token(sub: str = "conformance") -> str:
    return mint(sub=sub, roles=["admin"], ttl_seconds=3600, key=SECRET, algorithm="HS256")


def schemathesis_run(base_url: str, workdir: Path, headers: dict[str, str] | None = None) -> None:
    """Runs Schemathesis against the service at `base_url`; fails with its report if it fails."""
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{base_url}/openapi.json",
        "--max-examples",
        str(EXAMPLES),
        "--workers",
        "1",  # one operation at a time: the same requests in the same order, run after run
        *(["--seed", SEED] if SEED else ["--generation-deterministic"]),
        *(
            arg
            for name, value in (headers or {}).items()
            for arg in ("--header", f"{name}: {value}")
        ),
    ]
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    result = subprocess.run(
        command,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        report = "\n".join(
            line if len(line) <= REPORT_LINE_CHARS else line[:REPORT_LINE_CHARS] + " [...]"
            for line in (result.stdout + result.stderr).splitlines()
        )
        pytest.fail(f"Schemathesis found nonconformities:\n{report}", pytrace=False)


def test_reflex_conforms_to_its_spec(reflex_url_live: str, tmp_path: Path) -> None:
    schemathesis_run(reflex_url_live, tmp_path)


def test_orchestrator_conforms_to_its_spec(orchestrator_url_live: str, tmp_path: Path) -> None:
    schemathesis_run(orchestrator_url_live, tmp_path)


def test_llm_arm_conforms_to_its_spec(tmp_path: Path) -> None:
    """The LLM arm, in front of a fake OpenAI-compatible model server."""
    with FakeUpstream().running() as upstream:
        script = upstream.fresh()
        settings = Settings.from_env(
            {}, arm_upstream_url=script.url, arm_model="fake-model", validate_responses=True
        )
        with live_server(create_arm(settings)) as url:
            schemathesis_run(url, tmp_path)


# With authentication and rate limits on: every request carries an admin token (Schemathesis's
# `ignored_auth` check also sends each operation without it and with a bad one, and expects the
# 401), and every response the `X-RateLimit-*` headers, checked against the specs. On Redis,
# where the limiter is the shared Lua script.


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_secured_reflex_conforms_to_its_spec(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    with live_server(create_reflex(make_settings(**SECURED))) as url:
        schemathesis_run(url, tmp_path, {"Authorization": f"Bearer {admin_token()}"})


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_secured_orchestrator_conforms_to_its_spec(
    make_settings: Callable[..., Settings], backend: dict[str, Any], tmp_path: Path
) -> None:
    reflex_settings = make_settings(
        **SECURED, data_dir=tmp_path / "reflex", redis_prefix=f"{backend['redis_prefix']}:reflex"
    )
    with live_server(create_reflex(reflex_settings)) as reflex_url:
        settings = make_settings(
            **SECURED,
            data_dir=tmp_path / "orchestrator",
            reflex_url=reflex_url,
            reflex_token=admin_token("orchestrator"),
        )
        with live_server(create_orchestrator(settings)) as url:
            schemathesis_run(url, tmp_path, {"Authorization": f"Bearer {admin_token()}"})
