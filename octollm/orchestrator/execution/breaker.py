"""A circuit breaker per arm: stop sending to an arm that keeps failing, probe it later.

closed: calls flow; `failure_threshold` consecutive failures open the circuit.
open: no calls for `reset_seconds`; then the next caller gets the one probe (half-open).
half-open: the probe's success closes the circuit, its failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

CLOSED, HALF_OPEN, OPEN = "closed", "half_open", "open"
STATE_VALUES = {CLOSED: 0, HALF_OPEN: 1, OPEN: 2}


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self.probing = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return CLOSED
        if self.probing or self.clock() >= self.opened_at + self.reset_seconds:
            return HALF_OPEN
        return OPEN

    def available(self) -> bool:
        """Whether a call may be made now (without taking the half-open probe)."""
        state = self.state
        return state == CLOSED or (state == HALF_OPEN and not self.probing)

    def begin(self) -> None:
        """A call starts; in half-open it is the probe, and no other call may start."""
        if self.state == HALF_OPEN:
            self.probing = True

    def succeeded(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.probing = False

    def failed(self) -> None:
        self.failures += 1
        if self.probing or self.failures >= self.failure_threshold:
            self.opened_at = self.clock()
        self.probing = False

    def released(self) -> None:
        """A call ended without telling anything about the arm (e.g. it was cancelled)."""
        self.probing = False

    def describe(self) -> str:
        state = self.state
        if state == OPEN and self.opened_at is not None:
            retry_in = self.opened_at + self.reset_seconds - self.clock()
            return f"circuit open after {self.failures} failures, probed again in {retry_in:.1f} s"
        return f"circuit {state.replace('_', '-')}"
