"""RTM send: a `message` frame is posted as chat.postMessage would post it, answered with
`reply_to`, delivered to the conversation's sockets and stored; refusals answer the frame."""

from __future__ import annotations

from tests.conftest import LiveServer
from tests.factories import Factory
from tests.features.rtm.helpers import call_raw, general_id, reply_to
from tests.platform.events.helpers import make_channel, open_rtm


async def test_a_message_frame_is_posted_answered_delivered_and_stored(
    live_server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    other = await factory.user(team)
    general = await general_id(live_server, team.owner.token)
    sender = await open_rtm(live_server, team.owner.token)
    reader = await open_rtm(live_server, other.token)

    await sender.send({"id": 1, "type": "message", "channel": general, "text": "hello <@x>"})
    answer = await reply_to(sender, 1)
    assert answer["ok"] is True
    assert answer["text"] == "hello <@x>"
    ts = answer["ts"]

    seen = await reader.frame_of("message")
    assert (seen["channel"], seen["user"], seen["ts"], seen["text"]) == (
        general,
        team.owner.user_id,
        ts,
        "hello <@x>",
    )
    history = await call_raw(live_server, "conversations.history", other.token, channel=general)
    assert [(m["ts"], m["user"], m["text"]) for m in history["messages"][:1]] == [
        (ts, team.owner.user_id, "hello <@x>")
    ]
    await sender.close()
    await reader.close()


async def test_a_thread_reply_over_the_socket(live_server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    general = await general_id(live_server, team.owner.token)
    client = await open_rtm(live_server, team.owner.token)
    await client.send({"id": 1, "type": "message", "channel": general, "text": "parent"})
    parent = (await reply_to(client, 1))["ts"]
    # A float thread_ts, as some clients send it, is the same thread.
    await client.send(
        {
            "id": 2,
            "type": "message",
            "channel": general,
            "text": "child",
            "thread_ts": float(parent),
        }
    )
    child = await reply_to(client, 2)
    assert child["ok"] is True
    replies = await call_raw(
        live_server, "conversations.replies", team.owner.token, channel=general, ts=parent
    )
    assert [m["text"] for m in replies["messages"]] == ["parent", "child"]
    await client.close()


async def test_refusals_answer_the_frame_with_slacks_error(
    live_server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    outsider = await factory.user(team)
    general = await general_id(live_server, team.owner.token)
    private = await make_channel(live_server, team.team_id, [team.owner.user_id], kind="group")
    owner = await open_rtm(live_server, team.owner.token)
    await owner.send({"id": 1, "type": "message", "channel": general, "text": "  "})
    assert await reply_to(owner, 1) == {
        "ok": False,
        "reply_to": 1,
        "error": {"code": 2, "msg": "message text is missing"},
    }
    await owner.send({"id": 2, "type": "message", "channel": "C0NOPE", "text": "hi"})
    assert (await reply_to(owner, 2))["error"] == {"code": 4, "msg": "channel_not_found"}
    await owner.send({"id": 3, "type": "message", "text": "hi"})
    assert (await reply_to(owner, 3))["error"] == {"code": 4, "msg": "channel_not_found"}
    await owner.send({"id": 4, "type": "message", "channel": general, "text": "x" * 40_001})
    assert (await reply_to(owner, 4))["error"] == {"code": 4, "msg": "msg_too_long"}
    await owner.send(
        {"id": 5, "type": "message", "channel": general, "text": "x", "thread_ts": "nope"}
    )
    assert (await reply_to(owner, 5))["error"]["msg"] == "invalid_thread_ts"

    # A private channel someone is not in does not exist for them.
    stranger = await open_rtm(live_server, outsider.token)
    await stranger.send({"id": 1, "type": "message", "channel": private, "text": "hi"})
    assert (await reply_to(stranger, 1))["error"] == {"code": 4, "msg": "channel_not_found"}

    # A bot posts where it is a member (or with chat:write.public), as chat.postMessage.
    robot = await open_rtm(live_server, bot.token)
    await robot.send({"id": 9, "type": "message", "channel": private, "text": "hi"})
    assert (await reply_to(robot, 9))["error"] == {"code": 4, "msg": "channel_not_found"}
    elsewhere = await make_channel(live_server, team.team_id, [team.owner.user_id])
    await robot.send({"id": 10, "type": "message", "channel": elsewhere, "text": "hi"})
    via_http = await call_raw(
        live_server, "chat.postMessage", bot.token, channel=elsewhere, text="hi"
    )
    answer = await reply_to(robot, 10)
    assert answer["ok"] is via_http["ok"]
    if not via_http["ok"]:
        assert answer["error"] == {"code": 4, "msg": via_http["error"]}

    await call_raw(live_server, "conversations.archive", team.owner.token, channel=private)
    await owner.send({"id": 6, "type": "message", "channel": private, "text": "hi"})
    assert (await reply_to(owner, 6))["error"] == {"code": 4, "msg": "is_archived"}
    for client in (owner, stranger, robot):
        await client.close()


async def test_a_token_without_chat_write_may_not_post(
    live_server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    reader = await factory.token(team.owner, scopes=("channels:read", "channels:history"))
    general = await general_id(live_server, team.owner.token)
    client = await open_rtm(live_server, reader)
    await client.send({"id": 1, "type": "message", "channel": general, "text": "hi"})
    assert (await reply_to(client, 1))["error"] == {"code": 4, "msg": "missing_scope"}
    history = await call_raw(
        live_server, "conversations.history", team.owner.token, channel=general
    )
    assert all(m.get("text") != "hi" for m in history["messages"])
    await client.close()


async def test_a_burst_into_one_channel_is_rate_limited(
    live_server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    general = await general_id(live_server, team.owner.token)
    client = await open_rtm(live_server, team.owner.token)
    for n in range(1, 9):
        await client.send({"id": n, "type": "message", "channel": general, "text": f"m{n}"})
    answers = [await reply_to(client, n) for n in range(1, 9)]
    accepted = [a for a in answers if a["ok"]]
    refused = [a for a in answers if not a["ok"]]
    assert len(accepted) == 5  # the burst; then about one a second
    assert {a["error"]["msg"] for a in refused} == {"ratelimited"}
    # Another channel has its own allowance.
    other = await make_channel(live_server, team.team_id, [team.owner.user_id])
    await client.send({"id": 20, "type": "message", "channel": other, "text": "elsewhere"})
    assert (await reply_to(client, 20))["ok"] is True
    await client.close()


async def test_a_post_never_reaches_another_workspace(
    live_server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    rival = await factory.workspace("Rival")
    general = await general_id(live_server, team.owner.token)
    rival_general = await general_id(live_server, rival.owner.token)
    sender = await open_rtm(live_server, team.owner.token)
    watcher = await open_rtm(live_server, rival.owner.token)

    # Another workspace's channel id is not found, as an unknown id.
    await sender.send({"id": 1, "type": "message", "channel": rival_general, "text": "in?"})
    assert (await reply_to(sender, 1))["error"] == {"code": 4, "msg": "channel_not_found"}
    await sender.send({"id": 2, "type": "message", "channel": general, "text": "ours"})
    assert (await reply_to(sender, 2))["ok"] is True
    assert [f for f in await watcher.quiet(0.5) if f.get("type") == "message"] == []
    history = await call_raw(
        live_server, "conversations.history", rival.owner.token, channel=rival_general
    )
    assert all(m.get("text") not in {"in?", "ours"} for m in history["messages"])
    await sender.close()
    await watcher.close()
