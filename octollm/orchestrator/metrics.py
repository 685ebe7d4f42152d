"""Orchestrator metrics beyond HTTP: tasks, Reflex Layer calls, and the execution engine."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from octollm.orchestrator.tasks.store import TaskStore

EXECUTION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


@dataclass(frozen=True)
class OrchestratorMetrics:
    tasks_created: Counter
    tasks_by_status: Gauge
    reflex_calls: Counter
    executions: Histogram
    arm_calls: Counter
    arm_retries: Counter
    arm_in_flight: Gauge
    circuit_state: Gauge
    queue_depth: Gauge

    @classmethod
    def register(cls, registry: CollectorRegistry) -> OrchestratorMetrics:
        return cls(
            tasks_created=Counter(
                "octollm_tasks_created_total",
                "Tasks accepted, by priority.",
                ["priority"],
                registry=registry,
            ),
            tasks_by_status=Gauge(
                "octollm_tasks",
                "Stored tasks, by status (read from the store at scrape time).",
                ["status"],
                registry=registry,
            ),
            reflex_calls=Counter(
                "octollm_reflex_calls_total",
                "Calls to the Reflex Layer, by outcome (checks: allow, block, error, timeout; "
                "the result cache: hit, miss, stored).",
                ["outcome"],
                registry=registry,
            ),
            executions=Histogram(
                "octollm_task_execution_seconds",
                "Time from a task's move to processing to its final status, by that status "
                "(completed, failed, cancelled).",
                ["status"],
                buckets=EXECUTION_BUCKETS,
                registry=registry,
            ),
            arm_calls=Counter(
                "octollm_arm_calls_total",
                "Calls to arms, by arm and outcome (success, failure: the arm reported failure, "
                "unavailable: connection error or 5xx, timeout, rejected: 4xx, invalid: answer "
                "outside the arm contract, abandoned: cancelled or past the deadline).",
                ["arm", "outcome"],
                registry=registry,
            ),
            arm_retries=Counter(
                "octollm_arm_retries_total",
                "Arm calls repeated after a retryable failure, by the arm that failed.",
                ["arm"],
                registry=registry,
            ),
            arm_in_flight=Gauge(
                "octollm_arm_in_flight",
                "Calls in flight to each arm from this process.",
                ["arm"],
                registry=registry,
            ),
            circuit_state=Gauge(
                "octollm_arm_circuit_state",
                "Each arm's circuit breaker in this process: 0 closed, 1 half-open, 2 open.",
                ["arm"],
                registry=registry,
            ),
            queue_depth=Gauge(
                "octollm_task_queue_depth",
                "Tasks waiting in the queue or being worked on (read at scrape time).",
                registry=registry,
            ),
        )

    async def refresh(self, store: TaskStore) -> None:
        for status, count in (await store.count_by_status()).items():
            self.tasks_by_status.labels(status).set(count)
