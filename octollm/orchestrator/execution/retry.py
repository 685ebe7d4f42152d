"""Retrying an arm call: how many calls, and how long to wait between them."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    """Calls per task at most (the first one included)."""
    base_seconds: float = 0.2
    max_seconds: float = 2.0

    def delay(self, retry: int) -> float:
        """Seconds before retry number `retry` (1 for the first): exponential, full jitter, so
        tasks that failed together do not come back together."""
        return random.uniform(0, min(self.max_seconds, self.base_seconds * 2 ** (retry - 1)))
