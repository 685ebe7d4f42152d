"""`octollm arm llm` as a user runs it: a real process on a real port, stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import pytest

from tests.arm.helpers import TASK
from tests.conftest import free_port
from tests.test_cli import wait_until_up

KEY = "sk-cli-test-0d9c8b7a6f5e"


def test_the_llm_arm_serves_the_contract_and_stops_on_sigterm(upstream):
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    command = [
        *(sys.executable, "-m", "octollm.cli", "arm", "llm"),
        *("--upstream", upstream.url, "--model", "cli-model", "--port", str(port)),
        *("--arm-id", "cli-arm", "--capabilities", "general,code", "--max-concurrency", "2"),
        *("--api-key-env", "ARM_CLI_TEST_KEY", "--price-input-per-1k", "0.001"),
    ]
    env = {**os.environ, "ARM_CLI_TEST_KEY": KEY, "OCTOLLM_LOG_LEVEL": "DEBUG"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"{base}/health", process)
        capabilities = httpx.get(f"{base}/capabilities").json()
        executed = httpx.post(
            f"{base}/execute",
            json={"task": TASK, "request_id": "cli-req-1", "timeout_seconds": 10},
            headers={"X-Request-ID": "cli-req-1"},
            timeout=15,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=15)[0].decode()

    assert process.returncode == 0, output
    assert capabilities == {
        "arm_id": "cli-arm",
        "capabilities": ["general", "code"],
        "max_concurrency": 2,
    }
    assert executed.status_code == 200, executed.text
    result = executed.json()
    assert result["success"] is True
    assert result["provenance"]["arm_id"] == "cli-arm"
    assert result["result"]["cost_usd"] == 0.00003  # 30 prompt tokens at $0.001 per 1000
    [sent] = upstream.requests
    assert sent.json["model"] == "cli-model"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert "[cli-req-1] POST /api/v1/execute 200" in output
    assert "task 3f1e4c1a-7d7e-4b8e-9a53-0c1f2b8d9e10: success" in output
    assert KEY not in output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--upstream", "localhost:1234"], b"the upstream must be an http(s) URL"),
        (["--capabilities", "General Purpose"], b"capabilities: one or more names matching"),
        (["--price-output-per-1k", "cheap"], b"prices are non-negative numbers of USD"),
        (["--api-key-env", "ARM_CLI_UNSET_KEY"], b"variable ARM_CLI_UNSET_KEY is not set"),
    ],
)
def test_bad_options_are_refused_before_serving(options, message):
    command = [sys.executable, "-m", "octollm.cli", "arm", "llm", "--model", "m"]
    defaults = ["--upstream", "http://127.0.0.1:1"]
    env = {k: v for k, v in os.environ.items() if k != "ARM_CLI_UNSET_KEY"}

    result = subprocess.run(
        [*command, *defaults, *options], env=env, capture_output=True, timeout=30
    )

    assert result.returncode == 2
    assert message in result.stderr


def test_upstream_and_model_are_required():
    result = subprocess.run(
        [sys.executable, "-m", "octollm.cli", "arm", "llm", "--model", "m"],
        capture_output=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert b"--upstream" in result.stderr
