"""Serves the built web client (TypeScript/React, built by Vite into `parley/static/app`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

_PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Parley</title></head><body><main><h1>Parley is running</h1>
<p>The web client has not been built. The Web API is at <code>/api/&lt;method&gt;</code>;
its OpenAPI document is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</main></body></html>"""


async def _placeholder(request: Request) -> Response:
    return HTMLResponse(_PLACEHOLDER)


def web_routes() -> list[BaseRoute]:
    """Routes for `/` and the client's assets; mounted last so `/api` wins."""
    return [Route("/", _placeholder, methods=["GET"])]
