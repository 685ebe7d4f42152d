"""POST /api/v1/execute on the LLM arm: the prompt it sends, and the result it reports."""

from __future__ import annotations

import json

from tests.arm.conftest import ARM_MODEL
from tests.arm.fake_upstream import MODEL, USAGE
from tests.arm.helpers import TASK, execute, task


def test_a_task_becomes_a_chat_completion_and_its_answer_the_result(arm, upstream):
    result = execute(arm, request_id="orchestrator-req-7")

    assert result["success"] is True
    assert result["error"] is None
    assert result["result"] == {
        "output": upstream.reply.content,
        "finish_reason": "stop",
        "usage": USAGE,
        "cost_usd": None,  # no prices configured
    }
    provenance = result["provenance"]
    assert provenance["arm_id"] == "llm"
    assert provenance["tokens_used"] == USAGE["total_tokens"]
    assert provenance["model"] == MODEL  # as the server reports it, not as asked
    assert provenance["processing_time_ms"] >= 0

    [sent] = upstream.requests
    assert sent.json["model"] == ARM_MODEL
    assert sent.json["max_tokens"] == TASK["budget"]["max_tokens"]
    assert sent.headers["x-request-id"] == "orchestrator-req-7"
    assert "authorization" not in sent.headers  # no API key configured
    system, user = sent.json["messages"]
    assert system["role"] == "system"
    assert "OctoLLM" in system["content"] and "'llm'" in system["content"]
    assert user["role"] == "user"
    content = user["content"]
    assert TASK["goal"] in content
    assert TASK["context"] in content
    for criterion in TASK["acceptance_criteria"]:
        assert f"- {criterion}" in content
    constraints = content.split("Constraints (JSON):\n", 1)[1].split("\n\n", 1)[0]
    assert json.loads(constraints) == TASK["constraints"]


def test_max_tokens_defaults_to_10000_without_a_budget_for_it(arm, upstream):
    execute(arm, task(budget={}))

    assert upstream.requests[0].json["max_tokens"] == 10000


def test_an_empty_context_and_no_criteria_say_none(arm, upstream):
    execute(arm, task(context="", acceptance_criteria=[], constraints={}))

    content = upstream.requests[0].json["messages"][1]["content"]
    assert "Context:\n(none)" in content
    assert "Acceptance criteria:\n(none)" in content


def test_task_fields_the_arm_does_not_know_are_ignored(arm, upstream):
    extended = task(
        status="processing",
        priority="high",
        required_capabilities=["general"],
        a_field_from_the_future={"nested": True},
        budget={**TASK["budget"], "max_retries": 3},
    )

    result = execute(arm, extended)

    assert result["success"] is True
    assert "a_field_from_the_future" not in upstream.requests[0].json["messages"][1]["content"]


def test_the_reported_model_and_finish_reason_are_passed_on(arm, upstream):
    upstream.reply.model = "llama-3.1-8b-instruct-q4"
    upstream.reply.finish_reason = "length"

    result = execute(arm)

    assert result["provenance"]["model"] == "llama-3.1-8b-instruct-q4"
    assert result["result"]["finish_reason"] == "length"


def test_arm_id_and_a_v1_suffix_on_the_upstream_url(make_arm, upstream):
    arm = make_arm(arm_id="writer", arm_upstream_url=f"{upstream.url}/v1/")

    result = execute(arm)

    assert result["success"] is True, result
    assert result["provenance"]["arm_id"] == "writer"
    assert "'writer'" in upstream.requests[0].json["messages"][0]["content"]
