"""At most `max_concurrency` calls reach the model server at once; the others wait their turn,
and the wait counts against their deadline."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.arm.helpers import execute, failed


def test_no_more_than_max_concurrency_calls_reach_the_upstream(make_arm, upstream):
    arm = make_arm(arm_max_concurrency=2)
    upstream.reply.delay = 0.3

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: execute(arm), range(4)))

    assert [r["success"] for r in results] == [True] * 4
    assert len(upstream.requests) == 4
    assert upstream.peak_in_flight == 2  # the limit held, and was used


def test_waiting_for_a_slot_counts_against_the_deadline(make_arm, upstream):
    arm = make_arm(arm_max_concurrency=1)
    upstream.reply.delay = 1.5

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(execute, arm, timeout_seconds=10)
        while not upstream.requests:  # until the first holds the only slot
            time.sleep(0.005)
        second = pool.submit(execute, arm, timeout_seconds=1)
        results = [first.result(), second.result()]

    assert results[0]["success"] is True
    failed(results[1], "TIMEOUT")
    assert len(upstream.requests) == 1  # the second never reached the upstream
