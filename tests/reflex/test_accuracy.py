"""The detection engine against the labelled corpus (tests/reflex/corpus): the accuracy bars,
on both scanner backends, and the backends' identical results on every case.

`python -m octollm.reflex.detection.report --errors` prints the same numbers and each mistake.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from octollm.reflex.detection import DetectionEngine
from octollm.reflex.detection.injection import TYPES as INJECTION_TYPES
from octollm.reflex.detection.pii import TYPES as PII_TYPES
from octollm.reflex.detection.report import Case, Evaluation, evaluate, load_corpus
from octollm.reflex.detection.scanner import hyperscan_available

CORPUS = Path(__file__).parent / "corpus"
OVERALL_BAR = 0.97
TYPE_BAR = 0.9
BACKENDS = ["re", pytest.param("hyperscan", marks=pytest.mark.skipif(
    not hyperscan_available(), reason="hyperscan is not installed"))]  # fmt: skip


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module", params=BACKENDS)
def evaluation(request: pytest.FixtureRequest, cases: list[Case]) -> Evaluation:
    return evaluate(DetectionEngine(request.param), cases)


def test_the_corpus_has_hundreds_of_cases_and_every_type(cases):
    assert len(cases) >= 500
    negatives = [c for c in cases if "hard-negative" in c.tags]
    assert len(negatives) >= 150
    for t in PII_TYPES:
        assert sum(label.type == t for c in cases for label in c.pii) >= 8, t
    for t in INJECTION_TYPES:
        assert sum(label.type == t for c in cases for label in c.injection) >= 8, t
    assert sum(label.context is not None for c in cases for label in c.injection) >= 20


def test_overall_precision_and_recall(evaluation):
    overall = evaluation.overall
    assert overall.precision >= OVERALL_BAR, evaluation.errors
    assert overall.recall >= OVERALL_BAR, evaluation.errors


@pytest.mark.parametrize("kind", [*PII_TYPES, *INJECTION_TYPES])
def test_precision_and_recall_of_each_type(evaluation, kind):
    counts = evaluation.per_type[kind]
    assert counts.support >= 8
    mistakes = [e for e in evaluation.errors if f" {kind} " in e]
    assert counts.precision >= TYPE_BAR, mistakes
    assert counts.recall >= TYPE_BAR, mistakes


def test_decisions_and_context_flags(evaluation):
    assert evaluation.decisions >= 300
    assert evaluation.decisions_right / evaluation.decisions >= OVERALL_BAR, evaluation.errors
    assert evaluation.contexts_right / evaluation.contexts >= TYPE_BAR, evaluation.errors


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan is not installed")
def test_the_backends_find_the_same_matches_on_every_case(cases):
    reference, hyperscan = DetectionEngine("re"), DetectionEngine("hyperscan")

    different = [c.id for c in cases if reference.scan(c.text) != hyperscan.scan(c.text)]

    assert different == []
