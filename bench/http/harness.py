"""The HTTP benchmark of issue #8: our connexion services beside FastAPI and Starlette peers.

    apt-get install -y wrk && .venv/bin/pip install -e '.[bench]'   # wrk; FastAPI, matplotlib
    .venv/bin/python -m bench.http            # the full run (~32 min on 2 cores)
    .venv/bin/python -m bench.http --quick    # a smoke run of every scenario
    .venv/bin/python -m bench.http --memory   # RSS over 60 s, and 100 000 cached 1 KB entries

Each stack (ours, FastAPI, Starlette) is a Reflex Layer and an Orchestrator, each a uvicorn
process on a free 127.0.0.1 port with the same worker count, the Orchestrator calling its own
stack's Reflex Layer. Stacks run in turn (ours, FastAPI, Starlette, ours, ...), each run going
through every scenario with wrk; the table gives each scenario's median over the runs, and the
ratios ours/FastAPI and ours/Starlette. Written to bench/http/results.md, results.png and
results.json (raw runs); `--memory` writes memory.md and memory.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WRK_SCRIPT = HERE / "wrk.lua"
WRK_RATE_SCRIPT = HERE / "wrk_rate.lua"
REDIS_URL = "redis://127.0.0.1:6379/0"
SEED_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "octollm-bench"

STACKS = {
    "ours": {
        "reflex": "octollm.reflex.app:create_app",
        "orchestrator": "octollm.orchestrator.app:create_app",
    },
    "fastapi": {
        "reflex": "bench.peers.fastapi_app:create_reflex",
        "orchestrator": "bench.peers.fastapi_app:create_orchestrator",
    },
    "starlette": {
        "reflex": "bench.peers.starlette_app:create_reflex",
        "orchestrator": "bench.peers.starlette_app:create_orchestrator",
    },
}
STACK_NAMES = {"ours": "ours (connexion)", "fastapi": "FastAPI", "starlette": "Starlette"}

# 2 KB of ordinary prose: no PII, no injection (decision allow), as most traffic is.
PROSE = (
    "The quarterly review covered the migration of the billing service to the new cluster, "
    "the latency of the checkout path during the holiday peak, and the plan for retiring the "
    "legacy reporting jobs. Engineers noted that the queue depth stayed within its budget, "
    "that retries were rare, and that the dashboards now show the saturation of each pool. "
)
CHECK_TEXT = (PROSE * 6)[:2048]
HIT_KEY = "bench.get.hit"
HIT_VALUE = {"answer": "Paris", "sources": ["atlas", "encyclopedia"], "note": "x" * 160}


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    service: str  # reflex or orchestrator
    method: str
    path: str
    body: str | None = None  # file name under the run's work dir
    ids: bool = False
    mod: int = 0


SCENARIOS = [
    Scenario(
        "check_miss",
        "POST /check 2 KB (miss)",
        "reflex",
        "POST",
        "/api/v1/check",
        body="check_miss.json",
    ),
    Scenario(
        "check_hit",
        "POST /check 2 KB (hit)",
        "reflex",
        "POST",
        "/api/v1/check",
        body="check_hit.json",
    ),
    Scenario("cache_get", "GET /cache/{key} (hit)", "reflex", "GET", f"/api/v1/cache/{HIT_KEY}"),
    Scenario(
        "cache_put",
        "POST /cache",
        "reflex",
        "POST",
        "/api/v1/cache",
        body="cache_put.json",
        mod=50_000,
    ),
    Scenario("task_get", "GET /tasks/{id}", "orchestrator", "GET", "/api/v1/tasks/{id}", ids=True),
    Scenario(
        "task_list", "GET /tasks?page_size=50", "orchestrator", "GET", "/api/v1/tasks?page_size=50"
    ),
    Scenario(
        "task_create",
        "POST /tasks",
        "orchestrator",
        "POST",
        "/api/v1/tasks",
        body="task_create.json",
    ),
]
BY_NAME = {s.name: s for s in SCENARIOS}
HALF_LOAD = ("check_miss", "cache_get")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- servers ---------------------------------------------------------------------------------


class Server:
    """One uvicorn process (and its workers) serving one factory."""

    def __init__(self, label: str, factory: str, env: dict[str, str], workers: int, logs: Path):
        self.label = label
        self.factory = factory
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.log_path = logs / f"{label}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable, "-m", "uvicorn", "--factory", self.factory,
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited: see {self.log_path}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _ = request("GET", self.port, "/api/v1/health")
                if status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.label} not ready after {timeout} s: see {self.log_path}")

    def rss(self) -> int:
        """Resident bytes of the server and its worker processes."""
        import psutil

        if self.proc is None:
            return 0
        try:
            root = psutil.Process(self.proc.pid)
            return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        except psutil.Error:
            return 0

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: uvicorn and its workers
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


class RssSampler:
    """Samples a server's RSS every `interval` seconds, in a thread, while in a `with`."""

    def __init__(self, server: Server, interval: float) -> None:
        self.server = server
        self.interval = interval
        self.samples: list[tuple[float, int]] = []  # (seconds since the start, bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.monotonic()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic() - self._started, self.server.rss()))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.monotonic() - self._started, self.server.rss()))

    @property
    def peak(self) -> int:
        return max((r for _, r in self.samples), default=0)


def request(
    method: str, port: int, path: str, body: Any = None, token: str = ""
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclasses.dataclass
class Backend:
    name: str  # embedded or redis
    env: dict[str, str]
    data_dir: Path | None = None
    prefix: str = ""


@dataclasses.dataclass
class Config:
    duration: float
    warmup: float
    reps: int
    connections: int
    threads: int
    workers: int
    security: bool
    tasks: int
    stacks: list[str]
    scenarios: list[Scenario]
    half_load: bool
    work: Path
    sqlite_synchronous: str = "FULL"
    token: str = ""
    nonce: str = ""


class Stack:
    """A stack's Reflex Layer and Orchestrator, started together."""

    def __init__(self, name: str, backend: Backend, config: Config):
        logs = config.work / "logs"
        logs.mkdir(exist_ok=True)
        env = {**backend.env}
        self.reflex = Server(f"{name}-reflex", STACKS[name]["reflex"], env, config.workers, logs)
        orchestrator_env = {
            **env,
            "OCTOLLM_REFLEX_URL": f"{self.reflex.base}/api/v1",
        }
        self.orchestrator = Server(
            f"{name}-orchestrator", STACKS[name]["orchestrator"], orchestrator_env,
            config.workers, logs,
        )  # fmt: skip
        self.token = config.token

    def __enter__(self) -> Stack:
        try:
            self.reflex.start()
            self.orchestrator.start()  # its health answers 200 once the Reflex Layer does
            self.reflex.wait_ready()
            self.orchestrator.wait_ready()
            self.setup()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.orchestrator.stop()
        self.reflex.stop()

    def server(self, service: str) -> Server:
        return self.reflex if service == "reflex" else self.orchestrator

    def setup(self) -> None:
        """The cache entries the hit scenarios read (per process on the embedded default)."""
        from octollm.reflex.checks import cache_key

        for _ in range(max(1, self.reflex.workers * 4)):  # reach every worker, probably
            for key, value in ((cache_key(CHECK_TEXT), {"verdict": "seen"}), (HIT_KEY, HIT_VALUE)):
                status, body = request(
                    "POST", self.reflex.port, "/api/v1/cache",
                    {"key": key, "value": value, "ttl_seconds": 86400}, self.token,
                )  # fmt: skip
                if status != 201:
                    raise RuntimeError(f"setup: POST /cache answered {status}: {body[:300]!r}")


# --- load -----------------------------------------------------------------------------------


def write_bodies(work: Path, tasks: int) -> None:
    (work / "check_miss.json").write_text(json.dumps({"text": "{n} " + CHECK_TEXT[:-4]}))
    (work / "check_hit.json").write_text(json.dumps({"text": CHECK_TEXT}))
    (work / "cache_put.json").write_text(
        json.dumps({"key": "bench.put.{n}", "value": {"answer": "x" * 100}, "ttl_seconds": 3600})
    )
    (work / "task_create.json").write_text(
        json.dumps(
            {"goal": "Summarise incident report {n} in five bullet points", "priority": "high"}
        )
    )
    from bench.http.seed import task_id

    step = max(1, tasks // 1000)
    (work / "ids.txt").write_text("\n".join(task_id(i) for i in range(0, tasks, step)) + "\n")


def wrk(
    config: Config, scenario: Scenario, server: Server, duration: float, rate: float = 0
) -> dict[str, Any]:
    args = [f"method={scenario.method}", f"path={scenario.path}", f"nonce={config.nonce}"]
    if scenario.body:
        args.append(f"body_file={config.work / scenario.body}")
    if scenario.ids:
        args.append(f"ids_file={config.work / 'ids.txt'}")
    if scenario.mod:
        args.append(f"mod={scenario.mod}")
    if config.token:
        args.append(f"token={config.token}")
    script = WRK_SCRIPT
    if rate:
        args.append(f"rate={rate / config.threads:.3f}")
        script = WRK_RATE_SCRIPT
    command = [
        "wrk", f"-t{config.threads}", f"-c{config.connections}", f"-d{max(1, round(duration))}s",
        "--timeout", "10s", "-s", str(script), server.base, "--", *args,
    ]  # fmt: skip
    with RssSampler(server, 0.2) as sampler:
        out = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 120, check=False
        )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout[-500:]} {out.stderr[-500:]}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": errors,
        "non_2xx": raw["status"],
        "requests": raw["requests"],
        "peak_rss_mb": sampler.peak / 2**20,
        "raw": raw,
    }


def run_scenario(
    config: Config, scenario: Scenario, stack: Stack, rate: float = 0
) -> dict[str, Any]:
    server = stack.server(scenario.service)
    if config.warmup > 0:
        wrk(config, scenario, server, config.warmup, rate)
    return wrk(config, scenario, server, config.duration, rate)


# --- backends -------------------------------------------------------------------------------


def base_env(config: Config) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("OCTOLLM_") and k != "PYTHONPATH"
    }
    env["PYTHONPATH"] = str(ROOT)
    env["OCTOLLM_VALIDATE_RESPONSES"] = "false"  # production's default, stated
    env["OCTOLLM_WORKER_CONCURRENCY"] = "8"
    env["OCTOLLM_SQLITE_SYNCHRONOUS"] = config.sqlite_synchronous
    if config.security:
        secret = config.work.joinpath("secret").read_text()
        env |= {
            "OCTOLLM_AUTH": "jwt",
            "OCTOLLM_JWT_SECRET": secret,
            "OCTOLLM_REFLEX_TOKEN": config.token,
            "OCTOLLM_RATE_LIMITS": "on",
            # Far above what 2 cores can serve in a window (GCRA needs limit <= window in µs).
            "OCTOLLM_RATE_LIMIT_PER_IP": "10000000",
            "OCTOLLM_RATE_LIMIT_PER_SUBJECT": "10000000",
            "OCTOLLM_RATE_LIMIT_WINDOW_SECONDS": "60",
        }
    return env


def seeded_sqlite(config: Config) -> Path:
    """A data dir holding `config.tasks` seeded tasks (made once, then copied from a cache)."""
    from bench.http import seed
    from octollm.orchestrator.tasks import store_sqlite

    version = hashlib.sha256(
        Path(seed.__file__).read_bytes() + Path(store_sqlite.__file__).read_bytes()
    ).hexdigest()[:12]
    cached = SEED_CACHE / f"tasks-{config.tasks}-{version}"
    target = config.work / "data"
    if not (cached / "tasks.sqlite3").exists():
        log(f"seeding {config.tasks} tasks into SQLite (cached in {cached})")
        started = time.monotonic()
        building = cached.with_name(cached.name + f".tmp{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        asyncio.run(seed.seed_sqlite(building, config.tasks))
        shutil.rmtree(cached, ignore_errors=True)
        building.rename(cached)
        log(f"seeded in {time.monotonic() - started:.0f} s")
    shutil.copytree(cached, target)
    return target


def make_backend(name: str, config: Config) -> Backend:
    from bench.http import seed

    env = base_env(config)
    if name == "embedded":
        data_dir = seeded_sqlite(config)
        return Backend(name, env | {"OCTOLLM_DATA_DIR": str(data_dir)}, data_dir=data_dir)
    prefix = f"octollm-bench-{uuid.uuid4().hex[:10]}"
    log(f"seeding {config.tasks} tasks into Redis under {prefix}")
    started = time.monotonic()
    asyncio.run(seed.seed_redis(REDIS_URL, prefix, config.tasks))
    log(f"seeded in {time.monotonic() - started:.0f} s")
    return Backend(
        name,
        env | {"OCTOLLM_REDIS_URL": REDIS_URL, "OCTOLLM_REDIS_PREFIX": prefix,
               "OCTOLLM_DATA_DIR": str(config.work / "data-unused")},
        prefix=prefix,
    )  # fmt: skip


def forget_created(backend: Backend) -> None:
    from bench.http import seed

    if backend.data_dir is not None:
        seed.forget_created_sqlite(backend.data_dir)
    elif backend.prefix:
        seed.forget_created_redis(REDIS_URL, backend.prefix)


def drop_backend(backend: Backend) -> None:
    from bench.http import seed

    if backend.prefix:
        deleted = seed.delete_prefix(REDIS_URL, backend.prefix)
        log(f"deleted {deleted} Redis keys under {backend.prefix}")


@contextlib.contextmanager
def session(name: str, backend: Backend, config: Config) -> Iterator[Stack]:
    try:
        with Stack(name, backend, config) as stack:
            yield stack
    finally:
        forget_created(backend)


# --- the main run ---------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rps": median([r["rps"] for r in runs]),
        "p50_ms": median([r["p50_ms"] for r in runs]),
        "p99_ms": median([r["p99_ms"] for r in runs]),
        "errors": sum(r["errors"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "peak_rss_mb": median([r["peak_rss_mb"] for r in runs]),
        "runs": len(runs),
        "code": sorted({r.get("code", "unknown") for r in runs}),
        "rps_runs": [round(r["rps"], 1) for r in runs],
    }


def run_backend(backend: Backend, config: Config) -> dict[str, Any]:
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        s.name: {stack: [] for stack in config.stacks} for s in config.scenarios
    }
    for rep in range(config.reps):
        for stack_name in config.stacks:
            log(f"{backend.name}: run {rep + 1}/{config.reps}, {STACK_NAMES[stack_name]}")
            code = code_version()
            with session(stack_name, backend, config) as stack:
                for scenario in config.scenarios:
                    result = run_scenario(config, scenario, stack)
                    result["code"] = code
                    runs[scenario.name][stack_name].append(result)
                    log(
                        f"  {scenario.label:<26} {result['rps']:8.0f} req/s  "
                        f"p50 {result['p50_ms']:6.2f} ms  p99 {result['p99_ms']:6.2f} ms  "
                        f"errors {result['errors']}  rss {result['peak_rss_mb']:.0f} MB"
                    )
    table = {
        name: {stack: summarise(stack_runs) for stack, stack_runs in by_stack.items()}
        for name, by_stack in runs.items()
    }
    half: dict[str, dict[str, Any]] = {}
    if config.half_load:
        wanted = [BY_NAME[n] for n in HALF_LOAD if n in runs]
        for stack_name in config.stacks:
            if not wanted:
                break
            log(f"{backend.name}: half load, {STACK_NAMES[stack_name]}")
            with session(stack_name, backend, config) as stack:
                for scenario in wanted:
                    rate = table[scenario.name][stack_name]["rps"] / 2
                    result = run_scenario(config, scenario, stack, rate=rate)
                    result["target_rps"] = rate
                    half.setdefault(scenario.name, {})[stack_name] = result
                    log(
                        f"  {scenario.label:<26} at {rate:6.0f}/s: {result['rps']:6.0f} req/s  "
                        f"p50 {result['p50_ms']:6.2f} ms  p99 {result['p99_ms']:6.2f} ms  "
                        f"errors {result['errors']}"
                    )
    return {"table": table, "runs": runs, "half_load": half}


# --- memory mode ----------------------------------------------------------------------------

MEMORY_SCENARIOS = ("check_miss", "cache_get", "task_get")


def memory_flat(
    backend: Backend, config: Config, seconds: float, stacks: list[str]
) -> dict[str, Any]:
    """RSS of the measured service across one long run: start (after warm-up) vs end."""
    out: dict[str, Any] = {}
    for stack_name in stacks:
        log(f"memory: {seconds:.0f} s runs, {STACK_NAMES[stack_name]} ({backend.name})")
        with session(stack_name, backend, config) as stack:
            for name in MEMORY_SCENARIOS:
                scenario = BY_NAME[name]
                server = stack.server(scenario.service)
                wrk(config, scenario, server, max(config.warmup, 5))
                with RssSampler(server, 1.0) as sampler:
                    result = wrk(config, scenario, server, seconds)
                timeline = sampler.samples
                start_mb = timeline[0][1] / 2**20
                end_mb = timeline[-1][1] / 2**20
                peak_mb = max(r for _, r in timeline) / 2**20
                growth = (end_mb - start_mb) / start_mb if start_mb else float("nan")
                out.setdefault(name, {})[stack_name] = {
                    "start_mb": start_mb,
                    "end_mb": end_mb,
                    "peak_mb": peak_mb,
                    "growth": growth,
                    "flat": abs(growth) <= 0.10,
                    "rps": result["rps"],
                    "requests": result["requests"],
                    "errors": result["errors"],
                    "timeline_mb": [(round(t, 1), round(r / 2**20, 1)) for t, r in timeline],
                }
                log(
                    f"  {scenario.label:<26} {start_mb:6.1f} -> {end_mb:6.1f} MB "
                    f"({growth:+.1%}), peak {peak_mb:.1f} MB, {result['requests']} requests"
                )
    return out


async def _fill_cache(
    port: int, token: str, n: int, value_bytes: int, concurrency: int = 16
) -> int:
    """POST /cache n entries, each `value_bytes` of key + JSON value; returns the failures."""
    filler = "y" * (value_bytes - 40)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    numbers = iter(range(n))
    failures = 0

    async def worker() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for i in numbers:
                body = json.dumps(
                    {"key": f"bench.mem.{i:06d}", "value": {"text": filler}, "ttl_seconds": 86400}
                ).encode()
                writer.write(
                    (
                        f"POST /api/v1/cache HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                        f"{auth}\r\n"
                    ).encode()
                    + body
                )
                status = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                if b" 201 " not in status:
                    failures += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failures


def cache_cost(backend: Backend, config: Config, entries: int) -> dict[str, Any]:
    """RSS of our Reflex Layer before and after `entries` cached 1 KB entries."""
    log(f"memory: {entries} cached 1 KB entries, ours ({backend.name})")
    with session("ours", backend, config) as stack:
        server = stack.reflex
        wrk(config, BY_NAME["cache_get"], server, max(config.warmup, 3))  # steady state first
        time.sleep(1)
        before = server.rss()
        started = time.monotonic()
        failures = asyncio.run(_fill_cache(server.port, config.token, entries, 1024))
        took = time.monotonic() - started
        time.sleep(1)
        after = server.rss()
        _, body = request("GET", server.port, "/api/v1/stats", token=config.token)
        stats = json.loads(body)
    result = {
        "entries": entries,
        "entry_bytes": 1024,
        "before_mb": before / 2**20,
        "after_mb": after / 2**20,
        "cost_mb": (after - before) / 2**20,
        "stored": stats.get("entries"),
        "failures": failures,
        "fill_seconds": took,
    }
    log(
        f"  {before / 2**20:.1f} MB -> {after / 2**20:.1f} MB: {result['cost_mb']:.1f} MB for "
        f"{stats.get('entries')} entries ({failures} failures, {took:.0f} s)"
    )
    return result


# --- command line ---------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.http", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 1 s per scenario, no warm-up, 1 run, 10 000 tasks",
    )
    parser.add_argument("--memory", action="store_true", help="the memory measurements only")
    parser.add_argument("--duration", type=float, help="seconds per measured run (default 10)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up before each (default 3)")
    parser.add_argument("--reps", type=int, help="interleaved runs per stack (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per service")
    parser.add_argument(
        "--security",
        choices=("on", "off"),
        default="on",
        help="JWT auth and rate limits (limits far above the load) on every stack",
    )
    parser.add_argument(
        "--backend",
        choices=("auto", "embedded", "redis", "both"),
        default="auto",
        help="auto: embedded, and Redis too when 127.0.0.1:6379 answers",
    )
    parser.add_argument("--tasks", type=int, help="tasks stored for the list (default 100000)")
    parser.add_argument("--stacks", default="ours,fastapi,starlette")
    parser.add_argument(
        "--scenarios",
        default=",".join(s.name for s in SCENARIOS),
        help="comma-separated: " + ", ".join(s.name for s in SCENARIOS),
    )
    parser.add_argument(
        "--no-half-load", action="store_true", help="skip the p99 at half of the maximum throughput"
    )
    parser.add_argument(
        "--sqlite-synchronous",
        default="FULL",
        help="OCTOLLM_SQLITE_SYNCHRONOUS (FULL, production's default: a 202 is on disk)",
    )
    parser.add_argument("--memory-seconds", type=float, default=60)
    parser.add_argument("--memory-stacks", default="ours")
    parser.add_argument("--cache-entries", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=HERE, help="where results go")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    quick = args.quick
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    stacks = [s.strip() for s in args.stacks.split(",") if s.strip()]
    scenarios = [BY_NAME[s.strip()] for s in args.scenarios.split(",") if s.strip()]
    from bench.http import seed

    redis_up = seed.redis_answers(REDIS_URL)
    backends = {
        "auto": ["embedded", *(["redis"] if redis_up else [])],
        "embedded": ["embedded"],
        "redis": ["redis"],
        "both": ["embedded", "redis"],
    }[args.backend]
    if "redis" in backends and not redis_up:
        print(f"Redis does not answer at {REDIS_URL}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="octollm-bench-"))
    config = Config(
        duration=args.duration or (1 if quick else 10),
        warmup=args.warmup if args.warmup is not None else (0 if quick else 3),
        reps=args.reps or (1 if quick else 3),
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        security=args.security == "on",
        tasks=args.tasks or (10_000 if quick else 100_000),
        stacks=stacks,
        scenarios=scenarios,
        half_load=not args.no_half_load,
        work=work,
        sqlite_synchronous=args.sqlite_synchronous,
        nonce=uuid.uuid4().hex[:8],
    )
    if config.security:
        from octollm.http import auth

        secret = secrets.token_urlsafe(48)
        (work / "secret").write_text(secret)
        config.token = auth.mint(
            sub="bench", roles=["operator"], ttl_seconds=7 * 86400, key=secret, algorithm="HS256"
        )
    write_bodies(work, config.tasks)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": "python -m bench.http " + " ".join(sys.argv[1:] if argv is None else argv),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "duration": config.duration,
        "warmup": config.warmup,
        "reps": config.reps,
        "connections": config.connections,
        "threads": config.threads,
        "workers": config.workers,
        "security": config.security,
        "tasks": config.tasks,
        "sqlite_synchronous": config.sqlite_synchronous,
        "backends": backends,
        "stacks": stacks,
        "versions": versions(),
        "code_at_start": code_version(),
    }
    log(f"work dir {work}; backends {', '.join(backends)}; {json.dumps(meta['versions'])}")
    started = time.monotonic()
    results: dict[str, Any] = {"meta": meta, "backends": {}}
    try:
        for name in backends:
            backend = make_backend(name, config)
            try:
                if args.memory:
                    results["backends"][name] = {
                        "memory_flat": memory_flat(
                            backend,
                            config,
                            args.memory_seconds,
                            [s.strip() for s in args.memory_stacks.split(",")],
                        ),
                    }
                    if name == "embedded":
                        results["cache_cost"] = cache_cost(backend, config, args.cache_entries)
                else:
                    results["backends"][name] = run_backend(backend, config)
            finally:
                drop_backend(backend)
    finally:
        meta["seconds"] = round(time.monotonic() - started)
        meta["load_average_at_end"] = os.getloadavg()
        meta["code_at_end"] = code_version()
    from bench.http import report

    if args.memory:
        report.write_memory(results, args.out)
    else:
        report.write(results, args.out)
    shutil.rmtree(work, ignore_errors=True)
    log(f"done in {meta['seconds']} s; results in {args.out}")
    return 0


def code_version() -> str:
    """The last commit to octollm/, handlers/ or specs/ (what our services run), `+dirty` when
    they have uncommitted changes (a shared checkout can change under a long run: each run
    records it)."""
    try:
        head = subprocess.run(
            ["git", "log", "-1", "--format=%h", "--", "octollm", "handlers", "specs"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "octollm", "handlers", "specs"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (head or "unknown") + ("+dirty" if dirty else "")


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": sys.version.split()[0]}
    for name in ("connexion", "starlette", "fastapi", "pydantic", "uvicorn", "uvloop", "httptools"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    found["wrk"] = wrk_version.split()[1] if wrk_version.split() else "?"
    return found
