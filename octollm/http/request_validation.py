"""connexion's request validation middleware, with its per-request set-up moved to start-up.

connexion 3.3's `RequestValidationOperation` builds, on every request, two URI parsers, a
parameter validator, a media-type table for the Content-Type check and a body validator, all
from the operation alone. Here each operation builds them once and keeps them; what runs per
request is the validation itself, through the same `validator_map` (octollm.http.validation).

pyproject pins connexion to 3.3.x; tests/http/test_request_validation.py checks that what is
validated, and how it fails, is unchanged.
"""

from __future__ import annotations

import functools
import typing as t

from connexion import utils
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.operations import AbstractOperation
from starlette.types import Receive, Scope, Send

KNOWN_MEDIA_TYPES = 32  # Content-Type values remembered as accepted, per operation


def media_type(content_type: str) -> tuple[str, str]:
    """(media type, charset) of a Content-Type value; the charset utf-8 when none is named."""
    mime_type, _, parameters = content_type.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip()
            if len(charset) >= 2 and charset[0] == charset[-1] == '"':
                charset = charset[1:-1]
    return mime_type.strip(), "utf-8" if charset is None else charset


class _PlannedValidation(RequestValidationOperation):
    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._accepted: set[str] = set()  # media types validate_mime_type let through
        self._body_validators: dict[tuple[str, str], t.Any] = {}  # by media type and charset

    @functools.cached_property
    def parameter_validator(self) -> t.Any:
        operation = self._operation
        uri_parser = operation._uri_parser_class(operation.parameters, operation.body_definition())
        return self._validator_map["parameter"](
            operation.parameters,
            uri_parser=uri_parser,
            strict_validation=self.strict_validation,
            security_query_params=self.security_query_params,
        )

    @functools.cached_property
    def _without_content_type(self) -> tuple[str, str]:
        return super().extract_content_type([])  # what connexion assumes: the first it takes

    def extract_content_type(self, headers: t.Any) -> tuple[str, str]:
        """The first Content-Type header's media type and charset (utf-8 when none is given).

        Read as RFC 9110 (8.3) writes it, where connexion's reading is stricter than the RFC:
        whitespace around `;` and the media type, a parameter name in any case, a quoted value
        (`application/json; charset="utf-8"`); connexion took the charset only when it came
        right after `;`, in lower case, so a UTF-16 body declared `; charset=utf-16` was read
        as UTF-8.
        """
        for key, value in headers:
            if key.lower() == b"content-type":
                return media_type(value.decode("latin-1"))
        return self._without_content_type

    def validate_mime_type(self, mime_type: str) -> None:
        if mime_type in self._accepted:
            return
        super().validate_mime_type(mime_type)  # raises when the operation does not take it
        if len(self._accepted) < KNOWN_MEDIA_TYPES:
            self._accepted.add(mime_type)

    def body_validator(self, mime_type: str, encoding: str) -> t.Any:
        """The operation's body validator for this media type and charset, or None."""
        key = (mime_type, encoding)
        try:
            return self._body_validators[key]
        except KeyError:
            pass
        operation = self._operation
        schema = operation.body_schema(mime_type)
        validator = None
        if schema:
            try:
                body_validator = self._validator_map["body"][mime_type]
            except KeyError:
                pass  # connexion skips validation of a media type it has no validator for
            else:
                validator = body_validator(
                    schema=schema,
                    required=operation.request_body.get("required", False),
                    nullable=utils.is_nullable(operation.body_definition(mime_type)),
                    encoding=encoding,
                    strict_validation=self.strict_validation,
                    uri_parser=operation.uri_parser_class(
                        operation.parameters, operation.body_definition()
                    ),
                )
        if len(self._body_validators) < KNOWN_MEDIA_TYPES:
            self._body_validators[key] = validator
        return validator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.parameter_validator.validate(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        # Media types are case-insensitive (RFC 9110 8.3.1); connexion accepts `Application/JSON`
        # but then finds no validator for it, and the body went unvalidated.
        mime_type = mime_type.lower()
        self.validate_mime_type(mime_type)
        validator = self.body_validator(mime_type, encoding)
        if validator is not None:
            receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class _PlannedValidationAPI(RequestValidationAPI):
    def make_operation(self, operation: AbstractOperation) -> RequestValidationOperation:
        return _PlannedValidation(
            self.next_app,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )


class PlannedRequestValidationMiddleware(RequestValidationMiddleware):
    """connexion's `RequestValidationMiddleware`, each operation's validators built once."""

    api_cls = _PlannedValidationAPI
