"""The unfurl worker against a loopback site: cards, flags, cache, events, edits.

Loopback is refused by the SSRF guard by default; these tests turn on
`outbound_allow_private` (`PARLEY_OUTBOUND_ALLOW_PRIVATE`), as an admin of a private
network would. test_guard.py proves the refusals with the guard on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator

import pytest

from parley.features.unfurl.worker import Unfurler
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import events, make_channel, rendered
from tests.features.unfurl.helpers import history_message, settle
from tests.features.unfurl.site import Site, running_site


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, outbound_allow_private=True)


@pytest.fixture
def site() -> Iterator[Site]:
    with running_site() as site:
        yield site


async def _setup(factory: Factory, services: Services) -> tuple[object, str, Unfurler]:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    unfurler = Unfurler(services)
    await unfurler.pass_once()  # starts at the end of the log
    return team, channel, unfurler


async def test_open_graph_card_lands_on_the_message_with_message_changed(
    api: Api, factory: Factory, services: Services, site: Site
) -> None:
    team, channel, unfurler = await _setup(factory, services)
    token = team.owner.token  # type: ignore[attr-defined]
    started = time.monotonic()
    posted = await api("chat.postMessage", token, channel=channel, text=f"look <{site.url('/og')}>")
    assert posted["ok"] and time.monotonic() - started < 2
    assert "attachments" not in posted["message"]
    assert site.hits["/og"] == 0  # posting never fetches
    await settle(unfurler)
    message = await history_message(api, token, channel, posted["ts"])
    assert message["attachments"] == [
        {
            "from_url": site.url("/og"),
            "original_url": site.url("/og"),
            "fallback": "Example News: Release 2.0 & more",
            "title": "Release 2.0 & more",
            "title_link": site.url("/og"),
            "text": "Everything new in &lt;!channel&gt; 2.0",
            "image_url": site.url("/img/cover.png"),
            "service_name": "Example News",
            "service_icon": site.url("/favicon.png"),
            "id": 1,
        }
    ]
    assert "edited" not in message
    # The card's text comes as its own sanitised part; the body HTML is the text alone.
    assert "rendered_attachments" not in message  # the web client's (platform/rendering.py)
    as_shown = await rendered(services.db, channel, posted["ts"])
    [parts] = as_shown["rendered_attachments"]
    assert parts["text_html"] == "Everything new in &lt;!channel&gt; 2.0"
    assert "attachment" not in as_shown["html"]
    [changed] = await events(services.db, team, subtype="message_changed")  # type: ignore[arg-type]
    assert changed.payload["message"]["attachments"] == message["attachments"]
    assert changed.payload["previous_message"].get("attachments") is None
    assert changed.audience == {"kind": "conversation", "id": channel}
    replies = await api("conversations.replies", token, channel=channel, ts=posted["ts"])
    assert replies["messages"][0]["attachments"] == message["attachments"]
    # The page's <!channel> is text, not a mention of everyone.
    everyone = await api("chat.postMessage", token, channel=channel, text="x")
    assert everyone["ok"]


async def test_twitter_title_oembed_and_image_links(
    api: Api, factory: Factory, services: Services, site: Site
) -> None:
    team, channel, unfurler = await _setup(factory, services)
    token = team.owner.token  # type: ignore[attr-defined]
    text = " ".join(
        site.url(p) for p in ("/twitter", "/plain", "/embed", "/img/cover.png", "/nothing")
    )
    posted = await api("chat.postMessage", token, channel=channel, text=text)
    await settle(unfurler)
    cards = (await history_message(api, token, channel, posted["ts"]))["attachments"]
    by_url = {c["original_url"]: c for c in cards}
    assert list(by_url) == [site.url(p) for p in ("/twitter", "/plain", "/embed", "/img/cover.png")]
    assert by_url[site.url("/twitter")]["title"] == "Tweet-ish"
    assert by_url[site.url("/twitter")]["image_url"] == "https://cdn.example.org/t.png"
    assert by_url[site.url("/plain")]["title"] == "Plain page"
    assert by_url[site.url("/plain")]["text"] == "Café description"
    assert by_url[site.url("/plain")]["service_name"] == "127.0.0.1"
    embed = by_url[site.url("/embed")]
    assert embed["title"] == "A video" and embed["service_name"] == "Vidz"
    assert embed["image_url"] == "https://cdn.example.org/v.jpg"
    assert site.hits["/oembed.json"] == 1
    image = by_url[site.url("/img/cover.png")]
    assert image["image_url"] == site.url("/img/cover.png") and image["title"] == "cover.png"
    assert [c["id"] for c in cards] == [1, 2, 3, 4]


async def test_flags_and_slacks_bot_rule(
    api: Api, factory: Factory, services: Services, site: Site
) -> None:
    team, channel, unfurler = await _setup(factory, services)
    token = team.owner.token  # type: ignore[attr-defined]
    bot = await factory.bot(team, scopes=("chat:write", "chat:write.public", "channels:history"))
    page, image = site.url("/og"), site.url("/img/cover.png")
    no_links = await api(
        "chat.postMessage", token, channel=channel, text=f"{page} {image}", unfurl_links="false"
    )
    no_media = await api(
        "chat.postMessage", token, channel=channel, text=f"{page} {image}", unfurl_media="false"
    )
    by_bot = await api("chat.postMessage", bot.token, channel=channel, text=f"{page} {image}")
    bot_asks = await api(
        "chat.postMessage", bot.token, channel=channel, text=page, unfurl_links="true"
    )
    assert all(r["ok"] for r in (no_links, no_media, by_bot, bot_asks)), by_bot
    await settle(unfurler)

    async def urls(ts: str) -> list[str]:
        message = await history_message(api, token, channel, ts)
        return [a["original_url"] for a in message.get("attachments", [])]

    assert await urls(no_links["ts"]) == [image]  # media still unfurls
    assert await urls(no_media["ts"]) == [page]
    assert await urls(by_bot["ts"]) == [image]  # a bot's links only when it asks
    assert await urls(bot_asks["ts"]) == [page]


async def test_cache_fetches_a_url_once_per_workspace(
    api: Api, factory: Factory, services: Services, site: Site
) -> None:
    team, channel, unfurler = await _setup(factory, services)
    token = team.owner.token  # type: ignore[attr-defined]
    for _ in range(3):
        await api("chat.postMessage", token, channel=channel, text=site.url("/og"))
    await api("chat.postMessage", token, channel=channel, text=site.url("/missing"))
    await api("chat.postMessage", token, channel=channel, text=site.url("/missing"))
    await settle(unfurler)
    assert site.hits["/og"] == 1
    assert site.hits["/missing"] == 1  # failures are remembered too
    history = await api("conversations.history", token, channel=channel)
    assert sum(1 for m in history["messages"] if m.get("attachments")) == 3
    other = await factory.workspace()
    other_channel = await make_channel(services.db, other, [other.owner])
    await api("chat.postMessage", other.owner.token, channel=other_channel, text=site.url("/og"))
    await settle(unfurler)
    assert site.hits["/og"] == 2


async def test_edit_adds_and_drops_cards(
    api: Api, factory: Factory, services: Services, site: Site
) -> None:
    team, channel, unfurler = await _setup(factory, services)
    token = team.owner.token  # type: ignore[attr-defined]
    posted = await api("chat.postMessage", token, channel=channel, text=site.url("/og"))
    await settle(unfurler)
    updated = await api(
        "chat.update", token, channel=channel, ts=posted["ts"], text=f"now {site.url('/plain')}"
    )
    assert updated["ok"]
    await settle(unfurler)
    message = await history_message(api, token, channel, posted["ts"])
    assert [a["original_url"] for a in message["attachments"]] == [site.url("/plain")]
    await api("chat.update", token, channel=channel, ts=posted["ts"], text="no links now")
    await settle(unfurler)
    assert "attachments" not in await history_message(api, token, channel, posted["ts"])


async def test_deleted_before_fetch_and_disabled_setting(
    api: Api, factory: Factory, services: Services, site: Site, settings: Settings
) -> None:
    team, channel, unfurler = await _setup(factory, services)
    token = team.owner.token  # type: ignore[attr-defined]
    posted = await api("chat.postMessage", token, channel=channel, text=site.url("/og"))
    await api("chat.delete", token, channel=channel, ts=posted["ts"])
    await settle(unfurler)
    assert await events(services.db, team, subtype="message_changed") == []  # type: ignore[arg-type]

    off = Services.__new__(Services)
    off.__dict__.update(services.__dict__)
    off.settings = dataclasses.replace(settings, unfurl_enabled=False)
    quiet = Unfurler(off)
    await quiet.pass_once()
    await api("chat.postMessage", token, channel=channel, text=site.url("/twitter"))
    await settle(quiet)
    assert site.hits["/twitter"] == 0


async def test_one_unfurl_worker_per_postgresql_database(services: Services) -> None:
    if services.db.is_sqlite:
        pytest.skip("SQLite runs one node: no leader to choose")
    from parley.features.unfurl.worker import _leadership
    from parley.main import build_services

    other = build_services(services.settings)
    try:
        async with _leadership(services):
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5), _leadership(other):
                    pass  # pragma: no cover - the lock is held
        async with asyncio.timeout(3), _leadership(other):
            pass  # released when the first leader stopped
    finally:
        await other.db.dispose()
