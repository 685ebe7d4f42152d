"""Checks any response against the spec: its status is documented, its body and headers conform.

Every request made through the test clients goes through `SpecChecker.check`, so a response that
contradicts the spec fails the test that provoked it, error responses included (they never
reach connexion's own response validation).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from connexion.json_schema import Draft4ResponseValidator
from connexion.spec import Specification

from octollm.http.app import BASE_PATH


class SpecViolation(AssertionError):
    pass


@functools.cache
def load_spec(path: Path) -> dict[str, Any]:
    """The spec with every `$ref` (to common.yaml too) resolved."""
    return Specification.load(path).spec


def _template_regex(template: str) -> re.Pattern[str]:
    literal_parts = re.split(r"\{[^}]+\}", template)
    return re.compile(
        f"^{re.escape(BASE_PATH)}" + "[^/]+".join(map(re.escape, literal_parts)) + "$"
    )


class SpecChecker:
    def __init__(self, spec_path: Path) -> None:
        self.spec = load_spec(spec_path)
        self.error_schema = self.spec["paths"]["/health"]["get"]["responses"]["500"]["content"][
            "application/json"
        ]["schema"]
        self.routes = [(_template_regex(t), t) for t in self.spec["paths"]]

    def operation(self, method: str, path: str) -> tuple[str | None, dict[str, Any] | None]:
        for regex, template in self.routes:
            if regex.match(path):
                return template, self.spec["paths"][template].get(method.lower())
        return None, None

    def check(self, method: str, path: str, status: int, headers: Any, content: bytes) -> None:
        where = f"{method} {path} -> {status}"
        if not headers.get("x-request-id"):
            raise SpecViolation(f"{where}: no X-Request-ID header")
        template, operation = self.operation(method, path)
        if path.startswith(f"{BASE_PATH}/ui") or path == f"{BASE_PATH}/openapi.json":
            return
        if operation is None or method.upper() == "HEAD":
            if status >= 400:
                self._validate(self.error_schema, content, headers, where)
            return
        responses = operation["responses"]
        documented = responses.get(str(status)) or responses.get("default")
        if documented is None:
            raise SpecViolation(f"{where}: status {status} is not documented for {template}")
        for name, header in documented.get("headers", {}).items():
            if name.lower() == "x-request-id" or status == 204:
                continue
            value = headers.get(name)
            if value is None:
                if header.get("required"):
                    raise SpecViolation(f"{where}: required header {name} missing")
                continue
            self._validate_header(name, header.get("schema", {}), value, where)
        content_spec = documented.get("content")
        if not content_spec:
            if content:
                raise SpecViolation(f"{where}: undocumented body {content[:100]!r}")
            return
        media = headers.get("content-type", "").split(";")[0].strip()
        if media not in content_spec:
            raise SpecViolation(f"{where}: content type {media!r} not in {list(content_spec)}")
        if media == "application/json":
            self._validate(content_spec[media]["schema"], content, headers, where)

    @staticmethod
    def _validate_header(name: str, schema: dict[str, Any], value: str, where: str) -> None:
        """A header's value against its schema (a simple-style scalar: string or integer)."""
        parsed: Any = value
        if schema.get("type") == "integer":
            if not re.fullmatch(r"-?[0-9]+", value):
                raise SpecViolation(f"{where}: header {name}: {value!r} is not an integer")
            parsed = int(value)
        errors = list(Draft4ResponseValidator(schema).iter_errors(parsed))
        if errors:
            raise SpecViolation(f"{where}: header {name}: {errors[0].message}")

    @staticmethod
    def _validate(schema: dict[str, Any], content: bytes, headers: Any, where: str) -> None:
        if headers.get("content-type", "").split(";")[0] != "application/json":
            raise SpecViolation(f"{where}: not JSON: {headers.get('content-type')}")
        body = json.loads(content)
        errors = sorted(Draft4ResponseValidator(schema).iter_errors(body), key=str)
        if errors:
            raise SpecViolation(f"{where}: {errors[0].message} at {list(errors[0].absolute_path)}")
