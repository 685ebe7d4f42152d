"""Fixtures for the process-level tests: every process started is killed at teardown.

A test that starts a redis-server skips (with how to install one) when there is none on PATH.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.redis.helpers import Processes


@pytest.fixture
def processes() -> Iterator[Processes]:
    """Kills every process the test started, whatever happens."""
    stack = Processes()
    try:
        yield stack
    finally:
        stack.close()
