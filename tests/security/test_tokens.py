"""Which tokens are accepted, which are refused, and how a refusal looks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest

from octollm.log import RequestIdFilter
from tests.conftest import SpecClient
from tests.http._support import assert_envelope
from tests.security.conftest import (
    AUDIENCE,
    ISSUER,
    SECRET,
    KeyPair,
    bearer,
    claims,
    hs_token,
)

STATS = "/api/v1/stats"  # reflex stats.get: needs stats:read (viewer)
CHECK = "/api/v1/check"  # reflex checks.run: needs reflex:check (operator)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hand_signed(header: dict[str, Any], payload: dict[str, Any], key: bytes) -> str:
    """An HS256 token signed by hand (PyJWT refuses a PEM key as an HMAC secret)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def assert_refused(response: Any, constraint: str, *, token_sent: bool = True) -> dict[str, Any]:
    error = assert_envelope(
        response, 401, "UNAUTHORIZED", field="Authorization", constraint=constraint
    )
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="octollm"'), challenge
    assert ('error="invalid_token"' in challenge) == token_sent, challenge
    return error


@pytest.fixture
def reflex_hs(make_secured: Callable[..., SpecClient]) -> SpecClient:
    return make_secured("reflex", jwt_issuer=ISSUER, jwt_audience=AUDIENCE)


def good(**overrides: Any) -> dict[str, Any]:
    return {"roles": ["viewer"], "iss": ISSUER, "aud": AUDIENCE, **overrides}


def test_a_valid_token_is_accepted(reflex_hs: SpecClient) -> None:
    assert reflex_hs.get(STATS, headers=bearer(hs_token(**good()))).status_code == 200


def test_no_token_is_401_without_an_error_code_in_the_challenge(reflex_hs: SpecClient) -> None:
    response = reflex_hs.get(STATS, headers={"X-Request-ID": "no-token-1"})
    error = assert_refused(response, "required", token_sent=False)
    assert error["request_id"] == "no-token-1"


@pytest.mark.parametrize(
    "authorization",
    ["Basic YWxpY2U6c2VjcmV0", "Bearer", "bearer  ", "Token abc"],
    ids=["basic", "bearer-alone", "bearer-blank", "other-scheme"],
)
def test_an_authorization_header_without_a_bearer_token_is_401(
    reflex_hs: SpecClient, authorization: str
) -> None:
    response = reflex_hs.get(STATS, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")


REFUSED: dict[str, tuple[Callable[[], str], str]] = {
    "malformed": (lambda: "not-a-jwt", "malformed"),
    "three-garbage-segments": (lambda: "abc.def.ghi", "malformed"),
    "expired": (lambda: hs_token(**good(exp=int(time.time()) - 120)), "expired"),
    "not-yet-valid": (lambda: hs_token(**good(nbf=int(time.time()) + 600)), "not_before"),
    "wrong-secret": (
        lambda: hs_token("another-secret-0123456789-abcdefghij", **good()),
        "signature",
    ),
    "tampered": (
        lambda: hs_token(**good()).rsplit(".", 1)[0] + "." + _b64(b"x" * 32),
        "signature",
    ),
    "alg-none": (
        lambda: jwt.encode(claims(**good()), None, algorithm="none"),
        "algorithm",
    ),
    "hs512": (
        lambda: jwt.encode(claims(**good()), SECRET * 2, algorithm="HS512"),
        "algorithm",
    ),
    "wrong-issuer": (lambda: hs_token(**good(iss="https://evil.test")), "issuer"),
    "no-issuer": (lambda: hs_token(**good(iss=None)), "claims"),
    "wrong-audience": (lambda: hs_token(**good(aud="someone-else")), "audience"),
    "no-exp": (lambda: hs_token(**good(exp=None)), "claims"),
    "no-sub": (lambda: hs_token(**good(sub=None)), "claims"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_token_is_401_invalid_token(reflex_hs: SpecClient, case: str) -> None:
    make, constraint = REFUSED[case]
    token = make()
    response = reflex_hs.get(STATS, headers=bearer(token))
    error = assert_refused(response, constraint)
    assert token not in response.text
    assert SECRET not in response.text
    assert error["message"] in response.headers["www-authenticate"]


def test_leeway_accepts_a_token_just_expired_and_no_more(
    make_secured: Callable[..., SpecClient],
) -> None:
    just_expired = hs_token(roles=["viewer"], exp=int(time.time()) - 10)
    lenient = make_secured("reflex")  # default leeway: 30 s
    assert lenient.get(STATS, headers=bearer(just_expired)).status_code == 200
    strict = make_secured("reflex", jwt_leeway_seconds=0)
    assert_refused(strict.get(STATS, headers=bearer(just_expired)), "expired")


def test_without_a_configured_audience_a_token_naming_one_is_refused(
    make_secured: Callable[..., SpecClient],
) -> None:
    client = make_secured("reflex")
    assert_refused(
        client.get(STATS, headers=bearer(hs_token(roles=["viewer"], aud="x"))), "audience"
    )


@pytest.mark.parametrize("pair_name", ["rsa_pair", "ec_pair"])
def test_a_public_key_verifies_rs256_and_es256(
    make_secured: Callable[..., SpecClient],
    key_files: dict[str, Path],
    request: pytest.FixtureRequest,
    pair_name: str,
) -> None:
    pair: KeyPair = request.getfixturevalue(pair_name)
    kind = "rsa" if pair_name == "rsa_pair" else "ec"
    client = make_secured("reflex", jwt_public_key_file=str(key_files[f"{kind}_public"]))
    token = jwt.encode(claims(roles=["viewer"]), pair.private, algorithm=pair.algorithm)
    assert client.get(STATS, headers=bearer(token)).status_code == 200
    forged = hs_token(roles=["viewer"])  # an HS256 token: not the configured algorithm
    assert_refused(client.get(STATS, headers=bearer(forged)), "algorithm")


def test_algorithm_confusion_hs256_signed_with_the_public_key_is_refused(
    make_secured: Callable[..., SpecClient], key_files: dict[str, Path], rsa_pair: KeyPair
) -> None:
    client = make_secured("reflex", jwt_public_key_file=str(key_files["rsa_public"]))
    token = _hand_signed(
        {"alg": "HS256", "typ": "JWT"}, claims(roles=["admin"]), rsa_pair.public_pem
    )
    assert_refused(client.get(STATS, headers=bearer(token)), "algorithm")


def test_a_jwks_picks_the_key_by_kid(
    make_secured: Callable[..., SpecClient],
    key_files: dict[str, Path],
    rsa_pair: KeyPair,
    ec_pair: KeyPair,
) -> None:
    client = make_secured("reflex", jwt_jwks_file=str(key_files["jwks"]))
    for pair, kid in ((rsa_pair, "rsa-1"), (ec_pair, "ec-1")):
        token = jwt.encode(
            claims(roles=["viewer"]), pair.private, algorithm=pair.algorithm, headers={"kid": kid}
        )
        assert client.get(STATS, headers=bearer(token)).status_code == 200
    unknown = jwt.encode(
        claims(roles=["viewer"]), rsa_pair.private, algorithm="RS256", headers={"kid": "nope"}
    )
    assert_refused(client.get(STATS, headers=bearer(unknown)), "signature")
    swapped = jwt.encode(  # signed by the RSA key, claiming the EC key's kid
        claims(roles=["viewer"]), rsa_pair.private, algorithm="RS256", headers={"kid": "ec-1"}
    )
    assert_refused(client.get(STATS, headers=bearer(swapped)), "algorithm")
    confused = _hand_signed(
        {"alg": "HS256", "kid": "rsa-1"}, claims(roles=["admin"]), rsa_pair.public_pem
    )
    assert_refused(client.get(STATS, headers=bearer(confused)), "algorithm")


def test_the_scope_claim_is_honoured_beside_the_roles(reflex_hs: SpecClient) -> None:
    only_scope = hs_token(**good(roles=None, scope="stats:read reflex:check"))
    assert reflex_hs.get(STATS, headers=bearer(only_scope)).status_code == 200
    assert reflex_hs.post(CHECK, json={"text": "hi"}, headers=bearer(only_scope)).status_code == 200
    nothing = hs_token(**good(roles=["nobody"]))
    error = assert_envelope(
        reflex_hs.get(STATS, headers=bearer(nothing)), 403, "FORBIDDEN", constraint="scope"
    )
    assert error["details"]["required_scopes"] == ["stats:read"]


def test_a_missing_scope_is_403_naming_it(reflex_hs: SpecClient) -> None:
    response = reflex_hs.post(
        CHECK,
        json={"text": "hi"},
        headers={**bearer(hs_token(**good())), "X-Request-ID": "forbidden-1"},
    )
    error = assert_envelope(response, 403, "FORBIDDEN", request_id="forbidden-1")
    assert error["details"]["required_scopes"] == ["reflex:check"]
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="reflex:check"' in challenge


def test_tokens_and_secrets_stay_out_of_the_logs(
    reflex_hs: SpecClient, caplog: pytest.LogCaptureFixture, rsa_pair: KeyPair
) -> None:
    caplog.set_level(logging.DEBUG)
    request_filter = RequestIdFilter()
    caplog.handler.addFilter(request_filter)
    try:
        tokens = [make() for make, _ in REFUSED.values()]
        tokens += [
            hs_token(**good()),
            hs_token(**good(roles=["nobody"])),
            _hand_signed({"alg": "HS256"}, claims(**good()), rsa_pair.public_pem),
        ]
        for token in tokens:
            reflex_hs.get(STATS, headers=bearer(token))
        reflex_hs.post(CHECK, json={"text": "hi"}, headers=bearer(tokens[-2]))
    finally:
        caplog.handler.removeFilter(request_filter)
    assert caplog.records, "the requests were logged"
    logged = "\n".join([caplog.text, *(repr(vars(r)) for r in caplog.records)])
    for token in tokens:
        assert token not in logged
        _header, _, rest = token.partition(".")
        for segment in rest.split("."):  # the claims and the signature
            assert len(segment) < 16 or segment not in logged
    assert SECRET not in logged


def test_the_rate_limiter_counts_the_tokens_subject(
    make_secured: Callable[..., SpecClient],
) -> None:
    client = make_secured("reflex", rate_limits=True, rate_limit_per_ip=2, rate_limit_per_subject=5)
    with_token = client.get(STATS, headers=bearer(hs_token(roles=["viewer"])))
    assert with_token.headers["x-ratelimit-limit"] == "5"
    without = client.get(STATS)  # refused by security, after the limiter: counted per IP
    assert without.status_code == 401 and without.headers["x-ratelimit-limit"] == "2"


def test_a_remembered_token_is_refused_once_it_expires(
    make_secured: Callable[..., SpecClient],
) -> None:
    client = make_secured("reflex", jwt_leeway_seconds=0)
    token = hs_token(roles=["viewer"], exp=int(time.time()) + 2)
    assert client.get(STATS, headers=bearer(token)).status_code == 200  # verified, remembered
    time.sleep(
        max(0.0, jwt.decode(token, options={"verify_signature": False})["exp"] - time.time()) + 0.1
    )
    assert_refused(client.get(STATS, headers=bearer(token)), "expired")
