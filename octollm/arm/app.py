"""The arm application: an `ArmService` wired to specs/arm.yaml.

`create_app()` serves the LLM arm configured by the `arm_*` settings. `create_app(settings,
service=my_arm)` serves any object with the members of `octollm.arm.service.ArmService`
(`arm_id`, `execute`, `capabilities`, `ping`) instead: requests are validated against the spec
and so are responses when `validate_responses` is on, so a fake arm in a test speaks exactly
the contract. A service passed in is used as it is: the app neither opens nor closes it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

from connexion import AsyncApp
from prometheus_client import CollectorRegistry

from octollm.arm.llm import LlmArm, LlmArmConfig
from octollm.arm.metered import ExecutionMetrics, MeteredArm
from octollm.arm.service import ArmService
from octollm.config import Settings
from octollm.http.app import build_app
from octollm.http.metrics import HttpMetrics
from octollm.system import Probe, SystemService

MAX_TIMEOUT_SECONDS = 3600  # `timeout_seconds`' maximum in specs/arm.yaml
ANSWER_GRACE_SECONDS = 10


def with_execution_deadline(settings: Settings) -> Settings:
    """Each `/execute` brings its own deadline (up to an hour) and answers when it passes, so
    the server's request deadline (408) must not come first."""
    floor = MAX_TIMEOUT_SECONDS + ANSWER_GRACE_SECONDS
    if settings.request_timeout_seconds >= floor:
        return settings
    return dataclasses.replace(settings, request_timeout_seconds=float(floor))


def create_app(settings: Settings | None = None, *, service: ArmService | None = None) -> AsyncApp:
    settings = with_execution_deadline(settings or Settings.from_env())
    registry = CollectorRegistry()
    metrics = HttpMetrics(registry)
    lifespan = None
    if service is None:
        llm = LlmArm(LlmArmConfig.from_settings(settings))
        service = llm

        @contextlib.asynccontextmanager
        async def lifespan(_app: object) -> AsyncIterator[None]:
            await llm.open()
            try:
                yield
            finally:
                await llm.close()

    arm = MeteredArm(service, ExecutionMetrics(registry))
    services = {
        "execute": arm,
        "capabilities": arm,
        "system": SystemService("arm", metrics=metrics, probes={"upstream": Probe(arm.ping)}),
    }
    return build_app(
        component="arm",
        spec="arm",
        settings=settings,
        services=services,
        metrics=metrics,
        lifespan=lifespan,
    )
