"""chat.unfurl's rules, called as an action (no HTTP): an app's cards go only on links of
its domains in a live message of its workspace, whatever the entry point."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from parley.features.messages import posting, store
from parley.features.messages.posting import PostRequest
from parley.features.unfurl import actions
from parley.features.unfurl.actions import UnfurlRequest
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.factories import Factory
from tests.features.apps.helpers import create_app
from tests.features.messages.helpers import make_channel
from tests.features.principals import principal_of, refusal_in
from tests.features.unfurl.helpers import unfurl_manifest

URL = "https://docs.example.com/a"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No fetching of Parley's own cards: these links are not on a test server."""
    return dataclasses.replace(settings, unfurl_enabled=False)


async def _attachments(services: Services, channel: str, ts: str) -> list[dict[str, Any]]:
    async with services.db.read() as session:
        message = await store.get_message(session, channel, ts)
    assert message is not None
    return list(message.attachments or [])


async def test_an_app_unfurls_only_its_links_in_a_live_message(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    docs = await create_app(services.db, team, unfurl_manifest())
    channel = await make_channel(services.db, team, [team.owner])
    owner = await principal_of(services, team.owner)
    async with services.db.write() as uow:
        _, message = await posting.post_message(
            uow, owner, PostRequest(channel, f"{URL} https://x.org/")
        )
    app = await principal_of(services, docs.bot_token)
    unfurl = actions.check_app_unfurl
    card = {"title": "Doc A"}

    def asking(unfurls: dict[str, Any], ts: str = message.ts) -> UnfurlRequest:
        return UnfurlRequest(channel=channel, ts=ts, unfurls=unfurls)

    assert await refusal_in(services, unfurl, owner, asking({URL: card})) == (
        "not_allowed_token_type"  # people do not unfurl; apps do
    )
    outside = asking({"https://x.org/": card})
    assert await refusal_in(services, unfurl, app, outside) == "cannot_unfurl_url"
    assert await refusal_in(services, unfurl, app, asking({URL: card}, "1.000001")) == (
        "cannot_find_message"
    )
    assert await refusal_in(services, unfurl, app, UnfurlRequest(channel=channel)) == ("missing_ts")
    assert await _attachments(services, channel, message.ts) == []
    async with services.db.write() as uow:
        await unfurl(uow, app, asking({URL: card}))
    [stored] = await _attachments(services, channel, message.ts)
    assert stored["app_unfurl_url"] == URL and stored["title"] == "Doc A"
