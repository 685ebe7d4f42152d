from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.check_request import CheckRequest
from ...models.check_result import CheckResult
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    *,
    body: CheckRequest,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/check",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CheckResult | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = CheckResult.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CheckResult | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CheckRequest,
    x_request_id: str | Unset = UNSET,
) -> Response[CheckResult | ErrorEnvelope]:
    """Check text against the cache and the detection patterns

     Scans `text` for PII and prompt injection and looks up its cache key.

    **Detection.** The text is first folded so that detection survives disguises: case,
    extra whitespace (up to 15 characters between words), zero-width and other invisible
    characters, and common homoglyphs (fullwidth and mathematical letters, Cyrillic and
    Greek look-alikes, accents). Offsets (`start`, `end`) are still code-point offsets into
    the submitted `text`, `end` exclusive. PII candidates are validated where a checksum or
    rule exists (Luhn for cards, SSN area/group/serial, IBAN mod-97, IPv4/IPv6 ranges, VIN
    check digit, Base58Check, bech32 and EIP-55 for crypto addresses); an invalid candidate
    is not reported. Overlapping PII candidates are resolved to one: the longest, then the
    most confident. Overlapping injection matches likewise: the most severe, then the
    longest. Base64 and hex payloads are decoded and scanned again, and instructions in
    ROT13 are recognised (`EncodedInstruction`).

    **Context.** Each injection match is judged on the text around it (not the whole
    input): inside quotes or a code block, academic or security discussion, given as an
    example or test, or negated ("do not ignore previous instructions"). Each lowers the
    match's severity and confidence (a negation by two levels, the others by one) and is
    reported in `context`.

    **Decision.** By default the decision is `block` when an injection of `high` or
    `critical` severity (after context) is found, else `allow`. The severities that block
    are configurable (`OCTOLLM_REFLEX_BLOCK_SEVERITIES`), and so is what PII does
    (`OCTOLLM_REFLEX_PII_ACTION`): `report` (the default: PII is only reported), `block`
    (any PII blocks), or `redact` (`redacted_text` is always returned).

    **Redaction.** With `redact: true` (or the `redact` PII action), `redacted_text` is the
    text with each PII match replaced by `[<type>]`, e.g. `[Email]`; else it is null. Only
    the PII found is redacted: with `check_pii: false` it is the text unchanged.

    `cache_key` is `sha256:` followed by the lowercase hex SHA-256 of the UTF-8 bytes of the
    NFC-normalised text. A value stored under that key with `POST /cache` makes the next
    check of the same text a hit that returns it as `cached_value`.

    Args:
        x_request_id (str | Unset):
        body (CheckRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CheckResult | ErrorEnvelope]
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
    client: AuthenticatedClient,
    body: CheckRequest,
    x_request_id: str | Unset = UNSET,
) -> CheckResult | ErrorEnvelope | None:
    """Check text against the cache and the detection patterns

     Scans `text` for PII and prompt injection and looks up its cache key.

    **Detection.** The text is first folded so that detection survives disguises: case,
    extra whitespace (up to 15 characters between words), zero-width and other invisible
    characters, and common homoglyphs (fullwidth and mathematical letters, Cyrillic and
    Greek look-alikes, accents). Offsets (`start`, `end`) are still code-point offsets into
    the submitted `text`, `end` exclusive. PII candidates are validated where a checksum or
    rule exists (Luhn for cards, SSN area/group/serial, IBAN mod-97, IPv4/IPv6 ranges, VIN
    check digit, Base58Check, bech32 and EIP-55 for crypto addresses); an invalid candidate
    is not reported. Overlapping PII candidates are resolved to one: the longest, then the
    most confident. Overlapping injection matches likewise: the most severe, then the
    longest. Base64 and hex payloads are decoded and scanned again, and instructions in
    ROT13 are recognised (`EncodedInstruction`).

    **Context.** Each injection match is judged on the text around it (not the whole
    input): inside quotes or a code block, academic or security discussion, given as an
    example or test, or negated ("do not ignore previous instructions"). Each lowers the
    match's severity and confidence (a negation by two levels, the others by one) and is
    reported in `context`.

    **Decision.** By default the decision is `block` when an injection of `high` or
    `critical` severity (after context) is found, else `allow`. The severities that block
    are configurable (`OCTOLLM_REFLEX_BLOCK_SEVERITIES`), and so is what PII does
    (`OCTOLLM_REFLEX_PII_ACTION`): `report` (the default: PII is only reported), `block`
    (any PII blocks), or `redact` (`redacted_text` is always returned).

    **Redaction.** With `redact: true` (or the `redact` PII action), `redacted_text` is the
    text with each PII match replaced by `[<type>]`, e.g. `[Email]`; else it is null. Only
    the PII found is redacted: with `check_pii: false` it is the text unchanged.

    `cache_key` is `sha256:` followed by the lowercase hex SHA-256 of the UTF-8 bytes of the
    NFC-normalised text. A value stored under that key with `POST /cache` makes the next
    check of the same text a hit that returns it as `cached_value`.

    Args:
        x_request_id (str | Unset):
        body (CheckRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CheckResult | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CheckRequest,
    x_request_id: str | Unset = UNSET,
) -> Response[CheckResult | ErrorEnvelope]:
    """Check text against the cache and the detection patterns

     Scans `text` for PII and prompt injection and looks up its cache key.

    **Detection.** The text is first folded so that detection survives disguises: case,
    extra whitespace (up to 15 characters between words), zero-width and other invisible
    characters, and common homoglyphs (fullwidth and mathematical letters, Cyrillic and
    Greek look-alikes, accents). Offsets (`start`, `end`) are still code-point offsets into
    the submitted `text`, `end` exclusive. PII candidates are validated where a checksum or
    rule exists (Luhn for cards, SSN area/group/serial, IBAN mod-97, IPv4/IPv6 ranges, VIN
    check digit, Base58Check, bech32 and EIP-55 for crypto addresses); an invalid candidate
    is not reported. Overlapping PII candidates are resolved to one: the longest, then the
    most confident. Overlapping injection matches likewise: the most severe, then the
    longest. Base64 and hex payloads are decoded and scanned again, and instructions in
    ROT13 are recognised (`EncodedInstruction`).

    **Context.** Each injection match is judged on the text around it (not the whole
    input): inside quotes or a code block, academic or security discussion, given as an
    example or test, or negated ("do not ignore previous instructions"). Each lowers the
    match's severity and confidence (a negation by two levels, the others by one) and is
    reported in `context`.

    **Decision.** By default the decision is `block` when an injection of `high` or
    `critical` severity (after context) is found, else `allow`. The severities that block
    are configurable (`OCTOLLM_REFLEX_BLOCK_SEVERITIES`), and so is what PII does
    (`OCTOLLM_REFLEX_PII_ACTION`): `report` (the default: PII is only reported), `block`
    (any PII blocks), or `redact` (`redacted_text` is always returned).

    **Redaction.** With `redact: true` (or the `redact` PII action), `redacted_text` is the
    text with each PII match replaced by `[<type>]`, e.g. `[Email]`; else it is null. Only
    the PII found is redacted: with `check_pii: false` it is the text unchanged.

    `cache_key` is `sha256:` followed by the lowercase hex SHA-256 of the UTF-8 bytes of the
    NFC-normalised text. A value stored under that key with `POST /cache` makes the next
    check of the same text a hit that returns it as `cached_value`.

    Args:
        x_request_id (str | Unset):
        body (CheckRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CheckResult | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CheckRequest,
    x_request_id: str | Unset = UNSET,
) -> CheckResult | ErrorEnvelope | None:
    """Check text against the cache and the detection patterns

     Scans `text` for PII and prompt injection and looks up its cache key.

    **Detection.** The text is first folded so that detection survives disguises: case,
    extra whitespace (up to 15 characters between words), zero-width and other invisible
    characters, and common homoglyphs (fullwidth and mathematical letters, Cyrillic and
    Greek look-alikes, accents). Offsets (`start`, `end`) are still code-point offsets into
    the submitted `text`, `end` exclusive. PII candidates are validated where a checksum or
    rule exists (Luhn for cards, SSN area/group/serial, IBAN mod-97, IPv4/IPv6 ranges, VIN
    check digit, Base58Check, bech32 and EIP-55 for crypto addresses); an invalid candidate
    is not reported. Overlapping PII candidates are resolved to one: the longest, then the
    most confident. Overlapping injection matches likewise: the most severe, then the
    longest. Base64 and hex payloads are decoded and scanned again, and instructions in
    ROT13 are recognised (`EncodedInstruction`).

    **Context.** Each injection match is judged on the text around it (not the whole
    input): inside quotes or a code block, academic or security discussion, given as an
    example or test, or negated ("do not ignore previous instructions"). Each lowers the
    match's severity and confidence (a negation by two levels, the others by one) and is
    reported in `context`.

    **Decision.** By default the decision is `block` when an injection of `high` or
    `critical` severity (after context) is found, else `allow`. The severities that block
    are configurable (`OCTOLLM_REFLEX_BLOCK_SEVERITIES`), and so is what PII does
    (`OCTOLLM_REFLEX_PII_ACTION`): `report` (the default: PII is only reported), `block`
    (any PII blocks), or `redact` (`redacted_text` is always returned).

    **Redaction.** With `redact: true` (or the `redact` PII action), `redacted_text` is the
    text with each PII match replaced by `[<type>]`, e.g. `[Email]`; else it is null. Only
    the PII found is redacted: with `check_pii: false` it is the text unchanged.

    `cache_key` is `sha256:` followed by the lowercase hex SHA-256 of the UTF-8 bytes of the
    NFC-normalised text. A value stored under that key with `POST /cache` makes the next
    check of the same text a hit that returns it as `cached_value`.

    Args:
        x_request_id (str | Unset):
        body (CheckRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CheckResult | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
