"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when PARLEY_TEST_DATABASE_URL
is set), the ASGI app, an HTTP client, a live server for the official Slack SDKs, and
factories that create data through actions.

Every test makes its own workspaces, and every query in Parley is scoped by workspace, so
tests share one migrated database per run without seeing each other's data.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from parley.composition import install, upgrade_to_head
from parley.main import build_services, create_app
from parley.platform.events.types import EVENT_TYPES
from parley.platform.events.wire import FanOutWebSocketProtocol
from parley.platform.plugins import install_features
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests import events as test_events
from tests.factories import Factory
from tests.mail import SmtpServer


@pytest.fixture(scope="session", autouse=True)
def declared_events() -> Iterator[None]:
    """Every feature's event types declared, and every emitted payload checked against its
    declaration (events/types.py): a payload drifting from its model fails the test."""
    install()
    install_features([("tests", test_events.register)])
    EVENT_TYPES.validate_payloads = True
    yield
    EVENT_TYPES.validate_payloads = False


POSTGRES_URL = os.environ.get("PARLEY_TEST_DATABASE_URL", "")

install()  # every feature registered, as `create_app` and the CLI do


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One migrated database for the whole run."""
    if POSTGRES_URL:
        url = POSTGRES_URL
    else:
        path = tmp_path_factory.mktemp("db") / "parley.db"
        url = f"sqlite+aiosqlite:///{path}"
    upgrade_to_head(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, public_url="http://parley.test")


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    services = build_services(settings)
    yield services
    await services.db.dispose()


@pytest.fixture
def app(settings: Settings, services: Services) -> Any:
    return create_app(settings, migrate=False, services=services)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://parley.test") as http:
        yield http


@pytest.fixture
def factory(services: Services) -> Factory:
    return Factory(services.db)


class Api:
    """Calls Web API methods over HTTP the way a Slack client does (form body, bearer token)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, method: str, token: str | None = None, **args: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = {k: str(v) for k, v in args.items() if v is not None}
        response = await self.client.post(f"/api/{method}", data=data, headers=headers)
        assert response.status_code in (200, 429), response.text
        assert response.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = response.json()
        assert body.get("error") != "internal_error", f"{method} crashed: {body}"
        return body

    async def json(self, method: str, token: str, **args: Any) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/{method}", json=args, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert body.get("error") != "internal_error", f"{method} crashed: {body}"
        return body


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server in a background thread, for clients that need a socket."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.settings = Settings(
            data_dir=settings.data_dir,
            database_url=settings.database_url,
            host="127.0.0.1",
            port=self.port,
            rate_limits_enabled=True,
            # App platform tests deliver to loopback receivers (see tests/apps).
            outbound_allow_private=settings.outbound_allow_private,
            unfurl_enabled=settings.unfurl_enabled,
            shard_urls=settings.shard_urls,
            shard_directory_ttl=settings.shard_directory_ttl,
            smtp_url=settings.smtp_url,
            mail_from=settings.mail_from,
        )
        self.app = create_app(self.settings, migrate=False)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws=FanOutWebSocketProtocol,
            ws_per_message_deflate=False,  # as `parley serve` runs it
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("live server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on a free port that keeps every mail it receives."""
    server = SmtpServer(free_port())
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    """Settings whose mail goes to `smtp_server` (request it instead of `settings`)."""
    return settings.with_overrides(smtp_url=smtp_server.url, mail_from="Parley <parley@x.test>")


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(settings) as server:
        yield server


@pytest.fixture
def sync_factory(database_url: str) -> Iterator[SyncFactory]:
    factory = SyncFactory(database_url)
    yield factory
    factory.close()


class SyncFactory:
    """The async factory driven from synchronous tests (slack_sdk's sync WebClient)."""

    def __init__(self, database_url: str) -> None:
        from parley.platform.db import Database

        self.loop = asyncio.new_event_loop()
        self.db = Database(database_url)
        self.factory = Factory(self.db)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.factory, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            return self.loop.run_until_complete(method(*args, **kwargs))

        return run

    def close(self) -> None:
        self.loop.run_until_complete(self.db.dispose())
        self.loop.close()
