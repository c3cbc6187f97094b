"""Threads: root summary, subscribers, replies to replies, broadcasts, events."""

from __future__ import annotations

from parley.features.messages.store import get_message
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import events, make_channel


async def test_replies_update_the_root(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    people = [await factory.user(team) for _ in range(6)]
    channel = await make_channel(services.db, team, [team.owner, *people])
    root = await api("chat.postMessage", team.owner.token, channel=channel, text="root")
    replies = []
    for person in [*people, people[0]]:
        body = await api(
            "chat.postMessage", person.token, channel=channel, text="re", thread_ts=root["ts"]
        )
        assert body["message"]["thread_ts"] == root["ts"]
        assert body["message"]["parent_user_id"] == team.owner.user_id
        replies.append(body)
    thread = await api("conversations.replies", team.owner.token, channel=channel, ts=root["ts"])
    parent = thread["messages"][0]
    assert parent["ts"] == parent["thread_ts"] == root["ts"]
    assert parent["reply_count"] == 7
    assert parent["reply_users_count"] == 6
    assert parent["latest_reply"] == replies[-1]["ts"]
    # The five newest distinct repliers, newest first.
    assert parent["reply_users"] == [p.user_id for p in (people[0], *people[5:1:-1])]
    assert parent["subscribed"] is True
    async with services.db.read() as session:
        stored = await get_message(session, channel, root["ts"])
    assert stored is not None
    assert stored.subscribers == [team.owner.user_id, *(p.user_id for p in people)]


async def test_reply_to_a_reply_attaches_to_the_root(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    root = await api("chat.postMessage", token, channel=channel, text="root")
    reply = await api("chat.postMessage", token, channel=channel, text="r1", thread_ts=root["ts"])
    nested = await api("chat.postMessage", token, channel=channel, text="r2", thread_ts=reply["ts"])
    assert nested["message"]["thread_ts"] == root["ts"]
    thread = await api("conversations.replies", token, channel=channel, ts=reply["ts"])
    assert [m["text"] for m in thread["messages"]] == ["root", "r1", "r2"]


async def test_thread_replies_stay_out_of_history_unless_broadcast(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    root = await api("chat.postMessage", token, channel=channel, text="root")
    await api("chat.postMessage", token, channel=channel, text="hidden", thread_ts=root["ts"])
    shown = await api(
        "chat.postMessage",
        token,
        channel=channel,
        text="shown",
        thread_ts=root["ts"],
        reply_broadcast="true",
    )
    assert shown["message"]["subtype"] == "thread_broadcast"
    history = await api("conversations.history", token, channel=channel)
    assert [m["text"] for m in history["messages"]] == ["shown", "root"]
    assert history["messages"][1]["reply_count"] == 2


async def test_thread_events(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    root = await api("chat.postMessage", token, channel=channel, text="root")
    reply = await api("chat.postMessage", token, channel=channel, text="r", thread_ts=root["ts"])
    [replied] = await events(services.db, team, subtype="message_replied")
    assert replied.payload["message"]["ts"] == root["ts"]
    assert replied.payload["message"]["reply_count"] == 1
    assert replied.payload["hidden"] is True
    reply_events = [
        e.payload
        for e in await events(services.db, team, subtype=None)
        if e.payload.get("ts") == reply["ts"]
    ]
    assert reply_events and reply_events[0]["thread_ts"] == root["ts"]
    assert reply_events[0]["parent_user_id"] == team.owner.user_id


async def test_replies_pagination_and_errors(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    root = await api("chat.postMessage", token, channel=channel, text="root")
    for n in range(5):
        await api("chat.postMessage", token, channel=channel, text=f"r{n}", thread_ts=root["ts"])
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        page = await api(
            "conversations.replies", token, channel=channel, ts=root["ts"], limit=2, cursor=cursor
        )
        pages += 1
        seen += [m["text"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] == bool(cursor)
        if not cursor:
            break
    assert seen == ["root", "r0", "r1", "r2", "r3", "r4"]
    assert pages == 3
    lone = await api("chat.postMessage", token, channel=channel, text="lonely")
    single = await api("conversations.replies", token, channel=channel, ts=lone["ts"])
    assert [m["text"] for m in single["messages"]] == ["lonely"]
    for bad in ("1234567890.000001", "garbage"):
        missing = await api("conversations.replies", token, channel=channel, ts=bad)
        assert missing["error"] == "thread_not_found"
    assert (await api("conversations.replies", token, channel=channel))[
        "error"
    ] == "thread_not_found"
    forged = await api("conversations.replies", token, channel=channel, ts=root["ts"], cursor="x")
    assert forged["error"] == "invalid_cursor"
