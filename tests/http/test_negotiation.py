"""Content negotiation: 415 for a body that is not JSON, 406 for an Accept that excludes the
operation's media type."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http._support import Service, assert_envelope

# --- Content-Type (415) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", "text/html"],
)
def test_body_that_is_not_json_is_unsupported_media_type(
    client: Any, service: Service, content_type: str
) -> None:
    response = client.post(
        service.post_path,
        content=b'{"text": "hi", "goal": "hi"}',
        headers={"content-type": content_type, "X-Request-ID": "ct-1"},
    )
    error = assert_envelope(
        response,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        request_id="ct-1",
        field="Content-Type",
        constraint="media_type",
    )
    assert content_type in error["message"]
    assert "application/json" in error["message"]


def test_json_with_a_charset_is_accepted(client: Any, service: Service) -> None:
    response = client.post(
        service.post_path,
        content=b'{"%s": "hello there"}' % service.text_field.encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == service.post_status, response.text


def test_post_without_content_type_but_a_json_body_is_accepted(
    client: Any, service: Service
) -> None:
    response = client.post(
        service.post_path,
        content=b'{"%s": "hello there"}' % service.text_field.encode(),
        headers={"X-Request-ID": "no-ct"},
    )
    assert "content-type" not in response.request.headers
    assert response.status_code == service.post_status, response.text
    assert response.headers["x-request-id"] == "no-ct"
    if service.name == "orchestrator":
        assert response.json()["goal"] == "hello there"
    else:
        assert response.json()["decision"] == "allow"


def test_post_without_content_type_is_still_validated(client: Any, service: Service) -> None:
    body = b'{"%s": "hello", "unknown": 1}' % service.text_field.encode()
    response = client.post(service.post_path, content=body)
    assert "content-type" not in response.request.headers
    assert_envelope(
        response, 400, "VALIDATION_ERROR", field="unknown", constraint="additionalProperties"
    )


# --- Accept (406) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "*/*",
        "application/*",
        "application/json",
        "application/json;q=0.9",
        "application/json; q=0.5",
        "text/html, application/json",
        "text/html;q=1.0, */*;q=0.1",
        "APPLICATION/JSON",
    ],
)
def test_accept_admitting_json_is_served(client: Any, service: Service, accept: str) -> None:
    response = client.get(service.json_get, headers={"accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == "application/json"


@pytest.mark.parametrize(
    "accept",
    [
        "text/html",
        "text/*",
        "application/xml",
        "application/json;q=0",
        "application/json; q=0.0",
        "text/html, application/json;q=0",
    ],
)
def test_accept_excluding_json_is_not_acceptable(
    client: Any, service: Service, accept: str
) -> None:
    response = client.get(service.json_get, headers={"accept": accept, "X-Request-ID": "acc-1"})
    error = assert_envelope(
        response, 406, "NOT_ACCEPTABLE", request_id="acc-1", field="Accept", constraint="media_type"
    )
    assert "application/json" in error["message"]


def test_not_acceptable_is_decided_before_the_body_is_processed(
    client: Any, service: Service
) -> None:
    """A POST that would succeed is refused (and creates nothing) when Accept excludes JSON."""
    response = client.post(
        service.post_path, json=service.post_body, headers={"accept": "text/html"}
    )
    assert_envelope(response, 406, "NOT_ACCEPTABLE", field="Accept")


@pytest.mark.parametrize("accept", ["text/plain", "text/*", "*/*", "text/plain; version=0.0.4"])
def test_metrics_are_served_as_text(client: Any, accept: str) -> None:
    response = client.get("/api/v1/metrics", headers={"accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == "text/plain"
    assert "octollm_http_requests_total" in response.text


@pytest.mark.parametrize("accept", ["application/json", "text/html", "text/plain;q=0"])
def test_metrics_refuse_an_accept_excluding_text_plain(client: Any, accept: str) -> None:
    response = client.get("/api/v1/metrics", headers={"accept": accept, "X-Request-ID": "m-406"})
    error = assert_envelope(
        response, 406, "NOT_ACCEPTABLE", request_id="m-406", field="Accept", constraint="media_type"
    )
    assert "text/plain" in error["message"]
