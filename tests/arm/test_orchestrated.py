"""The LLM arm behind a real orchestrator: a task submitted over HTTP is answered by the
(fake) model server, with usage and model recorded on the task."""

from __future__ import annotations

import time
from pathlib import Path

from octollm.arm.app import create_app
from octollm.config import Settings
from tests.arm.fake_upstream import Script
from tests.conftest import live_server
from tests.orchestrator.arms import wait_for_status, write_arms_file
from tests.orchestrator.helpers import create_task


def test_a_task_is_answered_by_the_model_through_the_llm_arm(
    tmp_path: Path, upstream: Script, make_orchestrator
):
    settings = Settings.from_env(
        {}, arm_upstream_url=upstream.url, arm_model="fake-model", validate_responses=True
    )
    with live_server(create_app(settings)) as arm_url:
        arms = [{"id": "llm", "url": arm_url, "capabilities": ["general"]}]
        orchestrator = make_orchestrator(arms_file=str(write_arms_file(tmp_path / "a.yaml", arms)))
        goal = f"Summarise the incident report (run {time.time_ns()})"
        created = create_task(orchestrator, goal=goal, budget={"max_tokens": 500})

        task = wait_for_status(orchestrator, created["task_id"])

    assert task["status"] == "completed", task
    assert task["result"]["output"] == "- one\n- two\n- three\n- four\n- five"
    assert task["provenance"]["arm_id"] == "llm"
    assert task["provenance"]["tokens_used"] == task["result"]["usage"]["total_tokens"] > 0
    assert task["provenance"]["model"] == upstream.reply.model
    [request] = upstream.requests
    assert request.json["max_tokens"] == 500
    assert goal in request.prompt
