"""JWT authentication with role-based scopes, enforced by connexion from the specs.

The specs declare every operation's scopes (`security`) under the oauth2 scheme `JwtBearer`
of `specs/common.yaml`, which also names the functions connexion calls (`x-tokenInfoFunc`,
`x-scopeValidateFunc`) and states which scopes each role grants (`x-roles`): the table is read
from there, never repeated here.

Off by default (`OCTOLLM_AUTH` unset or `off`): `build_app` then leaves connexion's security
middleware out, so the declarations cost nothing. With `OCTOLLM_AUTH=jwt` each app gets an
`Authenticator` built from the settings (a bad configuration fails at start-up), bound to
`token_info` through connexion's `security_map`.

Refusals never quote the token or the key: their messages are fixed texts.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from connexion.security import OAuthSecurityHandler
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from octollm.config import Settings
from octollm.errors import ApiError

SCHEME = "JwtBearer"  # the security scheme in specs/common.yaml
ROLES_EXTENSION = "x-roles"
REALM = "octollm"
MIN_SECRET_BYTES = 32  # RFC 7518 3.2: an HS256 key at least as long as the hash
REQUIRED_CLAIMS = ["exp", "sub"]
VERIFIED_CACHE_SIZE = 4096  # tokens whose verification is remembered until they expire


class AuthConfigError(ValueError):
    """The authentication settings cannot work; raised when an app is built."""


def _challenge(error: str | None = None, description: str | None = None, **extra: str) -> str:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{description}"')
    parts += [f'{key}="{value}"' for key, value in extra.items()]
    return "Bearer " + ", ".join(parts)


def unauthorized(
    message: str, constraint: str = "required", *, token_sent: bool = False
) -> ApiError:
    """401 with its `WWW-Authenticate` challenge (`invalid_token` when a token was refused)."""
    challenge = _challenge("invalid_token", message) if token_sent else _challenge()
    return ApiError(
        "UNAUTHORIZED",
        message,
        {"field": "Authorization", "constraint": constraint},
        headers={"WWW-Authenticate": challenge},
    )


NO_TOKEN = "No authorization token provided"  # connexion's detail when no bearer token came


def refusal(connexion_detail: str) -> ApiError:
    """The 401 for connexion's own refusals: no bearer token, or an unusable header."""
    if connexion_detail == NO_TOKEN:
        return unauthorized("A bearer token is required: send Authorization: Bearer <token>")
    return unauthorized(
        "The Authorization header is not 'Bearer <token>'", "malformed", token_sent=True
    )


# PyJWT's exceptions, most specific first -> (constraint, fixed message).
_REFUSALS: list[tuple[type[Exception], str, str]] = [
    (jwt.ExpiredSignatureError, "expired", "The token has expired"),
    (jwt.ImmatureSignatureError, "not_before", "The token is not valid yet"),
    (jwt.InvalidIssuerError, "issuer", "The token's issuer is not accepted"),
    (jwt.InvalidAudienceError, "audience", "The token's audience is not accepted"),
    (jwt.MissingRequiredClaimError, "claims", "The token lacks a required claim"),
    (jwt.InvalidAlgorithmError, "algorithm", "The token's algorithm is not accepted"),
    (jwt.InvalidSignatureError, "signature", "The token's signature is not valid"),
    (jwt.InvalidKeyError, "signature", "The token's signature is not valid"),
    (jwt.PyJWKSetError, "signature", "No key matches the token"),
    (jwt.PyJWKError, "signature", "No key matches the token"),
    (jwt.DecodeError, "malformed", "The token is malformed"),
    (jwt.InvalidTokenError, "invalid", "The token is not valid"),
]


def roles_from_spec(specs_dir: Path) -> dict[str, frozenset[str]]:
    """The role -> scopes table of the `JwtBearer` scheme, as `specs/common.yaml` states it."""
    from octollm.http.app import load_yaml  # app imports this module

    scheme = load_yaml(specs_dir / "common.yaml")["components"]["securitySchemes"][SCHEME]
    return {role: frozenset(scopes) for role, scopes in scheme[ROLES_EXTENSION].items()}


def scopes_of(claims: Mapping[str, Any], roles: Mapping[str, frozenset[str]]) -> set[str]:
    """The scopes of the token's `roles` (a list, or one string) and of its `scope` claim."""
    granted_roles = claims.get("roles", [])
    if isinstance(granted_roles, str):
        granted_roles = [granted_roles]
    scopes: set[str] = set()
    for role in granted_roles if isinstance(granted_roles, list) else []:
        if isinstance(role, str):
            scopes |= roles.get(role, frozenset())
    scope_claim = claims.get("scope", "")
    if isinstance(scope_claim, str):
        scopes |= set(scope_claim.split())
    return scopes


def _asymmetric_algorithm(key: Any) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    raise AuthConfigError(
        "OCTOLLM_JWT_PUBLIC_KEY_FILE: only RSA (RS256) and P-256 EC (ES256) public keys are "
        f"supported, not {type(key).__name__}"
    )


@dataclass(frozen=True)
class _Key:
    key: Any
    algorithms: tuple[str, ...]


class Authenticator:
    """Verifies tokens with the configured key; one per app, built from the settings."""

    def __init__(
        self,
        keys: Callable[[str], _Key],
        roles: Mapping[str, frozenset[str]],
        *,
        issuer: str = "",
        audience: str = "",
        leeway_seconds: float = 30,
    ) -> None:
        self._keys = keys
        self.roles = dict(roles)
        self.issuer = issuer or None
        self.audience = audience or None
        self.leeway_seconds = leeway_seconds
        # token -> (accepted until, claims): a token is verified once, not once per middleware
        # and request; a remembered one is refused again once past its `exp` (and leeway).
        self._verified: dict[str, tuple[float, dict[str, Any]]] = {}

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims; a refusal is a 401 `ApiError` that never quotes the token."""
        remembered = self._verified.get(token)
        if remembered is not None and time.time() < remembered[0]:
            return remembered[1]
        claims = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # the oldest
        self._verified[token] = (float(claims["exp"]) + self.leeway_seconds, claims)
        return claims

    def subject(self, token: str) -> str | None:
        """The subject of a valid token, None for any other: for the rate limiter's key."""
        try:
            return str(self.claims(token)["sub"])
        except ApiError:
            return None

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            key = self._keys(token)
            return jwt.decode(
                token,
                key.key,
                algorithms=list(key.algorithms),
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except Exception as exc:  # any failure to verify is a refusal, never a 500
            constraint, message = next(
                ((c, m) for kind, c, m in _REFUSALS if isinstance(exc, kind)),
                ("invalid", "The token is not valid"),
            )
            if isinstance(exc, jwt.MissingRequiredClaimError):  # a name PyJWT was asked for
                message = f"The token lacks the required claim {exc.claim!r}"
            raise unauthorized(message, constraint, token_sent=True) from None

    def token_info(self, token: str) -> dict[str, Any]:
        claims = self.claims(token)
        return {
            "sub": str(claims["sub"]),
            "scope": sorted(scopes_of(claims, self.roles)),
        }


def _single_key(key: Any, algorithm: str) -> Callable[[str], _Key]:
    fixed = _Key(key, (algorithm,))
    return lambda _token: fixed


def _jwks_keys(path: str) -> Callable[[str], _Key]:
    try:
        key_set = jwt.PyJWKSet.from_json(Path(path).read_text())
    except (OSError, jwt.PyJWKSetError, json.JSONDecodeError, ValueError) as exc:
        raise AuthConfigError(
            f"OCTOLLM_JWT_JWKS_FILE: cannot read a JSON Web Key Set from {path}: "
            f"{type(exc).__name__}"
        ) from None
    keys = [k for k in key_set.keys if k.public_key_use in (None, "sig")]
    if not keys:
        raise AuthConfigError(f"OCTOLLM_JWT_JWKS_FILE: {path} holds no signing key")
    for key in keys:
        if key.algorithm_name in ("HS256", "HS384", "HS512", "none"):
            raise AuthConfigError(
                f"OCTOLLM_JWT_JWKS_FILE: {path}: only public keys are accepted "
                "(use OCTOLLM_JWT_SECRET for HS256)"
            )

    def select(token: str) -> _Key:
        kid = jwt.get_unverified_header(token).get("kid")
        if kid is None and len(keys) == 1:
            chosen = keys[0]
        else:
            chosen = next((k for k in keys if k.key_id == kid), None)
        if chosen is None:
            raise jwt.PyJWKError("no key matches the token's kid")
        return _Key(chosen.key, (chosen.algorithm_name,))

    return select


def _public_key(path: str) -> Callable[[str], _Key]:
    try:
        key = load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise AuthConfigError(
            f"OCTOLLM_JWT_PUBLIC_KEY_FILE: cannot read a PEM public key from {path}: "
            f"{type(exc).__name__}"
        ) from None
    return _single_key(key, _asymmetric_algorithm(key))


def _secret(secret: str) -> Callable[[str], _Key]:
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise AuthConfigError(
            f"OCTOLLM_JWT_SECRET: an HS256 secret needs at least {MIN_SECRET_BYTES} bytes"
        )
    return _single_key(secret, "HS256")


def from_settings(settings: Settings) -> Authenticator | None:
    """The app's authenticator; None when authentication is off. Raises `AuthConfigError`."""
    mode = settings.auth.strip().lower()
    if mode in ("", "off", "none"):
        return None
    if mode != "jwt":
        raise AuthConfigError(f"OCTOLLM_AUTH: {settings.auth!r} is not one of off, jwt")
    sources = {
        "OCTOLLM_JWT_SECRET": (settings.jwt_secret, _secret),
        "OCTOLLM_JWT_PUBLIC_KEY_FILE": (settings.jwt_public_key_file, _public_key),
        "OCTOLLM_JWT_JWKS_FILE": (settings.jwt_jwks_file, _jwks_keys),
    }
    given = [name for name, (value, _) in sources.items() if value]
    if len(given) != 1:
        names = ", ".join(sources)
        found = f"; got {', '.join(given)}" if given else ""
        raise AuthConfigError(f"OCTOLLM_AUTH=jwt needs exactly one key: set one of {names}{found}")
    value, load = sources[given[0]]
    return Authenticator(
        load(value),
        roles_from_spec(settings.specs_dir),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        leeway_seconds=settings.jwt_leeway_seconds,
    )


# What the spec names: connexion calls these.


def token_info(token: str, *, authenticator: Authenticator | None = None) -> dict[str, Any]:
    """`x-tokenInfoFunc`: {"sub", "scope": [...]} of a valid token; 401 otherwise.

    `build_app` binds the app's authenticator; unbound (the spec mounted some other way),
    every token is refused.
    """
    if authenticator is None:
        raise unauthorized("Authentication is not configured on this server", "configuration")
    return authenticator.token_info(token)


def validate_scope(required_scopes: Iterable[str], token_scopes: Iterable[str] | str) -> bool:
    """`x-scopeValidateFunc`: the token must hold every scope of the operation; 403 otherwise."""
    required = sorted(set(required_scopes))
    granted = set(token_scopes.split() if isinstance(token_scopes, str) else token_scopes)
    if set(required) <= granted:
        return True
    scopes = " ".join(required)
    raise ApiError(
        "FORBIDDEN",
        f"This operation needs the scope(s) {', '.join(required)}",
        {"field": "Authorization", "constraint": "scope", "required_scopes": required},
        headers={"WWW-Authenticate": _challenge("insufficient_scope", scope=scopes)},
    )


def security_map(authenticator: Authenticator) -> dict[str, Callable[[], OAuthSecurityHandler]]:
    """connexion's `security_map`: its oauth2 handler, with `token_info` bound to this app."""

    class BoundOAuthHandler(OAuthSecurityHandler):
        # connexion 3.3 asks, on every request, whether the token-info and scope functions take
        # a keyword (an `inspect.signature` each time): the answer never changes.
        _accepts_kwarg = staticmethod(
            functools.lru_cache(maxsize=64)(OAuthSecurityHandler._accepts_kwarg)
        )

        def get_tokeninfo_func(self, security_definition: dict) -> Callable[..., Any] | None:
            func = super().get_tokeninfo_func(security_definition)
            if func is token_info:
                return functools.partial(token_info, authenticator=authenticator)
            return func

    return {"oauth2": BoundOAuthHandler}


# `octollm token`: local tokens.


def mint(
    *,
    sub: str,
    roles: list[str],
    ttl_seconds: int,
    key: Any,
    algorithm: str,
    issuer: str = "",
    audience: str = "",
    scope: str = "",
    now: float | None = None,
) -> str:
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "sub": sub,
        "roles": roles,
        "iat": issued,
        "exp": issued + ttl_seconds,
    }
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    if scope:
        claims["scope"] = scope
    return jwt.encode(claims, key, algorithm=algorithm)


def private_key(path: Path) -> tuple[Any, str]:
    """A PEM private key (unencrypted) and the algorithm it signs with."""
    try:
        key = load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise AuthConfigError(
            f"cannot read an unencrypted PEM private key from {path}: {type(exc).__name__}"
        ) from None
    if isinstance(key, rsa.RSAPrivateKey):
        return key, "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return key, "ES256"
    raise AuthConfigError(f"{path}: only RSA and P-256 EC private keys are supported")
