from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.execute_request import ExecuteRequest
from ...models.execute_result import ExecuteResult
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    body: ExecuteRequest,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/execute",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | ExecuteResult | None:
    if response.status_code == 200:
        response_200 = ExecuteResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 406:
        response_406 = ErrorEnvelope.from_dict(response.json())

        return response_406

    if response.status_code == 408:
        response_408 = ErrorEnvelope.from_dict(response.json())

        return response_408

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
) -> Response[ErrorEnvelope | ExecuteResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ExecuteRequest,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | ExecuteResult]:
    """Execute a task

     Executes `task` and answers when it is done, within `timeout_seconds` (waiting for a
    free slot included: an arm runs at most `max_concurrency` tasks at once, the others
    wait). Past the deadline the answer is `success: false` with error code `TIMEOUT`.

    `success` true: `result` is the arm's output (its shape is the arm's own; see
    `ArmOutput`) and `error` is null. `success` false: `result` is null and `error` says
    why. Either way `provenance` says which arm, how long, how many tokens and which model.

    Error codes of a failed execution (arms may add their own): `TIMEOUT` (the deadline
    passed), `BUDGET_EXCEEDED` (`budget.max_cost_usd` leaves no room for an answer, or the
    answer cost more), `UPSTREAM_REJECTED` (the model server refused the request; its
    reason is quoted), `UPSTREAM_INVALID` (the model server answered something that is
    not a completion).

    `503 SERVICE_UNAVAILABLE` means the arm cannot execute now: its model server is
    unreachable, failed (a 5xx) or is rate limiting (429). Retry later or elsewhere.

    Args:
        x_request_id (str | Unset):
        body (ExecuteRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ExecuteResult]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ExecuteRequest,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | ExecuteResult | None:
    """Execute a task

     Executes `task` and answers when it is done, within `timeout_seconds` (waiting for a
    free slot included: an arm runs at most `max_concurrency` tasks at once, the others
    wait). Past the deadline the answer is `success: false` with error code `TIMEOUT`.

    `success` true: `result` is the arm's output (its shape is the arm's own; see
    `ArmOutput`) and `error` is null. `success` false: `result` is null and `error` says
    why. Either way `provenance` says which arm, how long, how many tokens and which model.

    Error codes of a failed execution (arms may add their own): `TIMEOUT` (the deadline
    passed), `BUDGET_EXCEEDED` (`budget.max_cost_usd` leaves no room for an answer, or the
    answer cost more), `UPSTREAM_REJECTED` (the model server refused the request; its
    reason is quoted), `UPSTREAM_INVALID` (the model server answered something that is
    not a completion).

    `503 SERVICE_UNAVAILABLE` means the arm cannot execute now: its model server is
    unreachable, failed (a 5xx) or is rate limiting (429). Retry later or elsewhere.

    Args:
        x_request_id (str | Unset):
        body (ExecuteRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ExecuteResult
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ExecuteRequest,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | ExecuteResult]:
    """Execute a task

     Executes `task` and answers when it is done, within `timeout_seconds` (waiting for a
    free slot included: an arm runs at most `max_concurrency` tasks at once, the others
    wait). Past the deadline the answer is `success: false` with error code `TIMEOUT`.

    `success` true: `result` is the arm's output (its shape is the arm's own; see
    `ArmOutput`) and `error` is null. `success` false: `result` is null and `error` says
    why. Either way `provenance` says which arm, how long, how many tokens and which model.

    Error codes of a failed execution (arms may add their own): `TIMEOUT` (the deadline
    passed), `BUDGET_EXCEEDED` (`budget.max_cost_usd` leaves no room for an answer, or the
    answer cost more), `UPSTREAM_REJECTED` (the model server refused the request; its
    reason is quoted), `UPSTREAM_INVALID` (the model server answered something that is
    not a completion).

    `503 SERVICE_UNAVAILABLE` means the arm cannot execute now: its model server is
    unreachable, failed (a 5xx) or is rate limiting (429). Retry later or elsewhere.

    Args:
        x_request_id (str | Unset):
        body (ExecuteRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ExecuteResult]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ExecuteRequest,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | ExecuteResult | None:
    """Execute a task

     Executes `task` and answers when it is done, within `timeout_seconds` (waiting for a
    free slot included: an arm runs at most `max_concurrency` tasks at once, the others
    wait). Past the deadline the answer is `success: false` with error code `TIMEOUT`.

    `success` true: `result` is the arm's output (its shape is the arm's own; see
    `ArmOutput`) and `error` is null. `success` false: `result` is null and `error` says
    why. Either way `provenance` says which arm, how long, how many tokens and which model.

    Error codes of a failed execution (arms may add their own): `TIMEOUT` (the deadline
    passed), `BUDGET_EXCEEDED` (`budget.max_cost_usd` leaves no room for an answer, or the
    answer cost more), `UPSTREAM_REJECTED` (the model server refused the request; its
    reason is quoted), `UPSTREAM_INVALID` (the model server answered something that is
    not a completion).

    `503 SERVICE_UNAVAILABLE` means the arm cannot execute now: its model server is
    unreachable, failed (a 5xx) or is rate limiting (429). Retry later or elsewhere.

    Args:
        x_request_id (str | Unset):
        body (ExecuteRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ExecuteResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
