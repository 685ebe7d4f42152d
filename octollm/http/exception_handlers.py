"""The one place where every exception becomes the shared error envelope.

connexion raises `ProblemException`s, Starlette raises `HTTPException`s for unknown routes and
methods, the services raise `ApiError`; anything else is an internal error, logged with the
request id and disclosed to nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from connexion.exceptions import ProblemException, UnsupportedMediaTypeProblem
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from octollm.errors import ApiError
from octollm.http import auth, envelope

logger = logging.getLogger("octollm.errors")

INTERNAL_MESSAGE = "An internal error occurred; quote the request id when reporting it"


def _log(error: ApiError) -> None:
    level = logging.WARNING if error.status >= 500 else logging.INFO
    logger.log(level, "%s %s: %s", error.status, error.code, error.message)


def api_error(_request: ConnexionRequest, exc: ApiError) -> ConnexionResponse:
    _log(exc)
    return envelope.response(exc)


def problem(_request: ConnexionRequest, exc: ProblemException) -> ConnexionResponse:
    if exc.status >= 500:
        logger.error("connexion problem %s: %s", exc.status, exc.detail)
        error = ApiError("INTERNAL_ERROR", INTERNAL_MESSAGE)
    elif isinstance(exc, UnsupportedMediaTypeProblem):
        error = ApiError(
            "UNSUPPORTED_MEDIA_TYPE",
            f"{exc.detail}; send the body as application/json",
            {"field": "Content-Type", "constraint": "media_type"},
        )
    elif exc.status == 401:  # connexion's security: no bearer token, or an unusable header
        error = auth.refusal(str(exc.detail))
    else:
        error = ApiError.for_status(exc.status, str(exc.detail or exc.title))
    return api_error(_request, error)


def http_exception_handler(
    allowed_methods: Callable[[str], list[str]],
) -> Callable[[ConnexionRequest, HTTPException], ConnexionResponse]:
    """Starlette's 404 and 405; `allowed_methods(path)` lists a path's methods from the spec."""

    def http_exception(request: ConnexionRequest, exc: HTTPException) -> ConnexionResponse:
        if exc.status_code == 404:
            error = ApiError(
                "NOT_FOUND",
                f"No route for {request.method} {request.url.path}",
                {"field": "path", "constraint": "route"},
            )
        elif exc.status_code == 405:
            allowed = allowed_methods(request.url.path)
            allow = ", ".join(allowed)
            error = ApiError(
                "METHOD_NOT_ALLOWED",
                f"{request.method} is not allowed on {request.url.path}; allowed: {allow}",
                {"field": "method", "constraint": "allowed_methods", "allowed": allowed},
                headers={"Allow": allow},
            )
        else:
            error = ApiError.for_status(exc.status_code, str(exc.detail))
        return api_error(request, error)

    return http_exception


def unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    logger.error("unhandled %s", type(exc).__name__, exc_info=exc)
    return envelope.response(ApiError("INTERNAL_ERROR", INTERNAL_MESSAGE))


def handlers(allowed_methods: Callable[[str], list[str]]) -> list[tuple[type[Exception], Any]]:
    """Every exception class the app maps, with its handler (most specific first)."""
    return [
        (ApiError, api_error),
        (ProblemException, problem),
        (HTTPException, http_exception_handler(allowed_methods)),
        (Exception, unexpected),
    ]
