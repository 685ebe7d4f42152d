from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.task import Task
from ...models.task_create import TaskCreate
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | Task | None:
    if response.status_code == 202:
        response_202 = Task.from_dict(response.json())

        return response_202

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

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

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
) -> Response[ErrorEnvelope | Task]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Task]:
    """Create a task

     Accepts a task for execution and returns it as `pending`. Before accepting, the goal and
    the context are checked by the Reflex Layer: a `block` decision rejects the task with
    `VALIDATION_ERROR` (`details.constraint` = `reflex_policy`); an unreachable or slow Reflex
    Layer gives `SERVICE_UNAVAILABLE`.

    The reflex shortcut: when the Reflex Layer's cache holds the result of an identical
    earlier task (same `cache_key`) and `use_cache` is true, the task is returned already
    `completed` with that result, and `provenance.cache_hit` true.

    With an `Idempotency-Key`, a retry with the same key and the same body returns the
    original task; the same key with a different body is a `CONFLICT`.

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (TaskCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Task]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | Task | None:
    """Create a task

     Accepts a task for execution and returns it as `pending`. Before accepting, the goal and
    the context are checked by the Reflex Layer: a `block` decision rejects the task with
    `VALIDATION_ERROR` (`details.constraint` = `reflex_policy`); an unreachable or slow Reflex
    Layer gives `SERVICE_UNAVAILABLE`.

    The reflex shortcut: when the Reflex Layer's cache holds the result of an identical
    earlier task (same `cache_key`) and `use_cache` is true, the task is returned already
    `completed` with that result, and `provenance.cache_hit` true.

    With an `Idempotency-Key`, a retry with the same key and the same body returns the
    original task; the same key with a different body is a `CONFLICT`.

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (TaskCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Task
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | Task]:
    """Create a task

     Accepts a task for execution and returns it as `pending`. Before accepting, the goal and
    the context are checked by the Reflex Layer: a `block` decision rejects the task with
    `VALIDATION_ERROR` (`details.constraint` = `reflex_policy`); an unreachable or slow Reflex
    Layer gives `SERVICE_UNAVAILABLE`.

    The reflex shortcut: when the Reflex Layer's cache holds the result of an identical
    earlier task (same `cache_key`) and `use_cache` is true, the task is returned already
    `completed` with that result, and `provenance.cache_hit` true.

    With an `Idempotency-Key`, a retry with the same key and the same body returns the
    original task; the same key with a different body is a `CONFLICT`.

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (TaskCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Task]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | Task | None:
    """Create a task

     Accepts a task for execution and returns it as `pending`. Before accepting, the goal and
    the context are checked by the Reflex Layer: a `block` decision rejects the task with
    `VALIDATION_ERROR` (`details.constraint` = `reflex_policy`); an unreachable or slow Reflex
    Layer gives `SERVICE_UNAVAILABLE`.

    The reflex shortcut: when the Reflex Layer's cache holds the result of an identical
    earlier task (same `cache_key`) and `use_cache` is true, the task is returned already
    `completed` with that result, and `provenance.cache_hit` true.

    With an `Idempotency-Key`, a retry with the same key and the same body returns the
    original task; the same key with a different body is a `CONFLICT`.

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (TaskCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Task
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
