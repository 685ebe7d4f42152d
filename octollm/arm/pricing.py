"""Token prices, the cost of a completion, and how long an answer the budget allows.

Decimal arithmetic, so a budget that exactly fits is not lost to a float rounding error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

THOUSAND = Decimal(1000)


def estimate_tokens(text: str) -> int:
    """A prompt's tokens, estimated before the call: one per four characters, rounded up."""
    return math.ceil(len(text) / 4)


def usd(value: Decimal | float) -> str:
    """`$0.0125`: enough digits for a per-token cost, no trailing zeros."""
    return f"${float(value):.6g}"


@dataclass(frozen=True)
class Pricing:
    """US dollars per 1000 prompt (input) and completion (output) tokens."""

    input_per_1k: Decimal
    output_per_1k: Decimal

    @classmethod
    def parse(cls, input_per_1k: str, output_per_1k: str) -> Pricing | None:
        """From the settings' strings; None when neither price is given (a missing one is 0)."""
        if not input_per_1k and not output_per_1k:
            return None
        try:
            prices = [Decimal(value or "0") for value in (input_per_1k, output_per_1k)]
        except InvalidOperation:
            prices = []
        if len(prices) != 2 or any(not price.is_finite() or price < 0 for price in prices):
            raise ValueError(
                f"prices are non-negative numbers of USD, not {input_per_1k!r}, {output_per_1k!r}"
            )
        return cls(*prices)

    def cost(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        return (
            prompt_tokens * self.input_per_1k + completion_tokens * self.output_per_1k
        ) / THOUSAND

    def completion_cap(self, max_cost_usd: float, prompt_tokens: int) -> int | None:
        """Most completion tokens that keep the cost within `max_cost_usd` after a prompt of
        `prompt_tokens`: None when completions are free (no cap), 0 or less when nothing fits."""
        room = Decimal(str(max_cost_usd)) - self.cost(prompt_tokens, 0)
        if self.output_per_1k == 0:
            return None if room >= 0 else 0
        return int((room * THOUSAND / self.output_per_1k).to_integral_value(ROUND_FLOOR))
