"""A client of an OpenAI-compatible model server: `POST /v1/chat/completions`, `GET /v1/models`.

It knows HTTP and the completion format, nothing of tasks: each way a call can go wrong is its
own exception, and the arm decides what each means. The API key travels in the
`Authorization` header only; it is never part of a message, a log line or an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

CONNECT_TIMEOUT_SECONDS = 5.0
MESSAGE_LIMIT = 500  # characters of an upstream's error message passed on


class UpstreamError(Exception):
    pass


class Unreachable(UpstreamError):
    """No HTTP answer: connection refused or reset, DNS failure, connect timeout."""


class ServerFailed(UpstreamError):
    """The server answered 5xx."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the model server answered {status}")
        self.status = status


class Rejected(UpstreamError):
    """The server answered 4xx; `reason` is its own message, truncated."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"the model server answered {status}: {reason}")
        self.status = status
        self.reason = reason


class Malformed(UpstreamError):
    """A 2xx whose body is not a chat completion."""


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass(frozen=True)
class Completion:
    content: str
    finish_reason: str | None
    usage: Usage
    model: str | None


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Malformed(f"usage.{name} is not a non-negative integer: {value!r}")
    return value


def parse_completion(body: bytes) -> Completion:
    try:
        data = json.loads(body)
        choice = data["choices"][0]
        content = choice["message"]["content"]
        usage = data["usage"]
        prompt = _count(usage["prompt_tokens"], "prompt_tokens")
        completion = _count(usage["completion_tokens"], "completion_tokens")
        total = _count(usage.get("total_tokens", prompt + completion), "total_tokens")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise Malformed(f"not a chat completion ({type(exc).__name__}: {exc})"[:300]) from None
    if not isinstance(content, str):
        raise Malformed(f"choices[0].message.content is not a string: {type(content).__name__}")
    finish_reason, model = choice.get("finish_reason"), data.get("model")
    return Completion(
        content=content,
        finish_reason=finish_reason if isinstance(finish_reason, str) else None,
        usage=Usage(prompt, completion, total),
        model=model if isinstance(model, str) else None,
    )


def error_message(response: httpx.Response) -> str:
    """The server's own words: OpenAI's `{"error": {"message": ...}}`, or the body as text."""
    try:
        data = response.json()
    except ValueError:
        data = None
    message: Any = response.text
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and "message" in error:
            message = error["message"]
        elif isinstance(error, str):
            message = error
        elif "message" in data or "detail" in data:
            message = data.get("message", data.get("detail"))
    text = str(message).strip() or response.reason_phrase
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 3] + "..."


class ChatClient:
    def __init__(
        self, base_url: str, *, api_key: str | None = None, probe_timeout_seconds: float = 2.0
    ) -> None:
        self.base_url = base_url
        self.probe_timeout_seconds = probe_timeout_seconds
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http: httpx.AsyncClient | None = None

    async def open(self) -> None:
        # No read deadline here: the caller bounds each call with the task's own deadline.
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=self._headers,
            timeout=httpx.Timeout(None, connect=CONNECT_TIMEOUT_SECONDS),
        )

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("the chat client is not open")
        return self._http

    async def complete(
        self, *, model: str, messages: list[dict[str, str]], max_tokens: int, request_id: str
    ) -> Completion:
        payload = {"model": model, "messages": messages, "max_tokens": max_tokens}
        try:
            response = await self._client().post(
                "/v1/chat/completions", json=payload, headers={"X-Request-ID": request_id}
            )
        except httpx.TransportError as exc:
            raise Unreachable(f"{type(exc).__name__} from {self.base_url}") from None
        if response.status_code >= 500:
            raise ServerFailed(response.status_code)
        if response.status_code >= 400:
            raise Rejected(response.status_code, error_message(response))
        if not 200 <= response.status_code < 300:
            raise Malformed(f"unexpected status {response.status_code}")
        return parse_completion(response.content)

    async def ping(self) -> str:
        """Up when `GET /v1/models` answers 2xx (or 404: a server without a model list)."""
        response = await self._client().get("/v1/models", timeout=self.probe_timeout_seconds)
        if not (response.is_success or response.status_code == 404):
            raise RuntimeError(f"GET /v1/models answered {response.status_code}")
        return self.base_url
