"""client.drafts.*, client.threads.*, client.activity.list, client.sent.list."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import Factory
from tests.features.reactions.helpers import events_of, make_conversation


async def test_drafts_follow_the_member(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    channel = await make_conversation(factory.db, team, [alice, bob])
    private = await make_conversation(factory.db, team, [bob], kind="group")
    t = alice.token
    saved = await api("client.drafts.save", t, channel=channel, text="half a thought")
    assert saved["draft"]["text"] == "half a thought" and saved["draft"]["thread_ts"] is None
    await api("client.drafts.save", t, channel=channel, thread_ts="1700000000.000100", text="re")
    await api("client.drafts.save", t, channel=channel, text="a whole thought")
    drafts = (await api("client.drafts.list", t))["drafts"]
    assert sorted((d["thread_ts"] or "", d["text"]) for d in drafts) == [
        ("", "a whole thought"),
        ("1700000000.000100", "re"),
    ]
    assert (await api("client.drafts.list", bob.token))["drafts"] == []
    hidden = await api("client.drafts.save", t, channel=private, text="x")
    assert hidden["error"] == "channel_not_found"
    other = await factory.workspace("Other")
    stranger = await factory.user(other)
    foreign = await make_conversation(factory.db, other, [stranger])
    assert (await api("client.drafts.save", t, channel=foreign, text="x"))["error"] == (
        "channel_not_found"
    )
    cleared = await api("client.drafts.save", t, channel=channel, text="  ")
    assert cleared["draft"] is None
    assert [d["text"] for d in (await api("client.drafts.list", t))["drafts"]] == ["re"]
    saved_events = await events_of(factory.db, team, "draft_saved")
    assert len(saved_events) == 3
    assert all(e["_audience"] == {"kind": "users", "ids": [alice.user_id]} for e in saved_events)
    [deleted] = await events_of(factory.db, team, "draft_deleted")
    assert deleted["draft"]["channel"] == channel


async def test_threads_activity_and_sent(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    channel = await make_conversation(factory.db, team, [alice, bob])
    root = await api("chat.postMessage", alice.token, channel=channel, text="plan?")
    root_ts = root["ts"]
    assert (await api("client.threads.list", alice.token))["threads"] == []  # no replies yet
    reply = await api("chat.postMessage", bob.token, channel=channel, text="yes", thread_ts=root_ts)
    threads = (await api("client.threads.list", alice.token))["threads"]
    assert [(t["thread_ts"], t["unread"]) for t in threads] == [(root_ts, True)]
    assert threads[0]["root"]["reply_count"] == 1
    bobs = (await api("client.threads.list", bob.token))["threads"]
    assert [t["thread_ts"] for t in bobs] == [root_ts]  # he replied: he follows it
    marked = await api(
        "client.threads.mark", alice.token, channel=channel, thread_ts=root_ts, ts=reply["ts"]
    )
    assert marked["ok"]
    threads = (await api("client.threads.list", alice.token))["threads"]
    assert threads[0]["unread"] is False and threads[0]["last_read"] == reply["ts"]
    [event] = await events_of(factory.db, team, "thread_marked")
    assert event["_audience"] == {"kind": "users", "ids": [alice.user_id]}

    await api("chat.postMessage", bob.token, channel=channel, text=f"<@{alice.user_id}> look")
    await api("reactions.add", bob.token, channel=channel, timestamp=root_ts, name="tada")
    await api("reactions.add", alice.token, channel=channel, timestamp=root_ts, name="eyes")
    items = (await api("client.activity.list", alice.token))["items"]
    assert [(i["type"], i["user"], i["reaction"]) for i in items] == [
        ("reaction", bob.user_id, "tada"),
        ("mention", bob.user_id, None),
    ]
    assert items[0]["message"]["ts"] == root_ts
    assert (await api("client.activity.list", bob.token))["items"] == []

    sent = (await api("client.sent.list", alice.token))["messages"]
    assert [(s["channel"], s["message"]["text"]) for s in sent] == [(channel, "plan?")]


async def test_saved_for_later_reminder_and_done(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    channel = await make_conversation(factory.db, team, [alice])
    ts = (await api("chat.postMessage", alice.token, channel=channel, text="read me"))["ts"]
    assert (await api("stars.add", alice.token, channel=channel, timestamp=ts))["ok"]
    later = await api(
        "client.reminders.later", alice.token, channel=channel, ts=ts, time="in 1 hour"
    )
    assert later["reminder"]["item"] == {"channel": channel, "ts": ts}
    again = await api(
        "client.reminders.later", alice.token, channel=channel, ts=ts, time="in 2 hours"
    )
    listed = (await api("reminders.list", alice.token))["reminders"]
    assert [r["id"] for r in listed] == [again["reminder"]["id"]]  # replaced, not added
    done = await api("client.reminders.later", alice.token, channel=channel, ts=ts, done="true")
    assert done["reminder"]["complete_ts"] > 0 and done["reminder"]["id"] == again["reminder"]["id"]
    missing = await api(
        "client.reminders.later", alice.token, channel=channel, ts="1.000001", done="1"
    )
    assert missing["error"] == "message_not_found"
    assert (await api("client.reminders.later", alice.token, channel=channel, ts=ts))["error"] == (
        "cannot_parse"
    )
