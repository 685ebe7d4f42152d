from typing import Any

from octollm.orchestrator.tasks.service import TaskService


async def create(
    tasks: TaskService, body: dict[str, Any], idempotency_key: str | None = None
) -> tuple[dict[str, Any], int, dict[str, str]]:
    task = await tasks.create(body, idempotency_key)
    return task, 202, {"Location": f"/api/v1/tasks/{task['task_id']}"}


async def get(tasks: TaskService, task_id: str) -> tuple[dict[str, Any], int]:
    return await tasks.get(task_id), 200


async def list(
    tasks: TaskService,
    page: int,
    page_size: int,
    sort_by: str,
    order: str,
    status: str | None = None,
    priority: str | None = None,
) -> tuple[dict[str, Any], int]:
    return await tasks.list(page, page_size, sort_by, order, status, priority), 200


async def cancel(tasks: TaskService, task_id: str) -> tuple[dict[str, Any], int]:
    return await tasks.cancel(task_id), 200
