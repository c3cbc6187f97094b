"""create_app(settings) -> the ASGI application; the lifespan wires database and services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from parley.core.db import Database
from parley.core.migrate import upgrade_to_head_async
from parley.services import Services
from parley.settings import Settings
from parley.webapi.http import handle_api_call, json_response
from parley.webapi.methods import load_all_methods
from parley.webapi.openapi import openapi_document
from parley.webapi.ratelimit import RateLimiter

log = logging.getLogger("parley")

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}

_LANDING = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Parley</title></head><body><main><h1>Parley is running</h1>
<p>The Web API is at <code>/api/&lt;method&gt;</code>; its OpenAPI document is at
<a href="/api/openapi.json">/api/openapi.json</a>.</p></main></body></html>"""


async def openapi_json(request: Request) -> Response:
    services: Services = request.app.state.services
    return json_response(openapi_document(services.settings.base_url))


async def healthz(request: Request) -> Response:
    return json_response({"ok": True})


async def readyz(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        async with services.db.read() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        log.warning("readiness check failed", exc_info=True)
        return json_response({"ok": False, "error": "database_unavailable"}, status=503)
    return json_response({"ok": True})


async def landing(request: Request) -> Response:
    return HTMLResponse(_LANDING, headers=SECURITY_HEADERS)


def build_services(settings: Settings) -> Services:
    return Services(
        settings=settings,
        db=Database(settings.effective_database_url),
        rate_limiter=RateLimiter(enabled=settings.rate_limits_enabled),
    )


def create_app(settings: Settings, *, migrate: bool = True,
               services: Services | None = None) -> Starlette:
    """The whole Parley server as one ASGI app."""
    load_all_methods()
    if settings.database_url == "":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    services = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await upgrade_to_head_async(settings.effective_database_url)
        yield
        await services.db.dispose()

    app = Starlette(
        routes=[
            Route("/api/openapi.json", openapi_json, methods=["GET"]),
            Route("/api/{method:str}", handle_api_call, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/", landing, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    return app
