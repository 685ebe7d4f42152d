"""`octollm lint`: the real specs pass every rule, and each rule catches the mistake it is for."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from octollm import cli
from octollm.contract.lint import lint
from tests.conftest import SPECS

Edit = Callable[[dict[str, Any]], None]


def mutated(tmp_path: Path, spec: str, edit: Edit) -> Path:
    """A copy of specs/ with `edit` applied to `<spec>.yaml`."""
    copy = tmp_path / "specs"
    shutil.copytree(SPECS, copy)
    path = copy / f"{spec}.yaml"
    document = yaml.safe_load(path.read_text())
    edit(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return copy


def op(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return document["paths"][path][method]


def test_the_specs_break_no_rule() -> None:
    assert [str(p) for p in lint(SPECS)] == []


def _drop_response(doc: dict[str, Any]) -> None:
    del op(doc, "/tasks/{task_id}", "get")["responses"]


def _duplicate_id(doc: dict[str, Any]) -> None:
    op(doc, "/tasks/{task_id}", "get")["operationId"] = "tasks.create"


def _no_summary(doc: dict[str, Any]) -> None:
    del op(doc, "/tasks", "get")["summary"]


def _no_request_example(doc: dict[str, Any]) -> None:
    del op(doc, "/tasks", "post")["requestBody"]["content"]["application/json"]["examples"]


def _bad_request_example(doc: dict[str, Any]) -> None:
    examples = op(doc, "/tasks", "post")["requestBody"]["content"]["application/json"]["examples"]
    examples["minimal"]["value"]["goal"] = ""


def _bad_parameter_example(doc: dict[str, Any]) -> None:
    doc["components"]["parameters"]["TaskId"]["example"] = "not-a-uuid"


def _undocumented_500(doc: dict[str, Any]) -> None:
    del op(doc, "/tasks/{task_id}", "get")["responses"]["500"]


def _own_error_schema(doc: dict[str, Any]) -> None:
    op(doc, "/tasks/{task_id}", "get")["responses"]["404"] = {
        "description": "Not found, in a shape of its own.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }


def _lenient_request(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["TaskBudget"]["additionalProperties"] = True


def _renamed_operation(doc: dict[str, Any]) -> None:
    op(doc, "/tasks/{task_id}", "delete")["operationId"] = "tasks.abort"


def _undeclared_handler_argument(doc: dict[str, Any]) -> None:
    op(doc, "/tasks/{task_id}", "get")["parameters"] = [
        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}, "example": True}
    ]


@pytest.mark.parametrize(
    ("edit", "operation", "rule", "words"),
    [
        (_drop_response, "-", "openapi-valid", "responses"),
        (_duplicate_id, "tasks.create", "operation-id-unique", "and GET /tasks/{task_id}"),
        (_no_summary, "tasks.list", "operation-documented", "no summary"),
        (_no_request_example, "tasks.create", "examples-present", "request body"),
        (_bad_request_example, "tasks.create", "example-valid", "'minimal'"),
        (_bad_parameter_example, "tasks.get", "example-valid", "task_id"),
        (_undocumented_500, "tasks.get", "errors-documented", "500"),
        (_own_error_schema, "tasks.get", "error-envelope", "404"),
        (_lenient_request, "tasks.create", "request-strict", "body.budget"),
        (_renamed_operation, "tasks.abort", "handler-resolves", "tasks.py::abort"),
        (_renamed_operation, "tasks.cancel", "handler-used", "no operationId"),
        (_undeclared_handler_argument, "tasks.get", "handler-resolves", "['verbose']"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_each_rule_catches_its_mistake(
    tmp_path: Path, edit: Edit, operation: str, rule: str, words: str
) -> None:
    problems = lint(mutated(tmp_path, "orchestrator", edit))
    hits = [p for p in problems if p.rule == rule and p.operation == operation]
    assert hits, [str(p) for p in problems]
    assert words in str(hits[0])
    assert str(hits[0]).startswith("orchestrator.yaml ")


def test_lint_command_exits_non_zero_naming_the_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OCTOLLM_SPECS_DIR", str(mutated(tmp_path, "orchestrator", _no_summary)))
    assert cli.main(["lint"]) == 1
    assert (
        "orchestrator.yaml tasks.list: [operation-documented] no summary" in capsys.readouterr().out
    )


def test_lint_command_passes_on_the_specs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OCTOLLM_SPECS_DIR", raising=False)
    assert cli.main(["lint"]) == 0
    assert capsys.readouterr().out == ""
