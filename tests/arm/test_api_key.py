"""The API key: read from the variable `--api-key-env` names, sent as a Bearer token, not logged."""

from __future__ import annotations

import logging

import pytest

from octollm.arm.app import create_app
from octollm.config import Settings
from tests.arm.helpers import HEALTH, execute, post_execute

KEY = "sk-test-5b1f0e2c9d8a7f6e"


def test_the_key_is_sent_as_a_bearer_token_and_never_logged(
    make_arm, upstream, monkeypatch, caplog
):
    monkeypatch.setenv("ARM_TEST_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    arm = make_arm(arm_api_key_env="ARM_TEST_KEY")

    responses = [post_execute(arm)]
    upstream.reply.status, upstream.reply.error = 401, "Incorrect API key provided"
    responses.append(post_execute(arm))
    upstream.reply.status = 500
    responses.append(post_execute(arm))
    responses.append(arm.get(HEALTH))

    assert [r.status_code for r in responses] == [200, 200, 503, 200]
    assert {r.headers["authorization"] for r in upstream.requests} == {f"Bearer {KEY}"}
    assert upstream.model_requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert caplog.records  # there was logging to leak into
    assert KEY not in caplog.text
    assert all(KEY not in r.text for r in responses)


def test_a_named_key_variable_that_is_not_set_stops_the_start(upstream, monkeypatch):
    monkeypatch.delenv("ARM_TEST_KEY", raising=False)
    settings = Settings.from_env(
        {}, arm_upstream_url=upstream.url, arm_model="m", arm_api_key_env="ARM_TEST_KEY"
    )

    with pytest.raises(ValueError, match="the API key variable ARM_TEST_KEY is not set"):
        create_app(settings)


def test_without_a_key_variable_no_authorization_is_sent(arm, upstream):
    execute(arm)
    arm.get(HEALTH)

    assert "authorization" not in upstream.requests[0].headers
    assert "authorization" not in upstream.model_requests[0].headers
