"""OAuth v2 installs as Slack's own packages drive them, against a live Parley:

- a person of workspace B approves on Parley's consent page (a real HTTP session with
  cookies), the app trades the code with slack_sdk's `oauth_v2_access` (HTTP Basic
  credentials), then posts into B with the bot token; tokens of A and B stay apart;
- an unmodified slack_bolt app with `OAuthSettings(authorization_url=<Parley>)` runs the
  whole flow itself (install page, state cookie, code exchange, installation store) and
  then answers an `app_mention` from workspace B with the token it stored for B.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import websockets.sync.client as ws_client
from slack_bolt import App
from slack_bolt.app.app import SlackAppDevelopmentServer
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import FileInstallationStore
from slack_sdk.oauth.state_store import FileOAuthStateStore

from parley.platform.settings import Settings
from tests.conftest import LiveServer, SyncFactory, free_port
from tests.contract.bolt_support import channel_with_bot, make_app, replies, wait_for
from tests.factories import PASSWORD, Team
from tests.features.apps.helpers import manifest

pytestmark = pytest.mark.slow

BOT_SCOPES = ("app_mentions:read", "channels:history", "channels:read", "chat:write")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, outbound_allow_private=True)


def oauth_spec(redirect_uri: str, request_url: str | None = None) -> dict[str, Any]:
    spec = manifest(
        name="Distributed",
        request_url=request_url,
        events=("app_mention",) if request_url else (),
        bot_scopes=BOT_SCOPES,
    )
    spec["oauth_config"]["redirect_urls"] = [redirect_uri]
    spec["oauth_config"]["scopes"]["user"] = ["channels:read"]
    return spec


def sign_in(browser: httpx.Client, team: Team) -> None:
    answer = browser.post(
        "/api/auth.signin",
        data={"domain": team.domain, "email": team.owner.email, "password": PASSWORD},
    )
    assert answer.json()["ok"], answer.text


def approve(browser: httpx.Client, authorize_url: str) -> str:
    """Open the consent page, submit its form with Allow; the redirect it answers with."""
    page = browser.get(authorize_url)
    assert page.status_code == 200, page.text
    fields = {
        name: unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page.text
        )
    }
    assert "csrf_token" in fields
    answer = browser.post("/oauth/v2/authorize", data={**fields, "decision": "allow"})
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def test_slack_sdk_exchanges_the_code_and_posts_in_the_other_workspace(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    home, other = sync_factory.workspace("Home"), sync_factory.workspace("Elsewhere")
    redirect_uri = "https://app.example/slack/oauth_redirect"
    created = make_app(sync_factory, home, oauth_spec(redirect_uri))
    with httpx.Client(base_url=live_server.url) as browser:
        sign_in(browser, other)
        location = approve(
            browser,
            f"/oauth/v2/authorize?client_id={created.app.client_id}"
            f"&scope={','.join(BOT_SCOPES)}&user_scope=channels:read"
            f"&redirect_uri={redirect_uri}&state=st4te",
        )
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(redirect_uri + "?") and query["state"] == ["st4te"]
    anonymous = WebClient(base_url=live_server.api_url)
    body = anonymous.oauth_v2_access(
        client_id=created.app.client_id,
        client_secret=created.client_secret,
        code=query["code"][0],
        redirect_uri=redirect_uri,
    )
    assert body["team"] == {"id": other.team_id, "name": "Elsewhere"}
    assert body["token_type"] == "bot" and body["access_token"].startswith("xoxb-")
    assert body["authed_user"]["id"] == other.owner.user_id
    assert body["authed_user"]["access_token"].startswith("xoxp-")
    with pytest.raises(SlackApiError) as reused:
        anonymous.oauth_v2_access(
            client_id=created.app.client_id,
            client_secret=created.client_secret,
            code=query["code"][0],
            redirect_uri=redirect_uri,
        )
    assert reused.value.response["error"] == "code_already_used"

    b_bot = WebClient(token=body["access_token"], base_url=live_server.api_url)
    b_owner = WebClient(token=other.owner.token, base_url=live_server.api_url)
    a_bot = WebClient(token=created.bot_token, base_url=live_server.api_url)
    a_owner = WebClient(token=home.owner.token, base_url=live_server.api_url)
    identity = b_bot.auth_test()
    assert identity["team_id"] == other.team_id and identity["user_id"] == body["bot_user_id"]
    assert identity.headers["x-oauth-scopes"] == ",".join(sorted(BOT_SCOPES))
    b_channel = channel_with_bot(b_owner, body["bot_user_id"])
    posted = b_bot.chat_postMessage(channel=b_channel, text="hello from the installed bot")
    seen = b_owner.conversations_history(channel=b_channel)["messages"]
    assert any(m["ts"] == posted["ts"] and m["bot_id"] == identity["bot_id"] for m in seen)
    a_channel = channel_with_bot(a_owner, created.app.bot_user_id)
    for client, channel in ((a_bot, b_channel), (a_owner, b_channel), (b_bot, a_channel)):
        with pytest.raises(SlackApiError) as hidden:
            client.conversations_history(channel=channel)
        assert hidden.value.response["error"] == "channel_not_found"
    a_names = {c["name"] for c in a_bot.conversations_list()["channels"]}
    assert b_owner.conversations_info(channel=b_channel)["channel"]["name"] not in a_names


@pytest.fixture
def bolt_oauth(
    live_server: LiveServer, sync_factory: SyncFactory, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    home, other = sync_factory.workspace("Home"), sync_factory.workspace("Bolt Land")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    created = make_app(
        sync_factory,
        home,
        oauth_spec(f"{base}/slack/oauth_redirect", request_url=f"{base}/slack/events"),
    )
    installations = FileInstallationStore(base_dir=str(tmp_path / "installations"))
    bolt = App(
        signing_secret=created.app.signing_secret,
        client=WebClient(base_url=live_server.api_url),
        oauth_settings=OAuthSettings(
            client_id=created.app.client_id,
            client_secret=created.client_secret,
            scopes=list(BOT_SCOPES),
            user_scopes=["channels:read"],
            redirect_uri=f"{base}/slack/oauth_redirect",
            install_page_rendering_enabled=False,
            authorization_url=f"{live_server.url}/oauth/v2/authorize",
            installation_store=installations,
            state_store=FileOAuthStateStore(
                expiration_seconds=600, base_dir=str(tmp_path / "states")
            ),
        ),
    )

    @bolt.event("app_mention")
    def on_mention(event: dict[str, Any], say: Any, context: Any) -> None:
        say(text=f"hi team {context.team_id}", thread_ts=event["ts"])

    server = SlackAppDevelopmentServer(
        port, "/slack/events", bolt, bolt.oauth_flow, http_server_logger_enabled=False
    )
    thread = threading.Thread(target=server.start, daemon=True)
    thread.start()
    try:
        yield {
            "home": home,
            "other": other,
            "base": base,
            "created": created,
            "installations": installations,
        }
    finally:
        server._server.shutdown()
        server._server.server_close()
        thread.join(timeout=5)


def test_bolt_oauth_flow_installs_and_serves_the_other_workspace(
    live_server: LiveServer, bolt_oauth: dict[str, Any]
) -> None:
    other: Team = bolt_oauth["other"]
    base: str = bolt_oauth["base"]
    with httpx.Client(base_url=live_server.url) as browser:
        sign_in(browser, other)
        started = wait_for(lambda: _get(browser, f"{base}/slack/install"), what="Bolt's server")
        assert started.status_code == 302
        authorize_url = started.headers["location"]
        assert authorize_url.startswith(f"{live_server.url}/oauth/v2/authorize?")
        # Bolt's state cookie is `Secure`; a browser sends it to a loopback origin anyway.
        state_cookie = started.headers["set-cookie"].split(";")[0]
        callback = approve(browser, authorize_url)
        assert callback.startswith(f"{base}/slack/oauth_redirect?code=")
        finished = browser.get(callback, headers={"cookie": state_cookie})
    assert finished.status_code == 200, finished.text
    installation = bolt_oauth["installations"].find_installation(
        enterprise_id=None, team_id=other.team_id
    )
    assert installation is not None and installation.bot_token.startswith("xoxb-")
    assert installation.user_id == other.owner.user_id
    assert installation.team_name == "Bolt Land"

    # An event from B reaches Bolt, which authorizes it with B's stored token and answers.
    b_owner = WebClient(token=other.owner.token, base_url=live_server.api_url)
    channel = channel_with_bot(b_owner, installation.bot_user_id)
    posted = b_owner.chat_postMessage(channel=channel, text=f"<@{installation.bot_user_id}> hey")
    thread = wait_for(
        lambda: [m for m in replies(b_owner, channel, posted["ts"]) if m["ts"] != posted["ts"]],
        what="the installed bot's reply",
    )
    assert thread[0]["text"] == f"hi team {other.team_id}"
    assert thread[0]["user"] == installation.bot_user_id


def _get(browser: httpx.Client, url: str) -> httpx.Response | None:
    try:
        return browser.get(url)
    except httpx.TransportError:
        return None


def test_socket_mode_app_hears_the_other_workspace(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    """One Socket Mode connection (the home workspace's app-level token) carries the
    events of every workspace the app is installed in, each with its own team and bot."""
    home, other = sync_factory.workspace("Home"), sync_factory.workspace("Socket Land")
    redirect_uri = "https://app.example/slack/oauth_redirect"
    spec = oauth_spec(redirect_uri)
    spec["settings"]["socket_mode_enabled"] = True
    spec["settings"]["event_subscriptions"]["bot_events"] = ["app_mention"]
    created = make_app(sync_factory, home, spec)
    with httpx.Client(base_url=live_server.url) as browser:
        sign_in(browser, other)
        location = approve(
            browser,
            f"/oauth/v2/authorize?client_id={created.app.client_id}&scope={','.join(BOT_SCOPES)}",
        )
    body = WebClient(base_url=live_server.api_url).oauth_v2_access(
        client_id=created.app.client_id,
        client_secret=created.client_secret,
        code=parse_qs(urlsplit(location).query)["code"][0],
    )
    opened = WebClient(base_url=live_server.api_url).apps_connections_open(
        app_token=created.app_token
    )
    url = opened["url"]
    b_owner = WebClient(token=other.owner.token, base_url=live_server.api_url)
    channel = channel_with_bot(b_owner, body["bot_user_id"])
    with ws_client.connect(url, open_timeout=5) as sock:
        assert json.loads(sock.recv(timeout=5))["type"] == "hello"
        b_owner.chat_postMessage(channel=channel, text=f"<@{body['bot_user_id']}> over socket")
        deadline = time.monotonic() + 10
        while True:
            assert time.monotonic() < deadline, "no events_api envelope from workspace B"
            envelope = json.loads(sock.recv(timeout=10))
            if envelope.get("type") == "events_api":
                break
        sock.send(json.dumps({"envelope_id": envelope["envelope_id"]}))
    payload = envelope["payload"]
    assert payload["team_id"] == other.team_id
    assert payload["api_app_id"] == created.app.id
    assert payload["event"]["type"] == "app_mention"
    assert payload["authorizations"][0]["user_id"] == body["bot_user_id"]
