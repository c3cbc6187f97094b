"""Parley's server-rendered fields (`html`, `rendered_attachments`) reach only its own web
client, which asks for them (issue 15, decision 0014): never an app's or an SDK's token, in
Web API answers or socket frames (live and resumed), whether or not they ask."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect

from parley.platform.auth.principal import Principal
from parley.platform.rendering import CLIENT_FIELDS, RENDER_HEADER, wants_rendering
from parley.platform.services import Services
from tests.conftest import Api, LiveServer
from tests.factories import PASSWORD, Factory
from tests.features.messages.helpers import make_channel
from tests.platform.events.helpers import Rtm, on_server

ASK = {RENDER_HEADER: "html"}
ATTACHMENT = '[{"fallback": "f", "text": "*bold*"}]'


def _mentions_client_fields(body: Any) -> bool:
    return CLIENT_FIELDS.mentioned_in(orjson.dumps(body))


def test_strip_removes_the_fields_at_any_depth_and_keeps_the_rest() -> None:
    changed = {
        "type": "message",
        "subtype": "message_changed",
        "message": {"text": "new", "html": "<p>new</p>", "rendered_attachments": []},
        "previous_message": {"text": "old", "html": "<p>old</p>"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": '"html": kept'}}],
    }
    stripped = CLIENT_FIELDS.strip(changed)
    assert stripped["message"] == {"text": "new"}
    assert stripped["previous_message"] == {"text": "old"}
    assert stripped["blocks"] == changed["blocks"]  # a value that reads "html" is content
    assert not _mentions_client_fields(stripped)
    assert changed["message"]["html"] == "<p>new</p>"  # a copy: the event is shared


def test_only_a_browser_session_that_asks_gets_them() -> None:
    def principal(kind: str) -> Principal:
        return Principal(
            workspace_id="T1", user_id="U1", token_kind=kind, scopes=frozenset(), role="member"
        )

    assert wants_rendering(principal("session"), "html")
    assert wants_rendering(principal("session"), " HTML ")
    assert not wants_rendering(principal("session"), None)
    assert not wants_rendering(principal("session"), "markdown")
    for kind in ("user", "bot", "app"):
        assert not wants_rendering(principal(kind), "html")
    assert not wants_rendering(None, "html")


async def _signin(http: httpx.AsyncClient, factory_team: Any) -> str:
    response = await http.post(
        "/api/auth.signin",
        json={
            "domain": factory_team.domain,
            "email": factory_team.owner.email,
            "password": PASSWORD,
        },
    )
    body = response.json()
    assert body["ok"], body
    csrf: str = body["csrf_token"]
    return csrf


async def test_web_api_answers(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    channel = await make_channel(services.db, team, [team.owner, bot])
    for token in (bot.token, team.owner.token):
        posted = await client.post(
            "/api/chat.postMessage",
            json={"channel": channel, "text": "*hi*", "attachments": ATTACHMENT},
            headers={"Authorization": f"Bearer {token}", **ASK},  # asking is not enough
        )
        assert posted.json()["ok"] and not _mentions_client_fields(posted.json())
        history = await api("conversations.history", token, channel=channel)
        assert history["messages"] and not _mentions_client_fields(history)
    csrf = await _signin(client, team)
    session = {"X-Parley-CSRF": csrf}
    plain = (
        await client.post("/api/conversations.history", json={"channel": channel}, headers=session)
    ).json()
    assert plain["ok"] and not _mentions_client_fields(plain)
    rendered = (
        await client.post(
            "/api/conversations.history", json={"channel": channel}, headers={**session, **ASK}
        )
    ).json()
    assert all(m["html"] == "<strong>hi</strong>" for m in rendered["messages"])
    assert rendered["messages"][0]["rendered_attachments"][0]["text_html"]


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    live_server.services.rate_limiter.enabled = False
    return live_server


async def _socket(http: httpx.AsyncClient, headers: dict[str, str], query: str = "") -> Rtm:
    body = (await http.post("/api/rtm.connect", headers=headers)).json()
    assert body["ok"], body
    ws = await connect(body["url"] + query, max_size=None)
    hello: dict[str, Any] = orjson.loads(await ws.recv())
    assert hello["type"] == "hello"
    return Rtm(ws, hello)


async def test_socket_frames(server: LiveServer, factory: Factory) -> None:
    team = await on_server(server, lambda services: Factory(services.db).workspace())
    channel = await on_server(
        server, lambda services: make_channel(services.db, team, [team.owner])
    )
    bearer = {"Authorization": f"Bearer {team.owner.token}"}
    async with httpx.AsyncClient(base_url=server.url) as http:
        csrf = await _signin(http, team)
        session = {"X-Parley-CSRF": csrf}
        web = await _socket(http, session, "&render=html")
        browser_not_asking = await _socket(http, session)
        sdk = await _socket(http, bearer, "&render=html")  # a token's socket never gets them
        before = sdk.hello["seq"]
        posted = (
            await http.post(
                "/api/chat.postMessage", json={"channel": channel, "text": "*hi*"}, headers=bearer
            )
        ).json()
        await http.post(
            "/api/chat.update",
            json={"channel": channel, "ts": posted["ts"], "text": "_edited_"},
            headers=bearer,
        )
        for socket in (web, browser_not_asking, sdk):
            new = await socket.frame_of("message")
            changed = await socket.frame_of("message")
            assert changed["subtype"] == "message_changed"
            if socket is web:
                assert new["html"] == "<strong>hi</strong>"
                assert changed["message"]["html"] == "<em>edited</em>"
                assert changed["previous_message"]["html"] == "<strong>hi</strong>"
            else:
                assert not _mentions_client_fields([new, changed]), (new, changed)
            await socket.close()
        # The resume backlog (missed events read from the log) follows the same rule.
        resumed_sdk = await _socket(http, bearer, f"&since={before}&render=html")
        resumed_web = await _socket(http, session, f"&since={before}&render=html")
        missed_sdk = [await resumed_sdk.frame_of("message") for _ in range(2)]
        missed_web = [await resumed_web.frame_of("message") for _ in range(2)]
        assert not _mentions_client_fields(missed_sdk)
        assert missed_web[0]["html"] == "<strong>hi</strong>"
        reconnect = await resumed_web.frame_of("reconnect_url")
        assert reconnect["url"].endswith("&render=html")
        await resumed_sdk.close()
        await resumed_web.close()
