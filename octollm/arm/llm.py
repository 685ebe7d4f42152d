"""The LLM arm: a task becomes a chat completion on any OpenAI-compatible model server.

Per execution: build the prompt (`prompt.py`); when prices are known, cap `max_tokens` so the
answer cannot take the cost past `budget.max_cost_usd` (`pricing.py`); call the server within
`timeout_seconds`, holding one of `max_concurrency` slots; account for what the server reports.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from octollm.arm import chat, prompt
from octollm.arm.pricing import Pricing, estimate_tokens, usd
from octollm.arm.service import ExecutionFailed, execute_result
from octollm.config import Settings
from octollm.errors import unavailable

DEFAULT_MAX_TOKENS = 10_000
CAPABILITY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")  # `ArmCapability` in specs/arm.yaml


@dataclass(frozen=True)
class LlmArmConfig:
    upstream_url: str  # the server's root: `/v1/chat/completions` is appended
    model: str
    arm_id: str = "llm"
    capabilities: tuple[str, ...] = ("general",)
    max_concurrency: int = 4
    api_key: str | None = None
    pricing: Pricing | None = None

    def __post_init__(self) -> None:
        if not self.upstream_url.startswith(("http://", "https://")):
            raise ValueError(f"the upstream must be an http(s) URL, not {self.upstream_url!r}")
        if not self.model:
            raise ValueError("a model name is needed")
        if not self.arm_id:
            raise ValueError("the arm id must not be empty")
        if not self.capabilities or not all(map(CAPABILITY.match, self.capabilities)):
            raise ValueError(
                f"capabilities: one or more names matching {CAPABILITY.pattern}, "
                f"not {list(self.capabilities)}"
            )
        if self.max_concurrency < 1:
            raise ValueError("max concurrency must be at least 1")

    @classmethod
    def from_settings(
        cls, settings: Settings, environ: dict[str, str] | None = None
    ) -> LlmArmConfig:
        """From the `arm_*` settings; the API key from the variable `arm_api_key_env` names."""
        environ = dict(os.environ) if environ is None else environ
        api_key = None
        if settings.arm_api_key_env:
            api_key = environ.get(settings.arm_api_key_env)
            if not api_key:
                raise ValueError(f"the API key variable {settings.arm_api_key_env} is not set")
        upstream = settings.arm_upstream_url.rstrip("/")
        return cls(
            upstream_url=upstream.removesuffix("/v1"),  # `https://api.openai.com/v1` works too
            model=settings.arm_model,
            arm_id=settings.arm_id,
            capabilities=tuple(c.strip() for c in settings.arm_capabilities.split(",")),
            max_concurrency=settings.arm_max_concurrency,
            api_key=api_key,
            pricing=Pricing.parse(
                settings.arm_price_input_per_1k, settings.arm_price_output_per_1k
            ),
        )


class LlmArm:
    """An `ArmService`. `open()` before the first call, `close()` after the last."""

    def __init__(self, config: LlmArmConfig) -> None:
        self.config = config
        self.arm_id = config.arm_id
        self.chat = chat.ChatClient(config.upstream_url, api_key=config.api_key)
        self._slots = asyncio.Semaphore(config.max_concurrency)

    async def open(self) -> None:
        await self.chat.open()

    async def close(self) -> None:
        await self.chat.close()

    async def capabilities(self) -> dict[str, Any]:
        return {
            "arm_id": self.arm_id,
            "capabilities": list(self.config.capabilities),
            "max_concurrency": self.config.max_concurrency,
        }

    async def ping(self) -> str:
        return f"{await self.chat.ping()} (model {self.config.model})"

    async def execute(
        self, task: dict[str, Any], request_id: str, timeout_seconds: int
    ) -> dict[str, Any]:
        started = time.perf_counter()
        result, error, tokens, model = None, None, 0, None
        try:
            async with asyncio.timeout(timeout_seconds), self._slots:
                result, tokens, model = await self._complete(task, request_id)
        except ExecutionFailed as failure:
            error, tokens, model = failure, failure.tokens_used, failure.model
        except TimeoutError:
            error = ExecutionFailed(
                "TIMEOUT", f"The model did not answer within {timeout_seconds} s"
            )
        return execute_result(
            arm_id=self.arm_id,
            processing_time_ms=round((time.perf_counter() - started) * 1000),
            result=result,
            error=error,
            tokens_used=tokens,
            model=model,
        )

    def _max_tokens(self, budget: dict[str, Any], chat_prompt: str) -> int:
        """`budget.max_tokens`, capped so that the answer cannot overrun `budget.max_cost_usd`."""
        max_tokens = budget.get("max_tokens", DEFAULT_MAX_TOKENS)
        pricing, max_cost = self.config.pricing, budget.get("max_cost_usd")
        if pricing is None or max_cost is None:
            return max_tokens
        prompt_tokens = estimate_tokens(chat_prompt)
        cap = pricing.completion_cap(max_cost, prompt_tokens)
        if cap is not None and cap < 1:
            raise ExecutionFailed(
                "BUDGET_EXCEEDED",
                f"The prompt alone (about {prompt_tokens} tokens, "
                f"{usd(pricing.cost(prompt_tokens, 0))}) leaves no room for an answer within "
                f"budget.max_cost_usd of {usd(max_cost)}; the model was not called",
            )
        return max_tokens if cap is None else min(max_tokens, cap)

    async def _complete(
        self, task: dict[str, Any], request_id: str
    ) -> tuple[dict[str, Any], int, str | None]:
        messages = prompt.messages(task, self.arm_id)
        max_tokens = self._max_tokens(task["budget"], prompt.characters(messages))
        completion = await self._call(messages, max_tokens, request_id)
        return (
            self._result(completion, task["budget"]),
            completion.usage.total_tokens,
            completion.model,
        )

    async def _call(
        self, messages: list[dict[str, str]], max_tokens: int, request_id: str
    ) -> chat.Completion:
        """The completion; each way the server can fail, as the contract names it."""
        try:
            return await self.chat.complete(
                model=self.config.model,
                messages=messages,
                max_tokens=max_tokens,
                request_id=request_id,
            )
        # Worth a retry, here later or on another arm: the orchestrator retries a 503.
        except chat.ServerFailed as exc:
            raise unavailable("upstream", f"The model server failed ({exc.status})") from None
        except chat.Unreachable as exc:
            raise unavailable("upstream", f"The model server is unreachable: {exc}") from None
        except chat.Rejected as exc:
            if exc.status == 429:
                raise unavailable(
                    "upstream", f"The model server is rate limiting (429): {exc.reason}"
                ) from None
            raise ExecutionFailed(
                "UPSTREAM_REJECTED", f"The model server refused ({exc.status}): {exc.reason}"
            ) from None
        except chat.Malformed as exc:
            raise ExecutionFailed(
                "UPSTREAM_INVALID", f"The model server's answer is not a completion: {exc}"
            ) from None

    def _result(self, completion: chat.Completion, budget: dict[str, Any]) -> dict[str, Any]:
        """The `result` of a completion, unless it cost more than `budget.max_cost_usd`."""
        usage, pricing = completion.usage, self.config.pricing
        cost = None
        if pricing is not None:
            cost = pricing.cost(usage.prompt_tokens, usage.completion_tokens)
        max_cost = budget.get("max_cost_usd")
        if cost is not None and max_cost is not None and cost > Decimal(str(max_cost)):
            raise ExecutionFailed(
                "BUDGET_EXCEEDED",
                f"The answer cost {usd(cost)}, over budget.max_cost_usd of {usd(max_cost)} "
                f"({usage.prompt_tokens} prompt and {usage.completion_tokens} completion "
                "tokens); it is withheld",
                tokens_used=usage.total_tokens,
                model=completion.model,
            )
        return {
            "output": completion.content,
            "finish_reason": completion.finish_reason,
            "usage": {
                "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens,
                "total_tokens": usage.total_tokens,
            },
            "cost_usd": None if cost is None else float(cost),
        }
