"""`octollm generate`: bundles equivalent to the specs, and a check that catches staleness."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from connexion.spec import Specification
from openapi_spec_validator import validate

from octollm import cli
from octollm.contract import generate as generate_module
from octollm.contract.bundle import bundle
from octollm.contract.generate import SERVICES, differences, generate
from tests.conftest import SPECS

GENERATED = SPECS.parent / "generated"


def refs(node: object) -> set[str]:
    if isinstance(node, dict):
        own = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return own.union(*(refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(v) for v in node))
    return set()


@pytest.mark.parametrize("service", SERVICES)
def test_bundle_is_self_contained_valid_and_equivalent(service: str) -> None:
    bundled = bundle(SPECS / f"{service}.yaml")
    assert all(ref.startswith("#/components/") for ref in refs(bundled)), refs(bundled)
    validate(bundled)
    assert "ErrorEnvelope" in bundled["components"]["schemas"]  # shared names are kept
    source = Specification.load(SPECS / f"{service}.yaml").spec
    assert Specification.from_dict(bundled).spec["paths"] == source["paths"]


def test_generated_is_up_to_date() -> None:
    assert differences(SPECS, GENERATED) == [], "run `octollm generate`"


@pytest.mark.parametrize("service", SERVICES)
def test_generated_bundles_parse(service: str) -> None:
    as_yaml = yaml.safe_load((GENERATED / f"{service}.yaml").read_text())
    as_json = json.loads((GENERATED / f"{service}.json").read_text())
    assert as_yaml == as_json == bundle(SPECS / f"{service}.yaml")


def test_check_reports_an_edited_a_missing_and_an_extra_file(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    generate(SPECS, out)
    assert differences(SPECS, out) == []
    edited = out / "reflex.yaml"
    edited.write_text(edited.read_text().replace("Reflex Layer", "Reflex Lair", 1))
    (out / "orchestrator.json").unlink()
    (out / "notes.txt").write_text("hand-written")
    report = "\n".join(differences(SPECS, out))
    assert f"missing: {out / 'orchestrator.json'}" in report
    assert f"not generated (remove it): {out / 'notes.txt'}" in report
    assert "-  title: OctoLLM Reflex Lair API" in report
    assert "+  title: OctoLLM Reflex Layer API" in report


def test_a_spec_change_makes_generated_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    specs, out = tmp_path / "specs", tmp_path / "generated"
    shutil.copytree(SPECS, specs)
    monkeypatch.setenv("OCTOLLM_SPECS_DIR", str(specs))
    assert cli.main(["generate", "--out", str(out)]) == 0
    assert cli.main(["generate", "--check", "--out", str(out)]) == 0
    common = specs / "common.yaml"
    common.write_text(common.read_text().replace("maximum: 100\n", "maximum: 99\n", 1))
    assert cli.main(["generate", "--check", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "maximum: 99" in captured.out
    assert "is stale: run `octollm generate`" in captured.err


def test_a_generator_that_cannot_run_here_is_skipped_not_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def needs_a_missing_tool(_specs: Path, _out: Path) -> None:
        raise generate_module.Unavailable("sdk", "the tool is not installed")

    out = tmp_path / "generated"
    monkeypatch.setattr(generate_module, "GENERATORS", [generate_module.bundles])
    generate(SPECS, out)
    (out / "sdk").mkdir()
    (out / "sdk" / "client.py").write_text("made where the tool was installed")
    monkeypatch.setattr(
        generate_module, "GENERATORS", [generate_module.bundles, needs_a_missing_tool]
    )
    notes: list[str] = []
    generate(SPECS, out, notes)
    assert (out / "sdk" / "client.py").read_text() == "made where the tool was installed"
    assert differences(SPECS, out, notes) == []
    assert notes == ["sdk/ left as it is, not checked: the tool is not installed"] * 2


def test_generated_models_have_names_not_positions() -> None:
    """A nullable or inline schema without a name becomes `...Type0`/`...Item0`: name it."""
    models = sorted(p.stem for p in (GENERATED / "python").glob("*/models/*.py"))
    assert "task" in models and "error_envelope" in models
    assert [m for m in models if re.search(r"_(type|item)_?\d+$", m)] == []
