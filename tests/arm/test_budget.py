"""`budget.max_cost_usd` with prices configured: the answer is capped, or refused, or withheld."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from tests.arm.helpers import TASK, execute, failed, task

INPUT, OUTPUT = "0.5", "1.5"  # USD per 1000 tokens: large, so small budgets bite


@pytest.fixture
def priced(make_arm):
    return make_arm(arm_price_input_per_1k=INPUT, arm_price_output_per_1k=OUTPUT)


def expected_cap(prompt: str, max_cost: str) -> int:
    """The spec's rule, computed independently: prompt tokens estimated as ceil(chars / 4)."""
    prompt_cost = math.ceil(len(prompt) / 4) * Fraction(INPUT) / 1000
    return math.floor((Fraction(max_cost) - prompt_cost) * 1000 / Fraction(OUTPUT))


def test_max_tokens_is_capped_so_the_answer_fits_the_budget(priced, upstream):
    result = execute(priced, task(budget={"max_tokens": 5000, "max_cost_usd": 0.3}))

    [sent] = upstream.requests
    cap = expected_cap(sent.prompt, "0.3")
    assert 0 < cap < 5000
    assert sent.json["max_tokens"] == cap
    usage = result["result"]["usage"]  # 30 prompt + 12 completion tokens
    assert result["result"]["cost_usd"] == pytest.approx(30 * 0.5 / 1000 + 12 * 1.5 / 1000)
    assert usage["total_tokens"] == result["provenance"]["tokens_used"] == 42


def test_a_budget_with_room_keeps_max_tokens(priced, upstream):
    execute(priced, task(budget={"max_tokens": 100, "max_cost_usd": 10}))

    assert upstream.requests[0].json["max_tokens"] == 100


def test_a_budget_the_prompt_alone_exhausts_is_refused_without_a_call(priced, upstream):
    result = execute(priced, task(budget={"max_tokens": 100, "max_cost_usd": 0.0001}))

    error = failed(result, "BUDGET_EXCEEDED")
    assert upstream.requests == []
    assert "leaves no room for an answer within budget.max_cost_usd of $0.0001" in error["message"]
    assert "the model was not called" in error["message"]
    assert result["provenance"]["tokens_used"] == 0
    assert result["provenance"]["model"] is None


def test_an_answer_that_cost_more_than_the_budget_is_withheld(priced, upstream):
    upstream.reply.usage = {"prompt_tokens": 2000, "completion_tokens": 10, "total_tokens": 2010}

    result = execute(priced, task(budget={"max_cost_usd": 0.5}))  # the prompt was under-estimated

    error = failed(result, "BUDGET_EXCEEDED")
    assert error["message"].startswith("The answer cost $1.015, over budget.max_cost_usd of $0.5")
    assert "2000 prompt and 10 completion tokens" in error["message"]
    assert result["provenance"]["tokens_used"] == 2010  # spent all the same
    assert result["provenance"]["model"] is not None


def test_an_answer_that_costs_exactly_the_budget_is_within_it(make_arm, upstream):
    arm = make_arm(arm_price_input_per_1k="0.1", arm_price_output_per_1k="0.2")
    upstream.reply.usage = {"prompt_tokens": 1000, "completion_tokens": 1000, "total_tokens": 2000}

    result = execute(arm, task(budget={"max_cost_usd": 0.3}))  # 0.1 + 0.2: exact in decimal

    assert result["success"] is True, result
    assert result["result"]["cost_usd"] == pytest.approx(0.3)


def test_free_completions_are_not_capped(make_arm, upstream):
    arm = make_arm(arm_price_input_per_1k="0.5")  # output price missing: 0

    result = execute(arm, task(budget={"max_tokens": 7000, "max_cost_usd": 0.5}))

    assert upstream.requests[0].json["max_tokens"] == 7000
    assert result["result"]["cost_usd"] == pytest.approx(30 * 0.5 / 1000)


def test_without_prices_there_is_no_cost_and_no_cap(arm, upstream):
    result = execute(arm, task(budget={"max_tokens": 9000, "max_cost_usd": 0.0}))

    assert result["success"] is True
    assert result["result"]["cost_usd"] is None
    assert upstream.requests[0].json["max_tokens"] == 9000


def test_without_a_cost_budget_the_cost_is_only_reported(priced, upstream):
    budget = {k: v for k, v in TASK["budget"].items() if k != "max_cost_usd"}

    result = execute(priced, task(budget=budget))

    assert result["success"] is True
    assert upstream.requests[0].json["max_tokens"] == budget["max_tokens"]
    assert result["result"]["cost_usd"] > 0
