"""A scriptable OpenAI-compatible model server, served on a loopback port for the arm to call.

Each test scripts `reply` (answer, delay, status, usage, raw body) and reads back what the
server was sent (`requests`) and the most calls it had in flight at once (`peak_in_flight`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.conftest import free_port

MODEL = "fake-model-2026-01"
USAGE = {"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42}


@dataclass
class Reply:
    content: Any = "- one\n- two\n- three\n- four\n- five"
    status: int = 200
    delay: float = 0.0
    usage: Any = field(default_factory=lambda: dict(USAGE))
    finish_reason: str = "stop"
    model: str = MODEL
    error: str = ""  # the OpenAI error message of a 4xx/5xx
    raw: bytes | None = None  # sent as it is, instead of a completion

    def completion(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": self.content},
                    "finish_reason": self.finish_reason,
                }
            ],
        }
        if self.usage is not None:
            body["usage"] = self.usage
        return body


@dataclass
class Received:
    json: dict[str, Any]
    headers: dict[str, str]

    @property
    def prompt(self) -> str:
        return "".join(message["content"] for message in self.json["messages"])


class Script:
    """One test's view of the server: what it answers, and what it was sent."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.reply = Reply()
        self.models_status = 200
        self.requests: list[Received] = []
        self.model_requests: list[Received] = []
        self.in_flight = 0
        self.peak_in_flight = 0


class FakeUpstream:
    """The server. Each test gets a fresh `Script` (`fresh()`); a call still in flight from an
    earlier test keeps updating the script it started on, so tests cannot see each other."""

    def __init__(self) -> None:
        self.url = ""
        self.script = Script(self.url)
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self.completions, methods=["POST"]),
                Route("/v1/models", self.models, methods=["GET"]),
            ]
        )

    def fresh(self) -> Script:
        self.script = Script(self.url)
        return self.script

    async def completions(self, request: Request) -> Response:
        script = self.script
        script.requests.append(Received(await request.json(), dict(request.headers)))
        script.in_flight += 1
        script.peak_in_flight = max(script.peak_in_flight, script.in_flight)
        try:
            await asyncio.sleep(script.reply.delay)
        finally:
            script.in_flight -= 1
        reply = script.reply
        if reply.raw is not None:
            return Response(reply.raw, reply.status, media_type="application/json")
        if reply.status >= 400:
            error = {"message": reply.error, "type": "invalid_request_error"}
            return JSONResponse({"error": error}, reply.status)
        return JSONResponse(reply.completion(), reply.status)

    async def models(self, request: Request) -> Response:
        script = self.script
        script.model_requests.append(Received({}, dict(request.headers)))
        return JSONResponse({"object": "list", "data": [{"id": MODEL}]}, script.models_status)

    @contextlib.contextmanager
    def running(self) -> Iterator[FakeUpstream]:
        """Serves on a free loopback port; a reply still delayed at the end is cut short."""
        port = free_port()
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=port, log_config=None, timeout_graceful_shutdown=0.2
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake upstream did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}"
        try:
            yield self
        finally:
            server.should_exit = True
            thread.join(10)
