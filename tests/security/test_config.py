"""Turning authentication on and off; a configuration that cannot work fails at start-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from octollm.config import Settings
from octollm.errors import ApiError
from octollm.http.auth import AuthConfigError, from_settings, token_info
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import SpecClient
from tests.security.conftest import SECRET, bearer, hs_token


def settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path, **values)


def test_off_by_default_no_token_is_needed(reflex: SpecClient) -> None:
    assert Settings.from_env({}).auth == "off"
    assert reflex.get("/api/v1/stats").status_code == 200
    assert reflex.post("/api/v1/check", json={"text": "hi"}).status_code == 200


def test_off_a_token_changes_nothing(reflex: SpecClient) -> None:
    assert reflex.get("/api/v1/stats", headers=bearer("garbage")).status_code == 200


def test_on_from_the_environment(make_secured: Callable[..., SpecClient]) -> None:
    env = {"OCTOLLM_AUTH": "jwt", "OCTOLLM_JWT_SECRET": SECRET, "OCTOLLM_JWT_LEEWAY_SECONDS": "5"}
    parsed = Settings.from_env(env)
    assert (parsed.auth, parsed.jwt_secret, parsed.jwt_leeway_seconds) == ("jwt", SECRET, 5.0)
    assert SECRET not in repr(parsed)


def test_health_stays_open(make_secured: Callable[..., SpecClient]) -> None:
    for service in ("reflex", "orchestrator"):
        client = make_secured(service)
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/metrics").status_code == 401


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"auth": "jwt"}, "needs exactly one key: set one of OCTOLLM_JWT_SECRET"),
        (
            {"auth": "jwt", "jwt_secret": SECRET, "jwt_jwks_file": "/x.json"},
            "got OCTOLLM_JWT_SECRET, OCTOLLM_JWT_JWKS_FILE",
        ),
        ({"auth": "jwt", "jwt_secret": "short"}, "at least 32 bytes"),
        ({"auth": "oauth"}, "OCTOLLM_AUTH: 'oauth' is not one of off, jwt"),
        (
            {"auth": "jwt", "jwt_public_key_file": "/nonexistent/key.pem"},
            "OCTOLLM_JWT_PUBLIC_KEY_FILE: cannot read a PEM public key from /nonexistent/key.pem",
        ),
        (
            {"auth": "jwt", "jwt_jwks_file": "/nonexistent/jwks.json"},
            "OCTOLLM_JWT_JWKS_FILE: cannot read a JSON Web Key Set",
        ),
    ],
    ids=["no-key", "two-keys", "short-secret", "unknown-mode", "no-pem", "no-jwks"],
)
def test_a_bad_configuration_fails_when_the_app_is_built(
    tmp_path: Path, values: dict[str, Any], expected: str
) -> None:
    with pytest.raises(AuthConfigError, match=expected.replace("(", r"\(")) as raised:
        create_reflex(settings(tmp_path, **values))
    assert SECRET not in str(raised.value)


def test_a_key_file_that_is_not_a_key_fails(tmp_path: Path, key_files: dict[str, Path]) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
    with pytest.raises(AuthConfigError, match="OCTOLLM_JWT_PUBLIC_KEY_FILE"):
        from_settings(settings(tmp_path, auth="jwt", jwt_public_key_file=str(garbage)))
    with pytest.raises(AuthConfigError, match="OCTOLLM_JWT_JWKS_FILE"):
        from_settings(settings(tmp_path, auth="jwt", jwt_jwks_file=str(garbage)))
    private_as_public = str(key_files["rsa_private"])
    with pytest.raises(AuthConfigError, match="OCTOLLM_JWT_PUBLIC_KEY_FILE"):
        from_settings(settings(tmp_path, auth="jwt", jwt_public_key_file=private_as_public))


def test_a_jwks_of_shared_secrets_is_refused(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text('{"keys": [{"kty": "oct", "k": "c2VjcmV0", "alg": "HS256"}]}')
    with pytest.raises(AuthConfigError, match="only public keys"):
        from_settings(settings(tmp_path, auth="jwt", jwt_jwks_file=str(jwks)))


def test_the_token_info_function_the_spec_names_refuses_when_unbound() -> None:
    with pytest.raises(ApiError) as raised:
        token_info(hs_token(roles=["admin"]))
    assert raised.value.code == "UNAUTHORIZED"


def test_token_info_gives_the_subject_and_the_scopes(tmp_path: Path) -> None:
    authenticator = from_settings(settings(tmp_path, auth="jwt", jwt_secret=SECRET))
    assert authenticator is not None
    info = authenticator.token_info(hs_token(sub="bob", roles=["viewer"], scope="cache:write"))
    assert info == {
        "sub": "bob",
        "scope": ["cache:read", "cache:write", "metrics:read", "stats:read", "tasks:read"],
    }
