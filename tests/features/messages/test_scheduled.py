"""chat.scheduleMessage and friends, and the delivery loop (also across a restart)."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import update

from parley.features.messages.models import ScheduledMessage
from parley.features.messages.scheduler import deliver_due, deliver_one
from parley.main import build_services, create_app
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import make_channel


async def _make_due(services: Services, scheduled_id: str) -> None:
    """Move a scheduled message's time into the past (instead of sleeping in tests)."""
    async with services.db.write() as uow:
        await uow.session.execute(
            update(ScheduledMessage)
            .where(ScheduledMessage.id == scheduled_id)
            .values(post_at=int(time.time()) - 1)
        )


async def test_schedule_list_delete(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob])
    other = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    post_at = int(time.time()) + 3600
    body = await api("chat.scheduleMessage", token, channel=channel, text="later", post_at=post_at)
    assert body["ok"] and body["channel"] == channel and body["post_at"] == post_at
    assert body["scheduled_message_id"].startswith("Q")
    assert body["message"]["text"] == "later" and body["message"]["user"] == team.owner.user_id
    await api("chat.scheduleMessage", token, channel=other, text="elsewhere", post_at=post_at)
    listed = await api("chat.scheduledMessages.list", token)
    assert {m["text"] for m in listed["scheduled_messages"]} == {"later", "elsewhere"}
    entry = next(m for m in listed["scheduled_messages"] if m["text"] == "later")
    assert entry == {
        "id": body["scheduled_message_id"],
        "channel_id": channel,
        "post_at": post_at,
        "date_created": entry["date_created"],
        "text": "later",
    }
    only = await api("chat.scheduledMessages.list", token, channel=channel)
    assert [m["text"] for m in only["scheduled_messages"]] == ["later"]
    paged = await api("chat.scheduledMessages.list", token, limit=1)
    assert len(paged["scheduled_messages"]) == 1 and paged["response_metadata"]["next_cursor"]
    assert (await api("chat.scheduledMessages.list", bob.token))["scheduled_messages"] == []
    steal = await api(
        "chat.deleteScheduledMessage",
        bob.token,
        channel=channel,
        scheduled_message_id=body["scheduled_message_id"],
    )
    assert steal["error"] == "invalid_scheduled_message_id"
    gone = await api(
        "chat.deleteScheduledMessage",
        token,
        channel=channel,
        scheduled_message_id=body["scheduled_message_id"],
    )
    assert gone == {"ok": True}
    again = await api(
        "chat.deleteScheduledMessage",
        token,
        channel=channel,
        scheduled_message_id=body["scheduled_message_id"],
    )
    assert again["error"] == "invalid_scheduled_message_id"


async def test_schedule_errors(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    outside = await make_channel(services.db, team, [])
    token = team.owner.token
    now = int(time.time())

    async def error(**args: object) -> str:
        body = await api("chat.scheduleMessage", token, **{"channel": channel, **args})
        return str(body.get("error", "ok"))

    assert await error(text="x", post_at=now - 10) == "time_in_past"
    assert await error(text="x", post_at=now + 121 * 86400) == "time_too_far"
    assert await error(text="x", post_at="soon") == "invalid_time"
    assert await error(text="x") == "invalid_time"
    assert await error(post_at=now + 60) == "no_text"
    assert await error(text="x", post_at=now + 60, channel=outside) == "not_in_channel"
    assert await error(text="x", post_at=now + 60, channel="C0NOPE") == "channel_not_found"
    assert await error(text="x", post_at=now + 60, thread_ts="zzz") == "invalid_thread_ts"
    assert await error(text="x", post_at=now + 119 * 86400) == "ok"


async def test_delivery_posts_once(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team, scopes=("chat:write", "channels:history"))
    channel = await make_channel(services.db, team, [team.owner, bot])
    root = await api("chat.postMessage", team.owner.token, channel=channel, text="root")
    body = await api(
        "chat.scheduleMessage",
        bot.token,
        channel=channel,
        text="in thread",
        thread_ts=root["ts"],
        post_at=int(time.time()) + 600,
    )
    await _make_due(services, body["scheduled_message_id"])
    # Two nodes racing for the same row: only one delivers it.
    results = await asyncio.gather(
        deliver_one(services, body["scheduled_message_id"]),
        deliver_one(services, body["scheduled_message_id"]),
    )
    assert sorted(results) == [False, True]
    assert await deliver_due(services) == 0
    thread = await api("conversations.replies", bot.token, channel=channel, ts=root["ts"])
    reply = thread["messages"][1]
    assert reply["text"] == "in thread"
    assert reply["user"] == bot.user_id and reply["bot_id"]
    listed = await api("chat.scheduledMessages.list", bot.token)
    assert listed["scheduled_messages"] == []


async def test_delivery_survives_a_restart(
    api: Api, factory: Factory, services: Services, settings: Settings
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    body = await api(
        "chat.scheduleMessage",
        team.owner.token,
        channel=channel,
        text="after restart",
        post_at=int(time.time()) + 2,
    )
    assert body["ok"]
    # A brand-new app with new services (as after a restart) runs the scheduler worker.
    fresh = build_services(settings)
    app = create_app(settings, migrate=False, services=fresh)
    try:
        async with app.starlette.router.lifespan_context(app.starlette):
            deadline = time.monotonic() + 10
            texts: list[str] = []
            while time.monotonic() < deadline:
                history = await api("conversations.history", team.owner.token, channel=channel)
                texts = [m["text"] for m in history["messages"]]
                if texts:
                    break
                await asyncio.sleep(0.2)
    finally:
        await fresh.db.dispose()
    assert texts == ["after restart"]


async def test_archived_conversation_drops_delivery(
    api: Api, factory: Factory, services: Services
) -> None:
    from parley.platform.spaces import Conversation

    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    body = await api(
        "chat.scheduleMessage",
        team.owner.token,
        channel=channel,
        text="never",
        post_at=int(time.time()) + 600,
    )
    await _make_due(services, body["scheduled_message_id"])
    async with services.db.write() as uow:
        await uow.session.execute(
            update(Conversation).where(Conversation.id == channel).values(is_archived=True)
        )
    assert await deliver_one(services, body["scheduled_message_id"]) is True
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert history["messages"] == []
