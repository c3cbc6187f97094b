"""Apps unfurl their own domains: `link_shared` to subscribed apps, then `chat.unfurl`."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest

from parley.features.apps.routing import events_for_app
from parley.features.unfurl.actions import unfurl_id_for
from parley.features.unfurl.worker import Unfurler
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import Factory
from tests.features.apps.helpers import create_app, manifest
from tests.features.messages.helpers import events, make_channel, rendered
from tests.features.unfurl.helpers import history_message, settle, unfurl_manifest


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No fetching of Parley's own cards here: these links are not on a test server."""
    return dataclasses.replace(settings, unfurl_enabled=False)


async def _link_shared(services: Services, team: Any) -> list[dict[str, Any]]:
    rows = await events(services.db, team)
    return [dict(r.payload, _audience=r.audience) for r in rows if r.type == "link_shared"]


async def test_link_shared_goes_to_apps_of_the_domain_only(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    docs = await create_app(services.db, team, unfurl_manifest())
    await create_app(services.db, team, unfurl_manifest("Other", ["other.org"]))
    spec = unfurl_manifest("NoScope", scopes=("chat:write",))
    spec["settings"]["event_subscriptions"]["bot_events"] = []
    await create_app(services.db, team, spec)
    channel = await make_channel(services.db, team, [team.owner])
    unfurler = Unfurler(services)
    await unfurler.pass_once()
    text = "read <https://docs.example.com/a|this> and https://elsewhere.net/b"
    posted = await api("chat.postMessage", team.owner.token, channel=channel, text=text)
    reply = await api(
        "chat.postMessage",
        team.owner.token,
        channel=channel,
        text="https://example.com/c",
        thread_ts=posted["ts"],
    )
    await api("chat.postMessage", docs.bot_token, channel=channel, text="https://example.com/own")
    await settle(unfurler)
    shared = await _link_shared(services, team)
    assert len(shared) == 2  # not for the app's own message, not to the other apps
    first = shared[0]
    assert first["_audience"] == {"kind": "users", "ids": [docs.app.bot_user_id]}
    assert first["channel"] == channel and first["user"] == team.owner.user_id
    assert first["message_ts"] == posted["ts"] and first["source"] == "conversations_history"
    assert first["links"] == [{"domain": "docs.example.com", "url": "https://docs.example.com/a"}]
    assert first["is_bot_user_member"] is False
    assert first["unfurl_id"] == unfurl_id_for(team.team_id, channel, posted["ts"])
    assert "thread_ts" not in first
    assert shared[1]["thread_ts"] == posted["ts"] and shared[1]["message_ts"] == reply["ts"]
    # The Events API routing delivers it to the subscribed app.
    delivered = events_for_app(docs.app, {k: v for k, v in first.items() if k != "_audience"})
    assert [kind for kind, _ in delivered] == ["link_shared"]


async def test_chat_unfurl_replaces_the_card_and_emits(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    docs = await create_app(services.db, team, unfurl_manifest())
    channel = await make_channel(services.db, team, [team.owner])
    url = "https://docs.example.com/a"
    posted = await api(
        "chat.postMessage",
        team.owner.token,
        channel=channel,
        text=f"see {url}",
        attachments=orjson.dumps([{"text": "mine"}]).decode(),
    )
    card = {"title": "Doc A", "text": "Owned by *docs*", "color": "#36a64f"}
    done = await api.json(
        "chat.unfurl", docs.bot_token, channel=channel, ts=posted["ts"], unfurls={url: card}
    )
    assert done == {"ok": True}, done
    message = await history_message(api, team.owner.token, channel, posted["ts"])
    assert message["attachments"] == [
        {"text": "mine"},
        {
            **card,
            "is_app_unfurl": True,
            "app_unfurl_url": url,
            "app_id": docs.app.id,
            "fallback": "Doc A",
            "id": 2,
        },
    ]
    [changed] = await events(services.db, team, subtype="message_changed")
    assert changed.payload["message"]["attachments"] == message["attachments"]
    # Again with the unfurl id: the same card is modified, not added.
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Doc A v2"}}]
    again = await api(
        "chat.unfurl",
        docs.bot_token,
        unfurl_id=unfurl_id_for(team.team_id, channel, posted["ts"]),
        source="conversations_history",
        unfurls=orjson.dumps({url: {"blocks": blocks}}).decode(),
    )
    assert again["ok"], again
    message = await history_message(api, team.owner.token, channel, posted["ts"])
    assert len(message["attachments"]) == 2
    assert message["attachments"][1]["blocks"] == blocks
    parts = (await rendered(services.db, channel, posted["ts"]))["rendered_attachments"]
    assert "Doc A v2" in parts[1]["blocks_html"]


async def test_chat_unfurl_errors(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    docs = await create_app(services.db, team, unfurl_manifest())
    channel = await make_channel(services.db, team, [team.owner])
    url = "https://docs.example.com/a"
    posted = await api(
        "chat.postMessage", team.owner.token, channel=channel, text=f"{url} https://x.org/"
    )
    ts, token = posted["ts"], docs.bot_token
    good = orjson.dumps({url: {"title": "t"}}).decode()

    async def error(**args: Any) -> str:
        answer = await api("chat.unfurl", token, **args)
        assert not answer["ok"], answer
        return str(answer["error"])

    assert await error(ts=ts, unfurls=good) == "missing_channel"
    assert await error(channel=channel, unfurls=good) == "missing_ts"
    assert await error(channel=channel, ts=ts) == "missing_unfurls_and_metadata"
    assert await error(channel=channel, ts=ts, unfurls="{not json") == "invalid_unfurls_format"
    assert await error(channel=channel, ts=ts, unfurls="[]") == "invalid_unfurls_format"
    bad_value = orjson.dumps({url: "text"}).decode()
    assert await error(channel=channel, ts=ts, unfurls=bad_value) == "invalid_unfurls_format"
    bad_blocks = orjson.dumps({url: {"blocks": [{"type": "nope"}]}}).decode()
    assert await error(channel=channel, ts=ts, unfurls=bad_blocks) == "invalid_unfurls_format"
    other = orjson.dumps({"https://x.org/": {"title": "t"}}).decode()
    assert await error(channel=channel, ts=ts, unfurls=other) == "cannot_unfurl_url"
    absent = orjson.dumps({"https://docs.example.com/zzz": {"title": "t"}}).decode()
    assert await error(channel=channel, ts=ts, unfurls=absent) == "cannot_unfurl_message"
    assert await error(channel="C0NOPE", ts=ts, unfurls=good) == "cannot_find_channel"
    assert await error(channel=channel, ts="1.000001", unfurls=good) == "cannot_find_message"
    assert await error(unfurl_id="C1.2.3.abc", source="conversations_history", unfurls=good) == (
        "invalid_unfurl_id"
    )
    assert await error(unfurl_id="x", unfurls=good) == "missing_source"
    assert await error(unfurl_id="x", source="web", unfurls=good) == "invalid_source"
    # Another workspace's message cannot be named.
    stranger = await factory.workspace()
    foreign = unfurl_id_for(stranger.team_id, channel, ts)
    assert await error(unfurl_id=foreign, source="conversations_history", unfurls=good) == (
        "invalid_unfurl_id"
    )
    # Scope and token checks.
    person = await api("chat.unfurl", team.owner.token, channel=channel, ts=ts, unfurls=good)
    assert person["error"] == "not_allowed_token_type"
    plain_bot = await factory.bot(team, scopes=("chat:write",))
    missing = await api("chat.unfurl", plain_bot.token, channel=channel, ts=ts, unfurls=good)
    assert missing["error"] == "missing_scope"


async def test_user_auth_sends_an_ephemeral_invitation(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    docs = await create_app(services.db, team, unfurl_manifest())
    channel = await make_channel(services.db, team, [team.owner])
    posted = await api(
        "chat.postMessage", team.owner.token, channel=channel, text="https://example.com/p"
    )
    answer = await api(
        "chat.unfurl",
        docs.bot_token,
        channel=channel,
        ts=posted["ts"],
        user_auth_required="true",
        user_auth_url="https://example.com/connect",
    )
    assert answer["ok"], answer
    [ephemeral] = await events(services.db, team, subtype="ephemeral")
    assert ephemeral.audience == {"kind": "users", "ids": [team.owner.user_id]}
    assert "<https://example.com/connect|Connect Docs>" in ephemeral.payload["text"]


async def test_manifest_checks_unfurl_domains(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    spec = unfurl_manifest(domains=["ok.example", "not a domain", "*.wild.example"])
    answer = await api.json("apps.manifest.validate", team.owner.token, manifest=spec)
    assert not answer["ok"]
    assert [e["pointer"] for e in answer["errors"]] == ["/features/unfurl_domains/1"]
    unscoped = manifest(events=("link_shared",), socket_mode=True, bot_scopes=("chat:write",))
    answer = await api.json("apps.manifest.validate", team.owner.token, manifest=unscoped)
    assert any("links:read" in e["message"] for e in answer["errors"])
