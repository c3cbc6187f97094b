"""chat.update, chat.delete (tombstones), chat.postEphemeral, chat.getPermalink."""

from __future__ import annotations

from sqlalchemy import select

from parley.features.messages.models import MessageEdit
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import events, make_channel, rendered


async def test_update_keeps_history_and_marks_edited(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team, name="Bob")
    channel = await make_channel(services.db, team, [team.owner, bob])
    token = team.owner.token
    posted = await api("chat.postMessage", token, channel=channel, text="frist")
    body = await api(
        "chat.update", token, channel=channel, ts=posted["ts"], text=f"*first* <@{bob.user_id}>"
    )
    assert body["ok"] and body["ts"] == posted["ts"] and body["channel"] == channel
    assert body["text"] == f"*first* <@{bob.user_id}>"
    message = body["message"]
    assert message["edited"]["user"] == team.owner.user_id
    assert message["edited"]["ts"] > posted["ts"]
    html = (await rendered(services.db, channel, posted["ts"]))["html"]
    assert "<strong>first</strong>" in html and "@Bob</span>" in html
    async with services.db.read() as session:
        edits = (await session.execute(select(MessageEdit))).scalars().all()
    assert "frist" in [e.previous_text for e in edits]
    [changed] = await events(services.db, team, subtype="message_changed")
    assert changed.payload["message"]["text"] == body["text"]
    assert changed.payload["previous_message"]["text"] == "frist"
    assert changed.payload["channel"] == channel and changed.payload["hidden"] is True
    history = await api("conversations.history", token, channel=channel)
    assert history["messages"][0]["edited"] == message["edited"]


async def test_update_errors(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    admin = await factory.user(team, role="admin")
    channel = await make_channel(services.db, team, [team.owner, bob, admin])
    posted = await api("chat.postMessage", bob.token, channel=channel, text="bob's")

    async def update(token: str, **args: str) -> str:
        body = await api("chat.update", token, **{"channel": channel, **args})
        return "ok" if body["ok"] else str(body["error"])

    assert await update(admin.token, ts=posted["ts"], text="x") == "cant_update_message"
    assert await update(team.owner.token, ts=posted["ts"], text="x") == "cant_update_message"
    assert await update(bob.token, ts="1111111111.000001", text="x") == "message_not_found"
    assert await update(bob.token, ts="junk", text="x") == "message_not_found"
    assert await update(bob.token, ts=posted["ts"], text="") == "no_text"
    assert await update(bob.token, ts=posted["ts"], text="x" * 40_001) == "msg_too_long"
    assert await update(bob.token, ts=posted["ts"], blocks='[{"type":"?"}]') == "invalid_blocks"
    assert await update(bob.token, ts=posted["ts"], text="fine") == "ok"


async def test_delete_by_author_and_admin(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    carol = await factory.user(team)
    admin = await factory.user(team, role="admin")
    channel = await make_channel(services.db, team, [team.owner, bob, carol, admin])
    first = await api("chat.postMessage", bob.token, channel=channel, text="one")
    second = await api("chat.postMessage", bob.token, channel=channel, text="two")
    denied = await api("chat.delete", carol.token, channel=channel, ts=first["ts"])
    assert denied["error"] == "cant_delete_message"
    assert (await api("chat.delete", bob.token, channel=channel, ts=first["ts"])) == {
        "ok": True,
        "channel": channel,
        "ts": first["ts"],
    }
    assert (await api("chat.delete", admin.token, channel=channel, ts=second["ts"]))["ok"]
    again = await api("chat.delete", bob.token, channel=channel, ts=first["ts"])
    assert again["error"] == "message_not_found"
    history = await api("conversations.history", bob.token, channel=channel)
    assert history["messages"] == []
    deleted = await events(services.db, team, subtype="message_deleted")
    assert [e.payload["deleted_ts"] for e in deleted] == [first["ts"], second["ts"]]
    assert deleted[0].payload["previous_message"]["text"] == "one"


async def test_bot_may_not_delete_others(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team, scopes=("chat:write",))
    channel = await make_channel(services.db, team, [team.owner, bot])
    human = await api("chat.postMessage", team.owner.token, channel=channel, text="human")
    own = await api("chat.postMessage", bot.token, channel=channel, text="bot")
    assert (await api("chat.delete", bot.token, channel=channel, ts=human["ts"]))[
        "error"
    ] == "cant_delete_message"
    assert (await api("chat.delete", bot.token, channel=channel, ts=own["ts"]))["ok"]


async def test_deleting_a_thread_root_leaves_a_tombstone(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    root = await api("chat.postMessage", token, channel=channel, text="root")
    reply = await api("chat.postMessage", token, channel=channel, text="r", thread_ts=root["ts"])
    assert (await api("chat.delete", token, channel=channel, ts=root["ts"]))["ok"]
    [changed] = await events(services.db, team, subtype="message_changed")
    assert changed.payload["message"]["subtype"] == "tombstone"
    assert changed.payload["previous_message"]["text"] == "root"
    history = await api("conversations.history", token, channel=channel)
    [tombstone] = history["messages"]
    assert tombstone["subtype"] == "tombstone"
    assert tombstone["text"] == "This message was deleted."
    assert tombstone["reply_count"] == 1
    thread = await api("conversations.replies", token, channel=channel, ts=root["ts"])
    assert [m.get("subtype") for m in thread["messages"]] == ["tombstone", None]
    cant_edit = await api("chat.update", token, channel=channel, ts=root["ts"], text="x")
    assert cant_edit["error"] == "message_not_found"
    # Once the last reply goes, the tombstone goes too.
    assert (await api("chat.delete", token, channel=channel, ts=reply["ts"]))["ok"]
    assert (await api("conversations.history", token, channel=channel))["messages"] == []
    deleted = await events(services.db, team, subtype="message_deleted")
    assert [e.payload["deleted_ts"] for e in deleted] == [reply["ts"], root["ts"]]


async def test_deleting_a_reply_updates_the_root(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    root = await api("chat.postMessage", token, channel=channel, text="root")
    first = await api("chat.postMessage", token, channel=channel, text="a", thread_ts=root["ts"])
    second = await api("chat.postMessage", token, channel=channel, text="b", thread_ts=root["ts"])
    assert (await api("chat.delete", token, channel=channel, ts=second["ts"]))["ok"]
    [parent] = (await api("conversations.history", token, channel=channel))["messages"]
    assert parent["reply_count"] == 1
    assert parent["latest_reply"] == first["ts"]


async def test_post_ephemeral(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    outsider = await factory.user(team)
    bot = await factory.bot(team, scopes=("chat:write",))
    channel = await make_channel(services.db, team, [team.owner, bob, bot])
    body = await api(
        "chat.postEphemeral", bot.token, channel=channel, user=bob.user_id, text="psst"
    )
    assert body["ok"] and body["message_ts"]
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert history["messages"] == []
    [event] = [
        e for e in await events(services.db, team) if e.payload.get("subtype") == "ephemeral"
    ]
    assert event.audience == {"kind": "users", "ids": [bob.user_id]}
    assert event.payload["text"] == "psst" and event.payload["bot_id"]
    not_there = await api(
        "chat.postEphemeral", bot.token, channel=channel, user=outsider.user_id, text="x"
    )
    assert not_there["error"] == "user_not_in_channel"
    unknown = await api("chat.postEphemeral", bot.token, channel=channel, user="U0NOPE", text="x")
    assert unknown["error"] == "user_not_in_channel"
    empty = await api("chat.postEphemeral", bot.token, channel=channel, user=bob.user_id)
    assert empty["error"] == "no_text"


async def test_get_permalink(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    root = await api("chat.postMessage", token, channel=channel, text="root")
    reply = await api("chat.postMessage", token, channel=channel, text="r", thread_ts=root["ts"])
    link = await api("chat.getPermalink", token, channel=channel, message_ts=root["ts"])
    digits = root["ts"].replace(".", "")
    assert link == {
        "ok": True,
        "channel": channel,
        "permalink": f"http://parley.test/archives/{channel}/p{digits}",
    }
    threaded = await api("chat.getPermalink", token, channel=channel, message_ts=reply["ts"])
    assert threaded["permalink"].endswith(
        f"/p{reply['ts'].replace('.', '')}?thread_ts={root['ts']}&cid={channel}"
    )
    missing = await api("chat.getPermalink", token, channel=channel, message_ts="1.000001")
    assert missing["error"] == "message_not_found"
    foreign = await api("chat.getPermalink", other.owner.token, channel=channel, message_ts="1")
    assert foreign["error"] == "channel_not_found"
