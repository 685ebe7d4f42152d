"""`generated/`: everything derived from `specs/`, rebuilt by `octollm generate`.

`--check` rebuilds into a scratch directory and compares, so CI fails (with a diff) whenever
someone edits a spec without regenerating, or edits `generated/` by hand.
"""

from __future__ import annotations

import difflib
import filecmp
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from octollm.contract.bundle import bundle, render

SERVICES = ("orchestrator", "reflex")
README = """# generated/

Derived from `specs/` by `octollm generate`; never edit by hand (CI runs
`octollm generate --check`).

- `<service>.yaml`, `<service>.json`: the bundled, self-contained spec of each service, with the
  shared components of `specs/common.yaml` copied in under their own names. Point SDK
  generators and other tools here.
"""

Generator = Callable[[Path, Path], None]


def bundles(specs_dir: Path, out: Path) -> None:
    for service in SERVICES:
        for suffix, text in render(bundle(specs_dir / f"{service}.yaml")).items():
            (out / f"{service}.{suffix}").write_text(text, encoding="utf-8")


def readme(_specs_dir: Path, out: Path) -> None:
    (out / "README.md").write_text(README, encoding="utf-8")


GENERATORS: list[Generator] = [readme, bundles]


def generate(specs_dir: Path, out: Path) -> None:
    """Rebuild `out` from scratch."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for generator in GENERATORS:
        generator(specs_dir, out)


def _files(root: Path) -> set[str]:
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def differences(specs_dir: Path, out: Path) -> list[str]:
    """How `out` differs from a fresh generation: unified diffs and missing or extra files."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "generated"
        generate(specs_dir, fresh)
        expected, actual = _files(fresh), _files(out) if out.exists() else set()
        report = [f"missing: {out / name}" for name in sorted(expected - actual)]
        report += [f"not generated (remove it): {out / name}" for name in sorted(actual - expected)]
        for name in sorted(expected & actual):
            if filecmp.cmp(fresh / name, out / name, shallow=False):
                continue
            old = (out / name).read_text(encoding="utf-8", errors="replace").splitlines()
            new = (fresh / name).read_text(encoding="utf-8", errors="replace").splitlines()
            diff = difflib.unified_diff(old, new, f"{out / name}", "fresh", lineterm="", n=2)
            report.append("\n".join(list(diff)[:80]))
        return report
