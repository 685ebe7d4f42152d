"""The lint rule `security-declared` catches an operation whose security the spec forgot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from octollm.contract.lint import lint
from tests.contract.test_lint import mutated, op


def _no_security(doc: dict[str, Any]) -> None:
    del op(doc, "/tasks", "get")["security"]


def _no_401(doc: dict[str, Any]) -> None:
    del op(doc, "/tasks", "get")["responses"]["401"]


def _no_403(doc: dict[str, Any]) -> None:
    del op(doc, "/tasks", "get")["responses"]["403"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_no_security, "no security"),
        (_no_401, "401 is not documented"),
        (_no_403, "403 is not documented"),
    ],
)
def test_security_declared(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    problems = [
        p for p in lint(mutated(tmp_path, "orchestrator", edit)) if p.rule == "security-declared"
    ]
    assert [(p.operation, message in p.message) for p in problems] == [("tasks.list", True)]


def test_an_open_operation_needs_no_401(tmp_path: Path) -> None:
    def open_list(doc: dict[str, Any]) -> None:
        operation = op(doc, "/tasks", "get")
        operation["security"] = []
        del operation["responses"]["401"], operation["responses"]["403"]

    assert [p for p in lint(mutated(tmp_path, "orchestrator", open_list))] == []
