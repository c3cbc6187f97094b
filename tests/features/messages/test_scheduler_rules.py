"""Scheduled delivery obeys chat.postMessage's rules as they hold at delivery time."""

from __future__ import annotations

import logging
import time

import pytest

from parley.features.messages.scheduler import deliver_one
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory, Member, Team
from tests.features.messages.helpers import make_channel
from tests.features.messages.test_scheduled import _make_due


async def _schedule_due(api: Api, services: Services, author: Member, channel: str) -> str:
    body = await api(
        "chat.scheduleMessage",
        author.token,
        channel=channel,
        text="from the past",
        post_at=int(time.time()) + 600,
    )
    assert body["ok"], body
    await _make_due(services, body["scheduled_message_id"])
    return str(body["scheduled_message_id"])


async def _texts(api: Api, team: Team, channel: str) -> list[str]:
    history = await api("conversations.history", team.owner.token, channel=channel)
    return [m["text"] for m in history["messages"]]


async def test_deactivated_authors_message_is_dropped(
    api: Api, factory: Factory, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob])
    scheduled = await _schedule_due(api, services, bob, channel)
    deactivated = await api(
        "admin.users.setActive", team.owner.token, user_id=bob.user_id, active="false"
    )
    assert deactivated["ok"], deactivated
    with caplog.at_level(logging.INFO, logger="parley.scheduler"):
        assert await deliver_one(services, scheduled) is True
    assert await _texts(api, team, channel) == []
    assert f"scheduled message {scheduled} dropped: account_inactive" in caplog.text
    # Claimed: a later tick does not try again.
    assert await deliver_one(services, scheduled) is False


async def test_author_removed_from_private_channel_is_dropped(
    api: Api, factory: Factory, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob], kind="group")
    scheduled = await _schedule_due(api, services, bob, channel)
    kicked = await api("conversations.kick", team.owner.token, channel=channel, user=bob.user_id)
    assert kicked["ok"], kicked
    with caplog.at_level(logging.INFO, logger="parley.scheduler"):
        assert await deliver_one(services, scheduled) is True
    texts = await _texts(api, team, channel)
    assert "from the past" not in texts
    assert f"scheduled message {scheduled} dropped: channel_not_found" in caplog.text


async def test_author_who_left_a_public_channel_is_dropped(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob])
    scheduled = await _schedule_due(api, services, bob, channel)
    left = await api("conversations.leave", bob.token, channel=channel)
    assert left["ok"], left
    assert await deliver_one(services, scheduled) is True
    assert "from the past" not in await _texts(api, team, channel)


async def test_channel_restricted_since_scheduling_is_dropped(
    api: Api, factory: Factory, services: Services
) -> None:
    from sqlalchemy import update

    from parley.platform.spaces import Conversation

    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob])
    scheduled = await _schedule_due(api, services, bob, channel)
    async with services.db.write() as uow:
        await uow.session.execute(
            update(Conversation)
            .where(Conversation.id == channel)
            .values(properties={"posting_restricted_to": {"type": ["admin"]}})
        )
    assert await deliver_one(services, scheduled) is True
    assert await _texts(api, team, channel) == []


async def test_still_valid_author_posts(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob], kind="group")
    scheduled = await _schedule_due(api, services, bob, channel)
    assert await deliver_one(services, scheduled) is True
    history = await api("conversations.history", team.owner.token, channel=channel)
    [message] = history["messages"]
    assert message["text"] == "from the past" and message["user"] == bob.user_id


async def test_bot_with_public_write_posts_without_joining(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team, scopes=("chat:write", "chat:write.public"))
    channel = await make_channel(services.db, team, [team.owner])
    scheduled = await _schedule_due(api, services, bot, channel)
    assert await deliver_one(services, scheduled) is True
    assert await _texts(api, team, channel) == ["from the past"]
