from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.priority import Priority
from ...models.task_page import TaskPage
from ...models.task_status import TaskStatus
from ...models.tasks_list_order import TasksListOrder
from ...models.tasks_list_sort_by import TasksListSortBy
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
    sort_by: TasksListSortBy | Unset = TasksListSortBy.CREATED_AT,
    order: TasksListOrder | Unset = TasksListOrder.DESC,
    status: TaskStatus | Unset = UNSET,
    priority: Priority | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

    json_sort_by: str | Unset = UNSET
    if not isinstance(sort_by, Unset):
        json_sort_by = sort_by.value

    params["sort_by"] = json_sort_by

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_priority: str | Unset = UNSET
    if not isinstance(priority, Unset):
        json_priority = priority.value

    params["priority"] = json_priority

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tasks",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | TaskPage | None:
    if response.status_code == 200:
        response_200 = TaskPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 406:
        response_406 = ErrorEnvelope.from_dict(response.json())

        return response_406

    if response.status_code == 408:
        response_408 = ErrorEnvelope.from_dict(response.json())

        return response_408

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 431:
        response_431 = ErrorEnvelope.from_dict(response.json())

        return response_431

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | TaskPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
    sort_by: TasksListSortBy | Unset = TasksListSortBy.CREATED_AT,
    order: TasksListOrder | Unset = TasksListOrder.DESC,
    status: TaskStatus | Unset = UNSET,
    priority: Priority | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | TaskPage]:
    """List tasks

     One page of tasks, sorted by `sort_by` in `order`, ties broken by `task_id` so the
    order is stable. A page past the end is empty, with correct totals. Sorting by
    `priority` ranks low < medium < high < critical; by `status`, in lifecycle order
    pending < processing < completed < failed < cancelled.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 50.
        sort_by (TasksListSortBy | Unset):  Default: TasksListSortBy.CREATED_AT.
        order (TasksListOrder | Unset):  Default: TasksListOrder.DESC.
        status (TaskStatus | Unset):
        priority (Priority | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TaskPage]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        sort_by=sort_by,
        order=order,
        status=status,
        priority=priority,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
    sort_by: TasksListSortBy | Unset = TasksListSortBy.CREATED_AT,
    order: TasksListOrder | Unset = TasksListOrder.DESC,
    status: TaskStatus | Unset = UNSET,
    priority: Priority | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | TaskPage | None:
    """List tasks

     One page of tasks, sorted by `sort_by` in `order`, ties broken by `task_id` so the
    order is stable. A page past the end is empty, with correct totals. Sorting by
    `priority` ranks low < medium < high < critical; by `status`, in lifecycle order
    pending < processing < completed < failed < cancelled.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 50.
        sort_by (TasksListSortBy | Unset):  Default: TasksListSortBy.CREATED_AT.
        order (TasksListOrder | Unset):  Default: TasksListOrder.DESC.
        status (TaskStatus | Unset):
        priority (Priority | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TaskPage
    """

    return sync_detailed(
        client=client,
        page=page,
        page_size=page_size,
        sort_by=sort_by,
        order=order,
        status=status,
        priority=priority,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
    sort_by: TasksListSortBy | Unset = TasksListSortBy.CREATED_AT,
    order: TasksListOrder | Unset = TasksListOrder.DESC,
    status: TaskStatus | Unset = UNSET,
    priority: Priority | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | TaskPage]:
    """List tasks

     One page of tasks, sorted by `sort_by` in `order`, ties broken by `task_id` so the
    order is stable. A page past the end is empty, with correct totals. Sorting by
    `priority` ranks low < medium < high < critical; by `status`, in lifecycle order
    pending < processing < completed < failed < cancelled.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 50.
        sort_by (TasksListSortBy | Unset):  Default: TasksListSortBy.CREATED_AT.
        order (TasksListOrder | Unset):  Default: TasksListOrder.DESC.
        status (TaskStatus | Unset):
        priority (Priority | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TaskPage]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        sort_by=sort_by,
        order=order,
        status=status,
        priority=priority,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
    sort_by: TasksListSortBy | Unset = TasksListSortBy.CREATED_AT,
    order: TasksListOrder | Unset = TasksListOrder.DESC,
    status: TaskStatus | Unset = UNSET,
    priority: Priority | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | TaskPage | None:
    """List tasks

     One page of tasks, sorted by `sort_by` in `order`, ties broken by `task_id` so the
    order is stable. A page past the end is empty, with correct totals. Sorting by
    `priority` ranks low < medium < high < critical; by `status`, in lifecycle order
    pending < processing < completed < failed < cancelled.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 50.
        sort_by (TasksListSortBy | Unset):  Default: TasksListSortBy.CREATED_AT.
        order (TasksListOrder | Unset):  Default: TasksListOrder.DESC.
        status (TaskStatus | Unset):
        priority (Priority | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TaskPage
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            page_size=page_size,
            sort_by=sort_by,
            order=order,
            status=status,
            priority=priority,
            x_request_id=x_request_id,
        )
    ).parsed
