"""What each way the model server can fail becomes: a failed execution, or a 503 to retry."""

from __future__ import annotations

import json

import pytest

from tests.arm.fake_upstream import MODEL
from tests.arm.helpers import execute, failed, post_execute
from tests.conftest import free_port


def test_the_deadline_fails_the_execution_with_timeout(arm, upstream):
    upstream.reply.delay = 5

    result = execute(arm, timeout_seconds=1)

    error = failed(result, "TIMEOUT")
    assert error["message"] == "The model did not answer within 1 s"
    assert 1000 <= result["provenance"]["processing_time_ms"] < 3000
    assert result["provenance"]["tokens_used"] == 0
    assert result["provenance"]["model"] is None


def test_an_unreachable_upstream_is_a_503_to_retry(make_arm):
    arm = make_arm(arm_upstream_url=f"http://127.0.0.1:{free_port()}")

    response = post_execute(arm)

    assert response.status_code == 503
    error = response.json()["error"]
    assert "unreachable" in error["message"] and "ConnectError" in error["message"]
    assert error["details"] == {"dependency": "upstream"}


@pytest.mark.parametrize("status", [500, 502, 503])
def test_an_upstream_server_error_is_a_503_to_retry(arm, upstream, status):
    upstream.reply.status, upstream.reply.error = status, "overloaded"

    response = post_execute(arm)

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE"
    assert error["message"] == f"The model server failed ({status})"
    assert error["details"] == {"dependency": "upstream"}
    assert error["request_id"] == response.headers["x-request-id"]


def test_an_upstream_rejection_fails_the_execution_with_its_reason(arm, upstream):
    upstream.reply.status = 400
    upstream.reply.error = "This model's maximum context length is 8192 tokens"

    result = execute(arm)

    error = failed(result, "UPSTREAM_REJECTED")
    assert error["message"] == (
        "The model server refused (400): This model's maximum context length is 8192 tokens"
    )
    assert result["provenance"]["tokens_used"] == 0


def test_a_long_rejection_is_truncated(arm, upstream):
    upstream.reply.status, upstream.reply.error = 422, "x" * 5000

    error = failed(execute(arm), "UPSTREAM_REJECTED")

    assert error["message"].startswith("The model server refused (422): xxx")
    assert error["message"].endswith("...")
    assert len(error["message"]) < 600


def test_a_rejection_without_an_openai_error_body_quotes_the_text(arm, upstream):
    upstream.reply.status, upstream.reply.raw = 404, b"model 'nope' not found"

    error = failed(execute(arm), "UPSTREAM_REJECTED")

    assert error["message"] == "The model server refused (404): model 'nope' not found"


def _completion(**changes: object) -> bytes:
    body = {
        "model": MODEL,
        "choices": [{"message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        **changes,
    }
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    "raw",
    [
        b"<html>not json</html>",
        b"[]",
        _completion(choices=[]),
        _completion(choices=[{"message": {"role": "assistant", "content": None}}]),
        _completion(usage=None),
        _completion(usage={"prompt_tokens": -1, "completion_tokens": 1}),
        _completion(usage={"prompt_tokens": 1}),
    ],
    ids=["html", "array", "no-choices", "null-content", "no-usage", "negative", "partial-usage"],
)
def test_a_malformed_completion_fails_the_execution(arm, upstream, raw):
    upstream.reply.raw = raw

    error = failed(execute(arm), "UPSTREAM_INVALID")

    assert error["message"].startswith("The model server's answer is not a completion")


def test_usage_without_total_tokens_is_summed(arm, upstream):
    upstream.reply.usage = {"prompt_tokens": 7, "completion_tokens": 5}

    result = execute(arm)

    assert result["provenance"]["tokens_used"] == 12
    assert result["result"]["usage"]["total_tokens"] == 12


def test_an_upstream_rate_limit_is_a_503_to_retry(arm, upstream):
    upstream.reply.status, upstream.reply.error = 429, "slow down"

    response = post_execute(arm)

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["message"].startswith("The model server is rate limiting (429)")
    assert "slow down" in error["message"]
    assert error["details"] == {"dependency": "upstream"}
