"""create_app(settings) -> the ASGI application; the lifespan wires database and services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.composition import install, upgrade_to_head_async
from parley.features.calls.media.runtime import media_status, start_managed_media, stop_media
from parley.platform.db import Database
from parley.platform.events.gateway import RTM_PATH, RtmGateway
from parley.platform.gc_policy import GcPolicy
from parley.platform.redact import install_log_redaction
from parley.platform.services import Services
from parley.platform.settings import Settings
from parley.platform.shards import claim_id_ranges, install_directory
from parley.platform.webapi.http import api_fast_path, handle_api_call, json_response
from parley.platform.webapi.openapi import openapi_document
from parley.platform.webapi.ratelimit import RateLimiter
from parley.platform.workers.runner import WorkerSet
from parley.webclient import web_routes

log = logging.getLogger("parley")

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; "
        "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


async def openapi_json(request: Request) -> Response:
    services: Services = request.app.state.services
    return json_response(openapi_document(services.settings.base_url))


async def healthz(request: Request) -> Response:
    return json_response({"ok": True})


async def readyz(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        for shard in services.db.shards.values():  # every shard (just the one, unsharded)
            async with shard.read() as session:
                await session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        log.warning("readiness check failed", exc_info=True)
        return json_response({"ok": False, "error": "database_unavailable"}, status=503)
    # Calls without a media server are reported, never a reason to take chat out of service.
    try:
        media = await media_status(services)
    except Exception as error:  # e.g. a malformed PARLEY_JANUS_URLS
        media = {"state": "error", "problems": [str(error)]}
    return json_response({"ok": True, "media": media})


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_services(settings: Settings) -> Services:
    db = Database(settings.effective_database_url, shard_urls=settings.named_shard_urls)
    services = Services(
        settings=settings,
        db=db,
        rate_limiter=RateLimiter(enabled=settings.rate_limits_enabled),
    )
    # Every committed transaction's events go to the bus (local hub first, then other nodes).
    db.event_sink = services.realtime.bus.publish
    if db.sharded:  # route by the directory; moves heard on the bus drop cached entries
        install_directory(db, settings.shard_directory_ttl, services.realtime.bus.listen)
    return services


async def migrate_shards(db: Database) -> None:
    """Bring every shard's schema to the newest revision (the primary's first)."""
    for shard in db.shards.values():
        await upgrade_to_head_async(shard.url)
    await claim_id_ranges(db)


def gc_policy_for(services: Services) -> GcPolicy:
    """The collector policy, watching this node's RTM sockets (on or off by settings)."""
    settings = services.settings
    connections = services.realtime.connections
    return GcPolicy(
        lambda: len(connections),
        pause_log=Path(settings.gc_pause_log) if settings.gc_pause_log else None,
        enabled=settings.gc_tuning,
    )


def create_app(
    settings: Settings,
    *,
    migrate: bool = True,
    services: Services | None = None,
    start_workers: bool = True,
    manage_gc: bool = False,
    manage_media: bool = False,
) -> ParleyApp:
    """The whole Parley server as one ASGI app.

    `manage_gc`: the process is this server's own (`parley serve`), so the app may apply
    the garbage-collector policy (platform/gc_policy.py) once it has started.
    `manage_media`: run Janus and coturn when installed and not configured elsewhere
    (features/calls/media/runtime.py).
    """
    platform = install()  # every feature's methods, workers and routes
    install_log_redaction()  # no credentials in access/error logs (core/redact.py)
    if settings.database_url == "":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    services = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await migrate_shards(services.db)
        await services.realtime.start()
        workers = WorkerSet(services)
        if start_workers:
            workers.start()
        if manage_media:
            await start_managed_media(services)
        gc_policy = gc_policy_for(services) if manage_gc else None
        if gc_policy is not None:
            gc_policy.start()  # last: what start-up built is frozen
        try:
            yield
        finally:
            if gc_policy is not None:
                await gc_policy.stop()
            await workers.stop()
            await stop_media(services)
            await services.realtime.stop()
            await services.db.dispose()

    app = Starlette(
        routes=[
            Route("/api/openapi.json", openapi_json, methods=["GET"]),
            Route("/api/{method:str}", handle_api_call, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            *platform.all_routes(),
            *web_routes(),
        ],
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders)],
    )
    app.state.services = services
    return ParleyApp(app, services)


class ParleyApp:
    """The ASGI entry point: the Web API fast path and the real-time WebSocket in front of
    the Starlette app (neither needs its middleware or router)."""

    def __init__(self, starlette: Starlette, services: Services) -> None:
        self.starlette = starlette
        self.state = starlette.state
        self._asgi = api_fast_path(starlette, services)
        self._rtm = RtmGateway(services)
        self._db = services.db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == RTM_PATH:
            await self._rtm(scope, receive, send)
            return
        if self._db.sharded and scope["type"] == "http":
            with self._db.isolated():  # routes outside /api bind to their viewer's shard
                await self._asgi(scope, receive, send)
            return
        await self._asgi(scope, receive, send)
