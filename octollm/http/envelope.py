"""The shared error envelope (`ErrorEnvelope` in specs/common.yaml) as bytes and as a response."""

from __future__ import annotations

import json
from typing import Any

from connexion.lifecycle import ConnexionResponse

from octollm.errors import ApiError
from octollm.http import request_id

JSON = "application/json"


def body(error: ApiError) -> bytes:
    envelope: dict[str, Any] = {
        "error": {
            "code": error.code,
            "message": error.message,
            "details": error.details,
            "request_id": request_id.current(),
        }
    }
    return json.dumps(envelope, default=str).encode()


def response(error: ApiError) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=error.status,
        mimetype=JSON,
        content_type=JSON,
        body=body(error),
        headers=error.headers,
    )


async def send(error: ApiError, send_fn: Any) -> None:
    """Send the envelope straight down an ASGI channel (for middleware outside connexion)."""
    payload = body(error)
    headers = [
        (b"content-type", JSON.encode()),
        (b"content-length", str(len(payload)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in error.headers.items()),
    ]
    await send_fn({"type": "http.response.start", "status": error.status, "headers": headers})
    await send_fn({"type": "http.response.body", "body": payload})
