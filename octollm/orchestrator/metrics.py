"""Orchestrator metrics beyond HTTP: tasks created, tasks by status, Reflex Layer calls."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge

from octollm.orchestrator.tasks.store import TaskStore


@dataclass(frozen=True)
class OrchestratorMetrics:
    tasks_created: Counter
    tasks_by_status: Gauge
    reflex_calls: Counter

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
                "Calls to the Reflex Layer, by outcome (allow, block, error, timeout).",
                ["outcome"],
                registry=registry,
            ),
        )

    async def refresh(self, store: TaskStore) -> None:
        for status, count in (await store.count_by_status()).items():
            self.tasks_by_status.labels(status).set(count)
