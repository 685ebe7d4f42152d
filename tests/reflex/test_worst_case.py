"""Worst-case inputs finish within 10x the time of a typical text of the same size, on both
backends: no catastrophic backtracking, no flood of matches or events.

Measured in one child process (killed if it hangs) against `samples.mixed_text`, with a
generous absolute floor so that a noisy shared machine does not make the test flaky.
`bench/detection.py` prints the same measurements.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from octollm.reflex.detection.samples import WORST_CASES
from octollm.reflex.detection.scanner import hyperscan_available

RATIO = 10
FLOOR_SECONDS = {"hyperscan": 0.25, "re": 2.0}
CHILD_TIMEOUT = 300

_CHILD = """
import json, sys, time
from octollm.reflex.detection import DetectionEngine
from octollm.reflex.detection.samples import WORST_CASES, mixed_text

engine = DetectionEngine(sys.argv[1])
repeat = int(sys.argv[2])

def seconds(text):
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        engine.scan(text)
        best = min(best, time.perf_counter() - started)
    return best

typical = seconds(mixed_text(100_000))
print(json.dumps({"typical": typical,
                  "worst": {name: seconds(text) for name, text in WORST_CASES.items()}}))
"""

BACKENDS = [
    pytest.param("hyperscan", 3, marks=pytest.mark.skipif(
        not hyperscan_available(), reason="hyperscan is not installed")),
    pytest.param("re", 1),
]  # fmt: skip


@pytest.mark.parametrize(("backend", "repeat"), BACKENDS)
def test_worst_cases_take_at_most_10x_a_typical_text(backend, repeat):
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, backend, str(repeat)],
        capture_output=True,
        timeout=CHILD_TIMEOUT,
        check=True,
    )
    report = json.loads(done.stdout)
    bound = max(RATIO * report["typical"], FLOOR_SECONDS[backend])

    slow = {name: s for name, s in report["worst"].items() if s > bound}

    assert set(report["worst"]) == set(WORST_CASES)
    assert slow == {}, f"typical {report['typical']:.4f} s, bound {bound:.3f} s"
