"""The baseline: a bare ASGI app returning a constant JSON body, served by the same stack."""

from __future__ import annotations

from typing import Any

BODY = b'{"ok":true,"url":"http://127.0.0.1/","team":"Acme","user":"bench","team_id":"T1"}'


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": BODY})
