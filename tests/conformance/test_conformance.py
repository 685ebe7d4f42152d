"""Property-based conformance of the live services to their specs, with every check."""

from __future__ import annotations

from typing import Any

import schemathesis

reflex = schemathesis.pytest.from_fixture("reflex_schema")
orchestrator = schemathesis.pytest.from_fixture("orchestrator_schema")


@reflex.parametrize()
def test_reflex(case: schemathesis.Case) -> None:
    case.call_and_validate()


@orchestrator.parametrize()
def test_orchestrator(case: schemathesis.Case) -> None:
    case.call_and_validate()


def test_reflex_stateful(reflex_schema: Any) -> None:
    reflex_schema.as_state_machine().run()


def test_orchestrator_stateful(orchestrator_schema: Any) -> None:
    orchestrator_schema.as_state_machine().run()
