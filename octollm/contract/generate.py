"""`generated/`: everything derived from `specs/`, rebuilt by `octollm generate`.

`--check` rebuilds into a scratch directory and compares, so CI fails (with a diff) whenever
someone edits a spec without regenerating, or edits `generated/` by hand.

The SDK generators read the bundles and run pinned tools, so their output is byte-for-byte
reproducible: openapi-python-client and black (the `generate` extra), and openapi-typescript
(`tools/typescript`, installed from its lock file with `npm ci`). A generator whose tool cannot
run here raises `Unavailable`: its folder is left as it is, not checked, and the reason is
reported as a note.
"""

from __future__ import annotations

import contextlib
import difflib
import filecmp
import hashlib
import importlib.metadata
import io
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from octollm.contract.bundle import bundle, render

SERVICES = ("orchestrator", "reflex", "arm")
OPENAPI_PYTHON_CLIENT = "0.29.1"  # the pins of pyproject.toml's `generate` extra
BLACK = "26.10.1"
TYPESCRIPT_TOOLS = Path(__file__).resolve().parents[2] / "tools" / "typescript"
README = f"""# generated/

Derived from `specs/` by `octollm generate`; never edit by hand (CI runs
`octollm generate --check`).

- `<service>.yaml`, `<service>.json`: the bundled, self-contained spec of each service, with the
  shared components of `specs/common.yaml` copied in under their own names. Point SDK
  generators and other tools here.
- `python/octollm_<service>_client/`: a typed Python client per service (attrs models, sync
  and async calls on httpx), made from the bundle by openapi-python-client
  {OPENAPI_PYTHON_CLIENT} and formatted by black {BLACK}. Put `generated/python` on
  `sys.path` (or `PYTHONPATH`); it needs `httpx` and `attrs`.
- `typescript/<service>.d.ts`: TypeScript types of each service's paths, operations and
  schemas, made from the bundle by openapi-typescript (pinned, with its dependencies, in
  `tools/typescript/package-lock.json`), for `openapi-fetch` or a hand-written client.
"""

Generator = Callable[[Path, Path], None]


class Unavailable(Exception):
    """The tool behind a generator cannot run here; its `output` folder is neither built nor
    checked."""

    def __init__(self, output: str, reason: str) -> None:
        super().__init__(f"{output}/ left as it is, not checked: {reason}")
        self.output = output


class GenerateError(RuntimeError):
    pass


def bundles(specs_dir: Path, out: Path) -> None:
    for service in SERVICES:
        for suffix, text in render(bundle(specs_dir / f"{service}.yaml")).items():
            (out / f"{service}.{suffix}").write_text(text, encoding="utf-8")


def readme(_specs_dir: Path, out: Path) -> None:
    (out / "README.md").write_text(README, encoding="utf-8")


# Tool output by (tool, version, input bundles): the tools are deterministic, and the tests
# regenerate the same specs several times in one process.
_memo: dict[str, dict[str, bytes]] = {}


def _memoised(out: Path, output: str, tool: str, build: Callable[[Path], None]) -> None:
    """Write `out/output` with `build(folder)`, or with what it wrote last time for these inputs."""
    digest = hashlib.sha256(tool.encode())
    for service in SERVICES:
        digest.update((out / f"{service}.yaml").read_bytes())
    key = digest.hexdigest()
    if key not in _memo:
        with tempfile.TemporaryDirectory() as scratch:
            build(Path(scratch))
            _memo[key] = {
                p.relative_to(scratch).as_posix(): p.read_bytes()
                for p in sorted(Path(scratch).rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts
            }
    for name, content in _memo[key].items():
        path = out / output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _pinned(distribution: str, version: str, output: str) -> None:
    """Raise unless `distribution` is installed at exactly `version`."""
    try:
        installed = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        reason = f"{distribution} is not installed (pip install -e '.[generate]')"
        raise Unavailable(output, reason) from None
    if installed != version:
        raise GenerateError(
            f"{distribution} {installed} is installed, but generated/ is made with {version}: "
            "pip install -e '.[generate]'"
        )


def python_clients(_specs_dir: Path, out: Path) -> None:
    """`python/octollm_<service>_client/`: openapi-python-client, then black (both pinned).

    The generator's own post-hooks (ruff, whatever version is on PATH) are off."""
    _pinned("openapi-python-client", OPENAPI_PYTHON_CLIENT, "python")
    _pinned("black", BLACK, "python")
    import black
    from openapi_python_client import generate as run_generator
    from openapi_python_client.config import Config, ConfigFile, MetaType

    mode = black.Mode(line_length=100, target_versions={black.TargetVersion.PY311})

    def build(folder: Path) -> None:
        for service in SERVICES:
            package = f"octollm_{service}_client"
            config = Config.from_sources(
                ConfigFile(package_name_override=package, post_hooks=[]),
                MetaType.NONE,
                document_source=out / f"{service}.yaml",
                file_encoding="utf-8",
                overwrite=False,
                output_path=folder / package,
            )
            with contextlib.redirect_stdout(io.StringIO()):  # "Generating ..."
                errors = run_generator(config=config)
            if errors:  # warnings too: a construct the generator cannot model is a spec bug
                report = "\n".join(f"{e.header}: {e.detail}" for e in errors)
                raise GenerateError(f"openapi-python-client on {service}.yaml:\n{report}")
        for path in sorted(folder.rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            path.write_text(black.format_str(source, mode=mode), encoding="utf-8")

    tools = f"openapi-python-client {OPENAPI_PYTHON_CLIENT}, black {BLACK}"
    _memoised(out, "python", tools, build)


_typescript_unavailable: list[str] = []  # why, once known, so a process tries `npm ci` once


def _openapi_typescript() -> tuple[str, Path, str]:
    """node, the pinned openapi-typescript CLI and its version.

    `node_modules` is (re)installed with `npm ci` unless it holds a stamp of the current lock
    file, written after the last `npm ci` succeeded: a partial or outdated tree is replaced."""
    if _typescript_unavailable:
        raise Unavailable("typescript", _typescript_unavailable[0])
    lock = TYPESCRIPT_TOOLS / "package-lock.json"
    node, npm = shutil.which("node"), shutil.which("npm")
    if not lock.is_file():
        reason = f"{lock} not found"
    elif node is None or npm is None:
        reason = "node and npm are not installed"
    else:
        stamp = TYPESCRIPT_TOOLS / "node_modules" / ".octollm-lock-sha256"
        digest = hashlib.sha256(lock.read_bytes()).hexdigest()
        version = json.loads(lock.read_text())["packages"]["node_modules/openapi-typescript"][
            "version"
        ]
        cli = TYPESCRIPT_TOOLS / "node_modules" / "openapi-typescript" / "bin" / "cli.js"
        if stamp.is_file() and stamp.read_text() == digest:
            return node, cli, version
        try:
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=TYPESCRIPT_TOOLS,
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            detail = (getattr(exc, "stderr", b"") or b"").decode(errors="replace")[-300:]
            reason = f"`npm ci` in {TYPESCRIPT_TOOLS} failed: {exc} {detail}".strip()
        else:
            stamp.write_text(digest)
            return node, cli, version
    _typescript_unavailable.append(reason)
    raise Unavailable("typescript", reason)


def typescript_types(_specs_dir: Path, out: Path) -> None:
    """`typescript/<service>.d.ts`: openapi-typescript; a free-form object (`type: object`, no
    properties) is `Record<string, unknown>`, not the default `Record<string, never>`."""
    node, cli, version = _openapi_typescript()
    options = ["--empty-objects-unknown"]

    def build(folder: Path) -> None:
        runs = {
            service: subprocess.Popen(
                [node, cli, out / f"{service}.yaml", "-o", folder / f"{service}.d.ts", *options],
                cwd=TYPESCRIPT_TOOLS,  # no redocly.yaml there: no other options
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for service in SERVICES
        }
        for service, run in runs.items():
            output, _ = run.communicate(timeout=120)
            if run.returncode:
                raise GenerateError(f"openapi-typescript on {service}.yaml:\n{output.decode()}")

    _memoised(out, "typescript", f"openapi-typescript {version} {options}", build)


GENERATORS: list[Generator] = [readme, bundles, python_clients, typescript_types]


def _build(specs_dir: Path, out: Path) -> list[Unavailable]:
    out.mkdir(parents=True)
    skipped = []
    for generator in GENERATORS:
        try:
            generator(specs_dir, out)
        except Unavailable as unavailable:
            shutil.rmtree(out / unavailable.output, ignore_errors=True)
            skipped.append(unavailable)
    return skipped


def generate(specs_dir: Path, out: Path, notes: list[str] | None = None) -> None:
    """Rebuild `out` from scratch; the folder of a generator that cannot run here is kept.

    Why a generator was skipped is appended to `notes`."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "generated"
        skipped = _build(specs_dir, fresh)
        for unavailable in skipped:
            if (out / unavailable.output).is_dir():
                shutil.copytree(out / unavailable.output, fresh / unavailable.output)
            if notes is not None:
                notes.append(str(unavailable))
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(fresh, out)


def _files(root: Path, skipped: list[Unavailable]) -> set[str]:
    files = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    return {f for f in files if not any(f.startswith(f"{s.output}/") for s in skipped)}


def differences(specs_dir: Path, out: Path, notes: list[str] | None = None) -> list[str]:
    """How `out` differs from a fresh generation: unified diffs and missing or extra files.

    Folders of generators that cannot run here are not compared; `notes` says which."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "generated"
        skipped = _build(specs_dir, fresh)
        if notes is not None:
            notes.extend(str(unavailable) for unavailable in skipped)
        expected = _files(fresh, skipped)
        actual = _files(out, skipped) if out.exists() else set()
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
