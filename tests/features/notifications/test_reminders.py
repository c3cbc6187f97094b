"""reminders.*, `/remind`, and the durable firing (a Slackbot message in the member's DM)."""

from __future__ import annotations

from sqlalchemy import select

from parley.features.messages.models import Message
from parley.features.notifications.reminders import fire_due
from parley.platform.clock import unix_now
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.reactions.helpers import events_of, make_conversation


async def slackbot_lines(services: Services, workspace_id: str) -> list[tuple[str, str]]:
    async with services.db.read() as session:
        rows = await session.execute(
            select(Message.conversation_id, Message.text)
            .where(Message.workspace_id == workspace_id, Message.user_id == "USLACKBOT")
            .order_by(Message.ts)
        )
    return [(c, t) for c, t in rows]


async def test_add_list_info_complete_delete(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    t = alice.token
    added = await api("reminders.add", t, text="drink water", time="in 20 minutes")
    reminder = added["reminder"]
    assert reminder["id"].startswith("Rm") and reminder["creator"] == alice.user_id
    assert reminder["user"] == alice.user_id and reminder["recurring"] is False
    assert abs(reminder["time"] - (unix_now() + 1200)) <= 2 and reminder["complete_ts"] == 0
    weekly = await api("reminders.add", t, text="standup", time="every Monday at 10am")
    assert weekly["reminder"]["recurrence"] == {"frequency": "weekly", "weekdays": ["monday"]}
    assert "time" not in weekly["reminder"]
    explicit = await api.json(
        "reminders.add", t, text="review", time="tomorrow at 9am",
        recurrence={"frequency": "weekly", "weekdays": ["tuesday", "friday"]},
    )  # fmt: skip
    assert explicit["reminder"]["recurrence"]["weekdays"] == ["tuesday", "friday"]
    listed = await api("reminders.list", t)
    assert {r["id"] for r in listed["reminders"]} == {
        reminder["id"], weekly["reminder"]["id"], explicit["reminder"]["id"]
    }  # fmt: skip
    assert (await api("reminders.list", bob.token))["reminders"] == []
    info = await api("reminders.info", t, reminder=reminder["id"])
    assert info["reminder"]["text"] == "drink water"
    # Someone else's reminder, or an unknown id, is not found.
    assert (await api("reminders.info", bob.token, reminder=reminder["id"]))["error"] == "not_found"
    assert (await api("reminders.delete", bob.token, reminder=reminder["id"]))["error"] == (
        "not_found"
    )
    assert (await api("reminders.complete", t, reminder="Rm0NOPE"))["error"] == "not_found"
    assert (await api("reminders.complete", t, reminder=weekly["reminder"]["id"]))["error"] == (
        "cannot_complete_recurring"
    )
    assert (await api("reminders.complete", t, reminder=reminder["id"]))["ok"]
    done = await api("reminders.info", t, reminder=reminder["id"])
    assert done["reminder"]["complete_ts"] > 0
    assert (await api("reminders.delete", t, reminder=reminder["id"]))["ok"]
    assert (await api("reminders.info", t, reminder=reminder["id"]))["error"] == "not_found"


async def test_add_refusals(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    t = alice.token
    assert (await api("reminders.add", t, text="x", time="whenever"))["error"] == "cannot_parse"
    assert (await api("reminders.add", t, text="x"))["error"] == "cannot_parse"
    assert (await api("reminders.add", t, text="  ", time="in 1 minute"))["error"] == "no_text"
    others = await api("reminders.add", t, text="x", time="in 1 minute", user=bob.user_id)
    assert others["error"] == "cannot_add_others"
    bad = await api.json(
        "reminders.add", t, text="x", time="in 1 minute", recurrence={"frequency": "hourly"}
    )
    assert bad["error"] == "invalid_recurrence"
    other = await factory.workspace("Other")
    stranger = await factory.user(other)
    foreign = await make_conversation(factory.db, other, [stranger])
    refused = await api("reminders.add", t, text="x", time="in 1 minute", channel=foreign)
    assert refused["error"] == "channel_not_found"
    bot = await factory.bot(team)
    assert (await api("reminders.list", bot.token))["error"] == "not_allowed_token_type"


async def test_a_due_reminder_fires_once_as_slackbot_and_notifies(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    once = (await api("reminders.add", alice.token, text="stretch", time="60"))["reminder"]
    daily = await api("reminders.add", alice.token, text="lunch", time="every day at noon")
    # (The database is shared by the tests: other tests' reminders may fire too, so what
    # is checked is this workspace's messages.)
    await fire_due(services, unix_now())
    assert await slackbot_lines(services, team.team_id) == []  # nothing due yet
    await fire_due(services, once["time"])
    await fire_due(services, once["time"] + 5)  # fired once only
    [(dm, text)] = await slackbot_lines(services, team.team_id)
    assert text == "Reminder: stretch." and dm.startswith("D")
    [notice] = await events_of(factory.db, team, "desktop_notification")
    assert notice["_audience"] == {"kind": "users", "ids": [alice.user_id]}
    assert notice["reason"] == "dm" and notice["subtitle"] == "Slackbot"
    # A recurring reminder fires and moves to its next time.
    first = await api("reminders.info", alice.token, reminder=daily["reminder"]["id"])
    next_time = first["reminder"]["next_time"]
    await fire_due(services, next_time)
    moved = await api("reminders.info", alice.token, reminder=daily["reminder"]["id"])
    assert moved["reminder"]["next_time"] == next_time + 86400
    assert [t for _, t in await slackbot_lines(services, team.team_id)][-1] == "Reminder: lunch."


async def test_a_snoozed_member_is_reminded_but_not_notified(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    added = (await api("reminders.add", alice.token, text="stretch", time="60"))["reminder"]
    await api("dnd.setSnooze", alice.token, num_minutes="30")
    await fire_due(services, added["time"])
    assert len(await slackbot_lines(services, team.team_id)) == 1
    assert await events_of(factory.db, team, "desktop_notification") == []


async def test_remind_command(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    channel = await make_conversation(factory.db, team, [alice])
    t = alice.token
    made = await api("client.reminders.command", t, text="me to drink water in 10 minutes")
    assert made["response"].startswith("Okay, I'll remind you “drink water” at ")
    assert made["reminder"]["text"] == "drink water"
    listed = await api("client.reminders.command", t, text="list")
    assert "“drink water”" in listed["response"]
    assert "/remind me" in (await api("client.reminders.command", t, text="help"))["response"]
    weekly = await api(
        "client.reminders.command", t, text=f"<#{channel}> standup every weekday at 9:30am"
    )
    assert weekly["reminder"]["channel"] == channel and weekly["reminder"]["recurring"]
    assert (await api("client.reminders.command", t, text="me to think about it"))["error"] == (
        "cannot_parse"
    )
    others = await api("client.reminders.command", t, text=f"<@{bob.user_id}> to x in 1 hour")
    assert others["error"] == "cannot_add_others"
    not_member = await api("client.reminders.command", bob.token, text=f"<#{channel}> x in 1 hour")
    assert not_member["error"] == "not_in_channel"
    # The channel reminder fires in the channel.
    info = await api("reminders.info", t, reminder=weekly["reminder"]["id"])
    await fire_due(services, info["reminder"]["next_time"])
    assert (channel, "Reminder: standup.") in await slackbot_lines(services, team.team_id)
