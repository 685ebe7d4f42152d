"""`octollm token`: tokens for local use that the services accept."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest

from octollm.cli import main
from tests.conftest import SpecClient
from tests.security.conftest import SECRET, KeyPair, bearer


def mint(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["token", *args]) == 0
    return capsys.readouterr().out.strip()


def test_mints_an_hs256_token_from_the_configured_secret(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    make_secured: Callable[..., SpecClient],
) -> None:
    monkeypatch.setenv("OCTOLLM_JWT_SECRET", SECRET)
    monkeypatch.setenv("OCTOLLM_JWT_ISSUER", "https://local.test")
    token = mint(capsys, "--role", "operator", "--sub", "alice", "--ttl", "1h")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], issuer="https://local.test")
    assert claims["sub"] == "alice" and claims["roles"] == ["operator"]
    assert 3590 <= claims["exp"] - time.time() <= 3600
    client = make_secured("reflex", jwt_issuer="https://local.test")
    assert (
        client.post("/api/v1/check", json={"text": "hi"}, headers=bearer(token)).status_code == 200
    )


def test_signs_with_a_private_key(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key_files: dict[str, Path],
    ec_pair: KeyPair,
    make_secured: Callable[..., SpecClient],
) -> None:
    monkeypatch.delenv("OCTOLLM_JWT_SECRET", raising=False)
    token = mint(
        capsys, "--role", "viewer", "--sub", "bob", "--ttl", "15m",
        "--private-key", str(key_files["ec_private"]),
    )  # fmt: skip
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    client = make_secured("reflex", jwt_public_key_file=str(key_files["ec_public"]))
    assert client.get("/api/v1/stats", headers=bearer(token)).status_code == 200
    assert (
        client.post("/api/v1/check", json={"text": "x"}, headers=bearer(token)).status_code == 403
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss", "--sub", "a"], "unknown role(s) boss"),
        (["--sub", "a"], "at least one --role or --scope"),
        (["--role", "viewer", "--sub", "a"], "no signing key"),
        (["--role", "viewer", "--sub", "a", "--ttl", "soon"], "not a duration"),
        (["--role", "viewer", "--sub", "a", "--private-key", "/nonexistent.pem"], "cannot read"),
    ],
)
def test_refuses_what_it_cannot_mint(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.delenv("OCTOLLM_JWT_SECRET", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["token", *args])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
