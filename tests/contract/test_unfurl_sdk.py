"""An unmodified slack_bolt app in Socket Mode unfurls its domain: it hears `link_shared`
and answers with slack_sdk's `chat_unfurl`; the card shows in conversations.history."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from parley.platform.settings import Settings
from tests.conftest import LiveServer, SyncFactory
from tests.contract.bolt_support import history, make_app, wait_for
from tests.features.apps.helpers import manifest

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Parley's own cards would fetch example.com: only the app's card is wanted here."""
    return dataclasses.replace(settings, unfurl_enabled=False)


def _spec() -> dict[str, Any]:
    spec = manifest(
        name="Docs Unfurler",
        socket_mode=True,
        events=("link_shared",),
        bot_scopes=("links:read", "links:write", "chat:write"),
    )
    spec["features"]["unfurl_domains"] = ["example.com"]
    return spec


def test_bolt_app_unfurls_its_links(live_server: LiveServer, sync_factory: SyncFactory) -> None:
    from parley.features.apps.socket import socket_hub

    team = sync_factory.workspace()
    created = make_app(sync_factory, team, _spec())
    bolt = App(
        client=WebClient(token=created.bot_token, base_url=live_server.api_url),
        signing_secret=created.app.signing_secret,
    )
    heard: list[dict[str, Any]] = []

    @bolt.event("link_shared")
    def on_link_shared(event: dict[str, Any], client: WebClient) -> None:
        heard.append(event)
        client.chat_unfurl(
            channel=event["channel"],
            ts=event["message_ts"],
            unfurls={
                link["url"]: {"title": f"Doc at {link['domain']}", "text": "From the app"}
                for link in event["links"]
            },
        )

    handler = SocketModeHandler(bolt, created.app_token)
    handler.connect()
    try:
        wait_for(lambda: socket_hub(live_server.services).has(created.app.id), what="socket")
        owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
        channel = owner.conversations_create(name="unfurls")["channel"]["id"]
        url = "https://docs.example.com/guide"
        posted = owner.chat_postMessage(channel=channel, text=f"read <{url}>")

        def card() -> Any:
            [message] = [m for m in history(owner, channel) if m["ts"] == posted["ts"]]
            return message.get("attachments")

        [attachment] = wait_for(card, timeout=15, what="the app's unfurl")
        assert attachment["title"] == "Doc at docs.example.com"
        assert attachment["is_app_unfurl"] is True and attachment["app_unfurl_url"] == url
        [event] = heard
        assert event["links"] == [{"domain": "docs.example.com", "url": url}]
        assert event["source"] == "conversations_history"

        bot = WebClient(token=created.bot_token, base_url=live_server.api_url)
        again = bot.chat_unfurl(
            unfurl_id=event["unfurl_id"],
            source="conversations_history",
            unfurls={url: {"title": "Second take"}},
        )
        assert again["ok"]
        assert card()[0]["title"] == "Second take"
        with pytest.raises(SlackApiError) as refused:
            bot.chat_unfurl(
                channel=channel, ts=posted["ts"], unfurls={"https://other.org/": {"title": "x"}}
            )
        assert refused.value.response["error"] == "cannot_unfurl_message"
    finally:
        handler.close()
