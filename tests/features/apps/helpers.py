"""Shared test helpers for the app platform: manifests, a recording HTTP receiver, app setup."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from parley.features.apps.actions import CreatedApp, do_create_app
from parley.features.apps.manifest import check_manifest
from parley.platform.db import Database
from tests.factories import Team


def manifest(
    *,
    name: str = "Helper",
    request_url: str | None = None,
    events: tuple[str, ...] = ("app_mention", "message.channels"),
    socket_mode: bool = False,
    commands: tuple[str, ...] = (),
    command_url: str | None = None,
    interactivity_url: str | None = None,
    shortcuts: tuple[tuple[str, str], ...] = (),
    bot_scopes: tuple[str, ...] = (
        "app_mentions:read",
        "channels:history",
        "channels:read",
        "chat:write",
        "commands",
        "reactions:read",
    ),
) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(events)},
        "socket_mode_enabled": socket_mode,
    }
    if request_url:
        settings["event_subscriptions"]["request_url"] = request_url
    if interactivity_url or socket_mode:
        settings["interactivity"] = {"is_enabled": True}
        if interactivity_url:
            settings["interactivity"]["request_url"] = interactivity_url
    return {
        "display_information": {"name": name, "description": "A test app"},
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [
                {"command": c, "url": command_url, "description": f"Runs {c}"} for c in commands
            ],
            "shortcuts": [
                {"name": cid, "type": kind, "callback_id": cid, "description": cid}
                for kind, cid in shortcuts
            ],
        },
        "oauth_config": {"scopes": {"bot": list(bot_scopes)}},
        "settings": settings,
    }


async def create_app(db: Database, team: Team, spec: dict[str, Any]) -> CreatedApp:
    async with db.write() as uow:
        return await do_create_app(uow, team.team_id, check_manifest(spec), created_by=None)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Responder = Callable[[Received], tuple[int, dict[str, str], bytes]]


def ok_responder(request: Received) -> tuple[int, dict[str, str], bytes]:
    """Answers url_verification with the challenge, everything else with an empty 200."""
    if request.body.startswith(b"{") and request.json().get("type") == "url_verification":
        challenge = request.json()["challenge"].encode()
        return 200, {"content-type": "text/plain"}, challenge
    return 200, {}, b""


@dataclass
class Receiver:
    """A loopback HTTP server recording every POST (an app's request URL)."""

    responder: Responder = ok_responder
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def __enter__(self) -> Receiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                request = Received(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                # Recorded before answering: once Parley has its answer (and its caller
                # has theirs), the test must find the request here.
                with outer.arrived:
                    outer.received.append(request)
                    outer.arrived.notify_all()
                status, headers, body = outer.responder(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def events(self) -> list[Received]:
        return [
            r
            for r in self.received
            if r.body.startswith(b"{") and r.json().get("type") == "event_callback"
        ]
