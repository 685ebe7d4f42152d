"""Time: an injectable wall clock and the RFC 3339 form every response uses."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], float]
"""Seconds since the epoch, like `time.time`."""

system_clock: Clock = time.time


def rfc3339(timestamp: float) -> str:
    """`2026-11-27T10:15:00.123456Z`: fixed width, so it also sorts as a string."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_rfc3339(text: str) -> float:
    """The timestamp `rfc3339` wrote, back as seconds since the epoch."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
