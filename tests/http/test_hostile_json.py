"""JSON a parser accepts but an API must not: refused with a clear 400 on both services,
never a 500, a hang, or a value that cannot be written back as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from octollm.config import Settings
from octollm.http.validation import validators
from tests.http._support import Service, assert_envelope

MAX_JSON_DEPTH = Settings().max_json_depth

JSON = {"content-type": "application/json"}


def post(client, service: Service, raw: bytes):
    return client.post(service.post_path, content=raw, headers=JSON)


def with_extra(service: Service, extra: str) -> bytes:
    """The service's valid body, with `extra` spliced in as its last member."""
    body = json.dumps(service.post_body)
    return (body[:-1] + ", " + extra + "}").encode()


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 200_000])
def test_nesting_deeper_than_the_limit_is_refused(client, service: Service, depth: int):
    nested = "[" * depth + "]" * depth
    response = post(client, service, with_extra(service, f'"metadata": {nested}'))
    error = assert_envelope(response, 400, "VALIDATION_ERROR", field="body", constraint="max_depth")
    assert error["details"]["limit"] == MAX_JSON_DEPTH
    assert f"deeper than {MAX_JSON_DEPTH} levels" in error["message"]


def test_nesting_up_to_the_limit_is_parsed(client, service: Service):
    """At the limit the body is parsed and reaches the spec's own rules (an unknown field)."""
    depth = MAX_JSON_DEPTH - 1  # inside the body object, itself one level
    nested = "[" * depth + "]" * depth
    response = post(client, service, with_extra(service, f'"nested": {nested}'))
    assert_envelope(
        response, 400, "VALIDATION_ERROR", field="nested", constraint="additionalProperties"
    )


def test_default_depth_limit_is_64() -> None:
    assert MAX_JSON_DEPTH == 64
    assert Settings.from_env({"OCTOLLM_MAX_JSON_DEPTH": "5"}).max_json_depth == 5


@pytest.mark.parametrize("limit", [0, -1])
def test_a_depth_limit_below_one_is_refused_at_start_up(limit: int) -> None:
    with pytest.raises(ValueError, match="OCTOLLM_MAX_JSON_DEPTH"):
        validators(max_json_depth=limit)


@pytest.mark.parametrize("limit", [3, 100])
def test_the_depth_limit_is_configurable(
    make_client: Callable[..., Any], service: Service, limit: int
) -> None:
    """OCTOLLM_MAX_JSON_DEPTH: a body nested exactly `limit` deep is parsed (and reaches the
    spec's rules); one level more is refused, naming the configured limit."""
    client = make_client(max_json_depth=limit)
    at_limit = "[" * (limit - 1) + "]" * (limit - 1)  # inside the body object, itself level 1
    response = post(client, service, with_extra(service, f'"nested": {at_limit}'))
    assert_envelope(
        response, 400, "VALIDATION_ERROR", field="nested", constraint="additionalProperties"
    )
    over = "[" * limit + "]" * limit
    response = post(client, service, with_extra(service, f'"nested": {over}'))
    error = assert_envelope(response, 400, "VALIDATION_ERROR", field="body", constraint="max_depth")
    assert error["details"]["limit"] == limit
    assert f"deeper than {limit} levels" in error["message"]


def test_duplicate_keys_are_refused(client, service: Service):
    raw = with_extra(service, f'"{service.text_field}": "the second one"')
    error = assert_envelope(
        post(client, service, raw), 400, "VALIDATION_ERROR", field="body", constraint="unique_keys"
    )
    assert f'"{service.text_field}" appears twice' in error["message"]


def test_duplicate_keys_in_a_nested_object_are_refused(client, service: Service):
    raw = with_extra(service, '"metadata": {"a": 1, "a": 2}')
    assert_envelope(
        post(client, service, raw), 400, "VALIDATION_ERROR", field="body", constraint="unique_keys"
    )


@pytest.mark.parametrize("number", ["1e999999", "-1e400", "1.5e309"])
def test_a_number_beyond_a_double_is_refused(client, service: Service, number: str):
    error = assert_envelope(
        post(client, service, with_extra(service, f'"metadata": {{"n": {number}}}')),
        400,
        "VALIDATION_ERROR",
        field="body",
        constraint="number_range",
    )
    assert number in error["message"]


def test_an_integer_with_thousands_of_digits_is_refused(client, service: Service):
    raw = with_extra(service, f'"metadata": {{"n": {"9" * 5000}}}')
    assert_envelope(post(client, service, raw), 400, "VALIDATION_ERROR", field="body")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "\xff\xfe"}',  # not UTF-8
        b'{"text": "a\x00b"}',  # a raw NUL inside a string
        b"\x00\x00\x00",
        b'{"text": NaN}',
        b'{"text": "open',
    ],
)
def test_broken_json_is_a_clear_400(client, service: Service, raw: bytes):
    assert_envelope(post(client, service, raw), 400, "VALIDATION_ERROR", field="body")
