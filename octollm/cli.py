"""The `octollm` command: serve the services; lint the specs; regenerate `generated/`.

- `octollm serve [orchestrator|reflex|all]`: run one service or both in one process.
- `octollm lint`: the project's rules for the specs (see octollm/contract/lint.py).
- `octollm generate [--check]`: rebuild `generated/` from `specs/`, or show how it is stale.
- `octollm arm llm --upstream URL --model NAME`: run the LLM arm (specs/arm.yaml) on port 8002.
- `octollm worker [--concurrency N] [--metrics-port P]`: execute tasks beside the orchestrator,
  sharing its Redis store and queue (OCTOLLM_REDIS_URL).
- `octollm token --role operator --sub alice --ttl 1h`: mint a JWT for local use (see README,
  "Security"), signed with OCTOLLM_JWT_SECRET or `--private-key`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import signal
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import uvicorn

from octollm import log
from octollm.config import Settings

COMPONENTS = ("orchestrator", "reflex")
ROOT = Path(__file__).resolve().parent.parent


def app_factory(component: str) -> Callable[..., object]:
    if component == "arm":
        from octollm.arm.app import create_app
    elif component == "orchestrator":
        from octollm.orchestrator.app import create_app
    else:
        from octollm.reflex.app import create_app
    return create_app


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to `serve`, so one SIGTERM stops every server."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class ConfigurationRefused(Exception):
    """A setting the services cannot start with: `main` prints it and exits 2."""


def _servers(
    settings: Settings, components: Sequence[str], host: str, port: int | None
) -> list[_Server]:
    """One server per component, its app built now: a bad setting is refused before serving."""
    from octollm.http import limits

    servers = []
    for component in components:
        try:
            app = app_factory(component)(settings)
        except ValueError as exc:  # settings are checked as the app is built (AuthConfigError..)
            raise ConfigurationRefused(f"{component}: {exc}") from None
        default_port = getattr(settings, f"{component}_port")
        config = uvicorn.Config(
            app,
            host=host,
            port=port or default_port,
            log_config=None,
            timeout_graceful_shutdown=10,
            # uvicorn's own protocol bounds neither the time to send a request nor its head.
            http=limits.guarded_protocol(
                max_head_bytes=settings.max_header_bytes,
                read_timeout_seconds=settings.request_read_timeout_seconds,
            ),
        )
        servers.append(_Server(config))
    return servers


async def _serve(servers: Sequence[_Server]) -> None:
    def stop() -> None:
        for server in servers:
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    await asyncio.gather(*(server.serve() for server in servers))


def _reload(argv: Sequence[str]) -> int:
    """Run `serve` without --reload in a child process, restarting it when code or specs change."""
    import watchfiles

    command = [sys.executable, "-m", "octollm.cli", *(a for a in argv if a != "--reload")]
    paths = [ROOT / "octollm", ROOT / "handlers", Settings.from_env().specs_dir]
    watchfiles.run_process(
        *paths,
        target=" ".join(command),
        target_type="command",
        watch_filter=lambda _change, path: path.endswith((".py", ".yaml", ".yml")),
    )
    return 0


def _lint(settings: Settings) -> int:
    from octollm.contract.lint import lint

    problems = lint(settings.specs_dir)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {settings.specs_dir}", file=sys.stderr)
    return 1 if problems else 0


def _generate(settings: Settings, out: Path, check: bool) -> int:
    from octollm.contract.generate import differences, generate

    notes: list[str] = []  # generators whose tools cannot run here
    if not check:
        generate(settings.specs_dir, out, notes)
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        print(f"generated {out}")
        return 0
    report = differences(settings.specs_dir, out, notes)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for entry in report:
        print(entry)
    if report:
        print(f"{out} is stale: run `octollm generate`", file=sys.stderr)
    return 1 if report else 0


ARM_OPTIONS = {  # `octollm arm llm` option -> Settings field
    "upstream": "arm_upstream_url",
    "model": "arm_model",
    "arm_id": "arm_id",
    "capabilities": "arm_capabilities",
    "max_concurrency": "arm_max_concurrency",
    "api_key_env": "arm_api_key_env",
    "price_input_per_1k": "arm_price_input_per_1k",
    "price_output_per_1k": "arm_price_output_per_1k",
}


def _add_arm_parser(commands: argparse._SubParsersAction) -> None:
    arm = commands.add_parser("arm", help="run an arm (specs/arm.yaml)")
    kinds = arm.add_subparsers(dest="kind", required=True)
    llm = kinds.add_parser(
        "llm",
        help="the LLM arm: tasks go to an OpenAI-compatible POST {upstream}/v1/chat/completions",
    )
    llm.add_argument("--upstream", required=True, help="the model server's root URL")
    llm.add_argument("--model", required=True, help="the model to ask for")
    llm.add_argument("--host", help="address to bind (default OCTOLLM_HOST or 127.0.0.1)")
    llm.add_argument("--port", type=int, help="port (default OCTOLLM_ARM_PORT or 8002)")
    llm.add_argument("--arm-id", help="the arm's id (default llm)")
    llm.add_argument("--capabilities", help="comma-separated (default general)")
    llm.add_argument("--max-concurrency", type=int, help="tasks at once (default 4)")
    llm.add_argument("--api-key-env", help="the environment variable holding the API key")
    llm.add_argument("--price-input-per-1k", help="USD per 1000 prompt tokens")
    llm.add_argument("--price-output-per-1k", help="USD per 1000 completion tokens")


def _arm(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from octollm.arm.llm import LlmArmConfig

    given = {field: getattr(args, option) for option, field in ARM_OPTIONS.items()}
    settings = Settings.from_env(**{k: v for k, v in given.items() if v is not None})
    try:
        LlmArmConfig.from_settings(settings)
    except ValueError as exc:
        parser.error(f"arm llm: {exc}")
    log.configure(settings.log_level)
    asyncio.run(_serve(_servers(settings, ("arm",), args.host or settings.host, args.port)))
    return 0


def _add_worker_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    worker = commands.add_parser(
        "worker",
        help="execute tasks in this process, sharing the Redis store and queue (no HTTP API)",
    )
    worker.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="tasks at once (default OCTOLLM_WORKER_CONCURRENCY or 8)",
    )
    worker.add_argument(
        "--metrics-port",
        type=int,
        metavar="P",
        help="serve Prometheus metrics on 127.0.0.1:P/metrics",
    )
    return worker


def _worker(settings: Settings, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from octollm.orchestrator import worker_process

    if args.concurrency is not None:
        settings = dataclasses.replace(settings, worker_concurrency=args.concurrency)
    problem = worker_process.configuration_problem(settings)
    if problem:
        parser.error(problem)
    log.configure(settings.log_level)
    return asyncio.run(worker_process.run(settings, metrics_port=args.metrics_port))


TTL_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _ttl(value: str) -> int:
    """`90`, `90s`, `15m`, `1h`, `7d` -> seconds."""
    unit = value[-1:].lower()
    number, factor = (value[:-1], TTL_UNITS[unit]) if unit in TTL_UNITS else (value, 1)
    try:
        seconds = int(number) * factor
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a duration: {value!r} (e.g. 3600, 15m, 1h)"
        ) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the time to live must be positive")
    return seconds


def _add_token_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    token = commands.add_parser(
        "token",
        help="mint a JWT for local use, from OCTOLLM_JWT_SECRET (HS256) or --private-key",
    )
    token.add_argument("--sub", required=True, help="the subject (who the token is for)")
    token.add_argument(
        "--role", action="append", default=[], help="a role of specs/common.yaml (repeatable)"
    )
    token.add_argument("--scope", default="", help="extra scopes, space-separated")
    token.add_argument("--ttl", type=_ttl, default=3600, help="time to live (default 1h)")
    token.add_argument(
        "--private-key", type=Path, help="a PEM private key (RSA: RS256, P-256 EC: ES256)"
    )
    return token


def _token(settings: Settings, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from octollm.http import auth

    roles = auth.roles_from_spec(settings.specs_dir)
    if unknown := sorted(set(args.role) - set(roles)):
        parser.error(f"unknown role(s) {', '.join(unknown)}; the roles are {', '.join(roles)}")
    if not args.role and not args.scope:
        parser.error("give at least one --role or --scope")
    try:
        if args.private_key:
            key, algorithm = auth.private_key(args.private_key)
        elif settings.jwt_secret:
            key, algorithm = settings.jwt_secret, "HS256"
        else:
            parser.error("no signing key: set OCTOLLM_JWT_SECRET or pass --private-key FILE")
    except auth.AuthConfigError as exc:
        parser.error(str(exc))
    print(
        auth.mint(
            sub=args.sub,
            roles=args.role,
            scope=args.scope,
            ttl_seconds=args.ttl,
            key=key,
            algorithm=algorithm,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="octollm", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the services (both by default)")
    serve.add_argument("component", nargs="?", choices=(*COMPONENTS, "all"), default="all")
    serve.add_argument("--host", help="address to bind (default OCTOLLM_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (one component only; default 8000/8001)")
    serve.add_argument("--reload", action="store_true", help="restart on code or spec changes")
    commands.add_parser("lint", help="check the specs against the project's rules")
    generate = commands.add_parser("generate", help="rebuild generated/ from specs/")
    generate.add_argument("--check", action="store_true", help="only report what is stale")
    generate.add_argument("--out", type=Path, default=ROOT / "generated", help="target folder")
    _add_arm_parser(commands)
    worker = _add_worker_parser(commands)
    token = _add_token_parser(commands)
    args = parser.parse_args(argv)

    # connexion imports Starlette's test client, which warns about httpx on every start.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    try:
        return _run(args, argv, parser, worker, token)
    except ConfigurationRefused as exc:
        print(f"octollm: {exc}", file=sys.stderr)
        return 2


def _run(
    args: argparse.Namespace,
    argv: Sequence[str],
    parser: argparse.ArgumentParser,
    worker: argparse.ArgumentParser,
    token: argparse.ArgumentParser,
) -> int:
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise ConfigurationRefused(str(exc)) from None
    if args.command == "lint":
        return _lint(settings)
    if args.command == "generate":
        return _generate(settings, args.out, args.check)
    if args.command == "arm":
        return _arm(args, parser)
    if args.command == "worker":
        return _worker(settings, args, worker)
    if args.command == "token":
        return _token(settings, args, token)
    components = COMPONENTS if args.component == "all" else (args.component,)
    if args.port is not None and len(components) > 1:
        parser.error("--port needs a single component: octollm serve orchestrator --port 9000")
    if args.reload:
        return _reload(argv)
    log.configure(settings.log_level)
    asyncio.run(_serve(_servers(settings, components, args.host or settings.host, args.port)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
