"""Accuracy of the detection engine on a labelled corpus: precision and recall per type.

    python -m octollm.reflex.detection.report [--corpus DIR] [--backend auto|hyperscan|re]
                                              [--errors]

The corpus is a directory of JSON-lines files (by default the repository's
`tests/reflex/corpus`); each line a case:

    {"id": "...", "text": "...",
     "pii": [{"type": "Email", "value": "jane@example.com"}],
     "injection": [{"type": "IgnorePrevious", "value": "Ignore all previous instructions",
                    "context": ["quoted"]}],
     "decision": "block", "tags": ["hard-negative"]}

A label's `value` is a substring of the text (its first occurrence, or the `occurrence`-th).
A PII match is right when its type and span are exactly a label's; an injection match when its
type is a label's and it overlaps the label's value. Every other match is a false positive,
every label without its match a false negative. `context` (the flags a label's match must have,
and no others) and `decision` (the verdict under the default policy) are scored apart.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octollm.reflex.detection.engine import BACKENDS, DetectionEngine, Scan
from octollm.reflex.detection.injection import TYPES as INJECTION_TYPES
from octollm.reflex.detection.matches import SEVERITY_ORDER
from octollm.reflex.detection.pii import TYPES as PII_TYPES

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "tests" / "reflex" / "corpus"
CONTEXT_FLAGS = ("quoted", "academic", "example", "negated")
BLOCKING = ("high", "critical")  # the default policy


@dataclass(frozen=True)
class Label:
    type: str
    start: int
    end: int
    context: frozenset[str] | None = None


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    pii: tuple[Label, ...]
    injection: tuple[Label, ...]
    decision: str | None
    tags: tuple[str, ...]


def _label(case_id: str, text: str, raw: dict[str, Any]) -> Label:
    value = raw["value"]
    start = -1
    for _ in range(raw.get("occurrence", 1)):
        start = text.find(value, start + 1)
    if start < 0:
        raise ValueError(f"case {case_id}: {value!r} is not in the text")
    context = frozenset(raw["context"]) if "context" in raw else None
    if context is not None and not context <= set(CONTEXT_FLAGS):
        raise ValueError(f"case {case_id}: unknown context flag in {sorted(context)}")
    return Label(raw["type"], start, start + len(value), context)


def load_corpus(directory: Path = DEFAULT_CORPUS) -> list[Case]:
    cases: list[Case] = []
    ids: set[str] = set()
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            case_id = raw["id"]
            if case_id in ids:
                raise ValueError(f"{path.name}:{number}: duplicate case id {case_id}")
            ids.add(case_id)
            text = raw["text"]
            pii = tuple(_label(case_id, text, r) for r in raw.get("pii", ()))
            injection = tuple(_label(case_id, text, r) for r in raw.get("injection", ()))
            for label in pii:
                if label.type not in PII_TYPES:
                    raise ValueError(f"case {case_id}: unknown PII type {label.type}")
            for label in injection:
                if label.type not in INJECTION_TYPES:
                    raise ValueError(f"case {case_id}: unknown injection type {label.type}")
            cases.append(
                Case(case_id, text, pii, injection, raw.get("decision"), tuple(raw.get("tags", ())))
            )
    return cases


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __iadd__(self, other: Counts) -> Counts:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self


@dataclass
class Evaluation:
    backend: str
    cases: int = 0
    per_type: dict[str, Counts] = field(default_factory=dict)
    decisions_right: int = 0
    decisions: int = 0
    contexts_right: int = 0
    contexts: int = 0
    errors: list[str] = field(default_factory=list)

    def counts(self, types: Iterable[str]) -> Counts:
        total = Counts()
        for t in types:
            total += self.per_type.get(t, Counts())
        return total

    @property
    def pii(self) -> Counts:
        return self.counts(PII_TYPES)

    @property
    def injection(self) -> Counts:
        return self.counts(INJECTION_TYPES)

    @property
    def overall(self) -> Counts:
        return self.counts((*PII_TYPES, *INJECTION_TYPES))


def _score_pii(case: Case, scan: Scan, evaluation: Evaluation) -> None:
    expected = {(label.type, label.start, label.end) for label in case.pii}
    found = {(m.type, m.start, m.end) for m in scan.pii}
    for t, s, e in sorted(expected | found, key=lambda x: (x[1], x[2], x[0])):
        counts = evaluation.per_type.setdefault(t, Counts())
        if (t, s, e) in expected and (t, s, e) in found:
            counts.tp += 1
        elif (t, s, e) in found:
            counts.fp += 1
            evaluation.errors.append(f"{case.id}: FP {t} {case.text[s:e]!r}")
        else:
            counts.fn += 1
            evaluation.errors.append(f"{case.id}: FN {t} {case.text[s:e]!r}")


def _score_injection(case: Case, scan: Scan, evaluation: Evaluation) -> None:
    unmatched = list(scan.injections)
    for label in case.injection:
        counts = evaluation.per_type.setdefault(label.type, Counts())
        hit = next(
            (
                m
                for m in unmatched
                if m.type == label.type and m.start < label.end and label.start < m.end
            ),
            None,
        )
        if hit is None:
            counts.fn += 1
            evaluation.errors.append(
                f"{case.id}: FN {label.type} {case.text[label.start : label.end]!r}"
            )
            continue
        counts.tp += 1
        unmatched.remove(hit)
        if label.context is not None:
            evaluation.contexts += 1
            flags = {f for f in CONTEXT_FLAGS if getattr(hit.context, f, False)}
            if flags == label.context:
                evaluation.contexts_right += 1
            else:
                evaluation.errors.append(
                    f"{case.id}: context of {label.type} is {sorted(flags)}, "
                    f"not {sorted(label.context)}"
                )
    for m in unmatched:
        evaluation.per_type.setdefault(m.type, Counts()).fp += 1
        evaluation.errors.append(f"{case.id}: FP {m.type} ({m.severity}) {m.matched_text!r}")


def evaluate(engine: DetectionEngine, cases: Sequence[Case]) -> Evaluation:
    evaluation = Evaluation(engine.backend)
    for case in cases:
        evaluation.cases += 1
        scan = engine.scan(case.text)
        _score_pii(case, scan, evaluation)
        _score_injection(case, scan, evaluation)
        if case.decision is not None:
            evaluation.decisions += 1
            blocked = any(m.severity in BLOCKING for m in scan.injections)
            if ("block" if blocked else "allow") == case.decision:
                evaluation.decisions_right += 1
            else:
                worst = scan.worst_severity() or "none"
                evaluation.errors.append(
                    f"{case.id}: decision is not {case.decision} (worst severity {worst})"
                )
    return evaluation


def format_report(evaluation: Evaluation) -> str:
    lines = [
        f"Detection accuracy: {evaluation.cases} cases, backend {evaluation.backend}",
        "",
        f"{'type':<22}{'support':>8}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>9}",
    ]

    def row(name: str, c: Counts) -> str:
        return (
            f"{name:<22}{c.support:>8}{c.tp:>6}{c.fp:>6}{c.fn:>6}"
            f"{c.precision:>11.3f}{c.recall:>9.3f}"
        )

    for title, types in (("PII", PII_TYPES), ("Injection", INJECTION_TYPES)):
        lines.append(f"-- {title}")
        lines.extend(row(t, evaluation.per_type.get(t, Counts())) for t in types)
    lines.append("--")
    lines.append(row("PII overall", evaluation.pii))
    lines.append(row("Injection overall", evaluation.injection))
    lines.append(row("Overall", evaluation.overall))
    if evaluation.decisions:
        lines.append(
            f"Decisions (default policy): {evaluation.decisions_right}/{evaluation.decisions} right"
        )
    if evaluation.contexts:
        lines.append(f"Context flags: {evaluation.contexts_right}/{evaluation.contexts} right")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m octollm.reflex.detection.report", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--backend", choices=BACKENDS, default="auto")
    parser.add_argument("--errors", action="store_true", help="list every mistake")
    args = parser.parse_args(argv)
    evaluation = evaluate(DetectionEngine(args.backend), load_corpus(args.corpus))
    print(format_report(evaluation))
    if args.errors and evaluation.errors:
        print("\nMistakes:")
        print("\n".join(f"  {e}" for e in evaluation.errors))
    return 0


assert SEVERITY_ORDER[-2:] == BLOCKING

if __name__ == "__main__":
    raise SystemExit(main())
