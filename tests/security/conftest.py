"""Keys, tokens and services with authentication on (`OCTOLLM_AUTH=jwt`)."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from octollm.config import Settings
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import SpecClient, spec_client

SECRET = "test-secret-0123456789-abcdefghijklmnop"  # 39 bytes: long enough for HS256
ISSUER = "https://issuer.test"
AUDIENCE = "octollm-tests"


@dataclass(frozen=True)
class KeyPair:
    private: Any
    public_pem: bytes
    private_pem: bytes
    algorithm: str


def _pair(private: Any, algorithm: str) -> KeyPair:
    return KeyPair(
        private,
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        algorithm,
    )


@pytest.fixture(scope="session")
def rsa_pair() -> KeyPair:
    return _pair(rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")


@pytest.fixture(scope="session")
def ec_pair() -> KeyPair:
    return _pair(ec.generate_private_key(ec.SECP256R1()), "ES256")


@pytest.fixture(scope="session")
def key_files(
    tmp_path_factory: pytest.TempPathFactory, rsa_pair: KeyPair, ec_pair: KeyPair
) -> dict[str, Path]:
    """PEM and JWKS files of the test keys."""
    folder = tmp_path_factory.mktemp("keys")
    files = {
        "rsa_public": rsa_pair.public_pem,
        "rsa_private": rsa_pair.private_pem,
        "ec_public": ec_pair.public_pem,
        "ec_private": ec_pair.private_pem,
    }
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name}.pem"
        paths[name].write_bytes(content)
    rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_pair.private.public_key()))
    ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_pair.private.public_key()))
    jwks = {
        "keys": [
            {**rsa_jwk, "kid": "rsa-1", "alg": "RS256", "use": "sig"},
            {**ec_jwk, "kid": "ec-1", "alg": "ES256", "use": "sig"},
        ]
    }
    paths["jwks"] = folder / "jwks.json"
    paths["jwks"].write_text(json.dumps(jwks))
    return paths


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {"sub": "alice", "iat": now, "exp": now + 300}
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def hs_token(secret: str = SECRET, headers: dict[str, Any] | None = None, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), secret, algorithm="HS256", headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_secured(tmp_path: Path, reflex_url: str) -> Iterator[Callable[..., SpecClient]]:
    """Builds a spec-checking client of `service` with auth on (HS256 secret unless told)."""
    stack = contextlib.ExitStack()

    def make(service: str, **overrides: Any) -> SpecClient:
        values: dict[str, Any] = {
            "data_dir": tmp_path / f"data-{len(stack._exit_callbacks)}",
            "validate_responses": True,
            "reflex_url": reflex_url,
            "auth": "jwt",
        }
        if not any(k in overrides for k in ("jwt_public_key_file", "jwt_jwks_file")):
            values["jwt_secret"] = SECRET
        values.update(overrides)
        settings = Settings.from_env({}, **values)
        create = create_reflex if service == "reflex" else create_orchestrator
        return stack.enter_context(spec_client(create(settings), service))

    with stack:
        yield make
