"""chat.postMessage / chat.meMessage: shapes, errors, the permission matrix, idempotency."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import select

from parley.features.messages.models import Mention
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import events, make_channel, rendered


async def test_post_returns_slack_shape(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    body = await api("chat.postMessage", team.owner.token, channel=channel, text="hello *world*")
    assert body["ok"] is True
    assert body["channel"] == channel
    message = body["message"]
    assert message["ts"] == body["ts"]
    assert message["type"] == "message"
    assert message["text"] == "hello *world*"
    assert message["user"] == team.owner.user_id
    assert message["team"] == team.team_id
    assert "html" not in message  # Parley's web client's alone (tests/platform/test_rendering.py)
    assert (await rendered(services.db, channel, body["ts"]))["html"] == (
        "hello <strong>world</strong>"
    )
    for absent in ("bot_id", "subtype", "thread_ts", "reply_count", "edited", "blocks", "files"):
        assert absent not in message
    seconds, fraction = body["ts"].split(".")
    assert len(seconds) == 10 and len(fraction) == 6


async def test_post_emits_message_event(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    body = await api("chat.postMessage", team.owner.token, channel=channel, text="hi")
    [event] = [e for e in await events(services.db, team) if e.type == "message"]
    assert event.audience == {"kind": "conversation", "id": channel}
    payload = event.payload
    assert payload["channel"] == channel
    assert payload["channel_type"] == "channel"
    assert payload["event_ts"] == payload["ts"] == body["ts"]
    assert payload["user"] == team.owner.user_id and payload["text"] == "hi"


async def test_channel_by_name_and_hash_name(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner], name="random-stuff")
    for ref in ("random-stuff", "#random-stuff"):
        body = await api("chat.postMessage", team.owner.token, channel=ref, text="x")
        assert body["ok"] and body["channel"] == channel
    assert (await api("chat.postMessage", team.owner.token, channel="#nope", text="x")) == {
        "ok": False,
        "error": "channel_not_found",
    }


async def test_channel_as_user_id_opens_the_dm(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    first = await api("chat.postMessage", team.owner.token, channel=bob.user_id, text="psst")
    assert first["ok"] and first["channel"].startswith("D")
    again = await api("chat.postMessage", team.owner.token, channel=bob.user_id, text="again")
    assert again["channel"] == first["channel"]
    # Bob sees the same DM, reaching it by Olive's id.
    reply = await api("chat.postMessage", bob.token, channel=team.owner.user_id, text="hi")
    assert reply["channel"] == first["channel"]
    history = await api("conversations.history", bob.token, channel=first["channel"])
    assert [m["text"] for m in history["messages"]] == ["hi", "again", "psst"]


async def test_blocks_and_attachments_as_json_strings_and_arrays(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*b*"}}]
    attachments = [{"text": "att", "color": "good"}]
    form = await api(
        "chat.postMessage",
        team.owner.token,
        channel=channel,
        blocks=json.dumps(blocks),
        attachments=json.dumps(attachments),
    )
    assert form["ok"], form
    assert form["message"]["blocks"] == blocks
    assert form["message"]["attachments"] == attachments
    assert "<strong>b</strong>" in (await rendered(services.db, channel, form["ts"]))["html"]
    as_json = await api.json(
        "chat.postMessage", team.owner.token, channel=channel, text="t", blocks=blocks
    )
    assert as_json["ok"] and as_json["message"]["blocks"] == blocks


async def test_content_errors(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    token = team.owner.token
    channel = await make_channel(services.db, team, [team.owner])

    async def error(**args: Any) -> str:
        body = await api.json("chat.postMessage", token, channel=channel, **args)
        assert body["ok"] is False
        return str(body["error"])

    assert await error() == "no_text"
    assert await error(text="   ") == "no_text"
    assert await error(text="x" * 40_001) == "msg_too_long"
    assert (await api.json("chat.postMessage", token, channel=channel, text="x" * 40_000))["ok"]
    divider = {"type": "divider"}
    assert await error(text="t", blocks=[divider] * 51) == "invalid_blocks"
    assert (await api.json("chat.postMessage", token, channel=channel, blocks=[divider] * 50))["ok"]
    assert await error(text="t", blocks=[{"type": "bogus"}]) == "invalid_blocks"
    assert await error(text="t", blocks=[{"text": "no type"}]) == "invalid_blocks"
    assert await error(text="t", blocks=["section"]) == "invalid_blocks"
    assert await error(text="t", blocks={"type": "divider"}) in {
        "invalid_blocks",
        "invalid_arguments",
    }
    assert await error(text="t", attachments=["x"]) == "invalid_attachments"
    assert await error(text="t", thread_ts="not-a-ts") == "invalid_thread_ts"
    assert await error(text="t", thread_ts="1234567890.123456") == "thread_not_found"
    bad_json = await api("chat.postMessage", token, channel=channel, blocks="[{not json")
    assert bad_json["ok"] is False


async def test_channel_errors(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    other_team = await factory.workspace()
    token = team.owner.token
    archived = await make_channel(services.db, team, [team.owner], archived=True)
    foreign = await make_channel(services.db, other_team, [other_team.owner])
    not_joined = await make_channel(services.db, team, [])

    async def error(channel: str) -> str:
        return str((await api("chat.postMessage", token, channel=channel, text="x"))["error"])

    assert await error("C0NOSUCH") == "channel_not_found"
    assert await error(foreign) == "channel_not_found"
    assert await error(other_team.owner.user_id) == "channel_not_found"
    assert await error("not a channel!") == "channel_not_found"
    assert await error(archived) == "is_archived"
    assert await error(not_joined) == "not_in_channel"
    missing = await api("chat.postMessage", token, text="x")
    assert missing["error"] == "channel_not_found"


async def test_permission_matrix(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    outsider = await factory.user(team)
    guest = await factory.user(team, role="guest")
    admin = await factory.user(team, role="admin")
    bot = await factory.bot(team, scopes=("chat:write",))
    public_bot = await factory.bot(team, scopes=("chat:write", "chat:write.public"))
    reader_bot = await factory.bot(team, scopes=("channels:read",))
    public = await make_channel(services.db, team, [member, guest, bot])
    private = await make_channel(services.db, team, [member], kind="group")

    async def post(who: str, channel: str) -> str:
        body = await api("chat.postMessage", who, channel=channel, text="x")
        return "ok" if body["ok"] else str(body["error"])

    assert await post(member.token, public) == "ok"
    assert await post(guest.token, public) == "ok"
    assert await post(bot.token, public) == "ok"
    assert await post(outsider.token, public) == "not_in_channel"
    assert await post(admin.token, public) == "not_in_channel"
    assert await post(public_bot.token, public) == "ok"  # chat:write.public
    assert await post(reader_bot.token, public) == "missing_scope"
    assert await post(member.token, private) == "ok"
    assert await post(outsider.token, private) == "channel_not_found"
    assert await post(guest.token, private) == "channel_not_found"
    assert await post(public_bot.token, private) == "channel_not_found"
    guest_only = await make_channel(services.db, team, [member])
    assert await post(guest.token, guest_only) == "channel_not_found"


async def test_deactivated_user_cannot_post(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    channel = await make_channel(services.db, team, [member])
    assert await api("admin.users.setActive", team.owner.token, user_id=member.user_id, active=0)
    body = await api("chat.postMessage", member.token, channel=channel, text="x")
    assert body == {"ok": False, "error": "account_inactive"}


async def test_restricted_posting(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    rules = {
        "posting_restricted_to": {"type": ["admin"], "user": []},
        "threads_restricted_to": {"type": ["admin"], "user": [member.user_id]},
    }
    channel = await make_channel(services.db, team, [team.owner, member], properties=rules)
    denied = await api("chat.postMessage", member.token, channel=channel, text="x")
    assert denied["error"] == "restricted_action"
    root = await api("chat.postMessage", team.owner.token, channel=channel, text="announcement")
    assert root["ok"]
    reply = await api(
        "chat.postMessage", member.token, channel=channel, text="r", thread_ts=root["ts"]
    )
    assert reply["ok"]


async def test_bot_messages_carry_user_bot_id_and_app_id(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team, scopes=("chat:write",))
    channel = await make_channel(services.db, team, [bot])
    body = await api(
        "chat.postMessage", bot.token, channel=channel, text="beep", username="x", icon_emoji=":x:"
    )
    message = body["message"]
    assert message["user"] == bot.user_id
    assert message["bot_id"].startswith("B") and message["app_id"].startswith("A")
    # Overrides need chat:write.customize: ignored here.
    assert "username" not in message and "icons" not in message
    auth = await api("auth.test", bot.token)
    assert message["bot_id"] == auth["bot_id"]


async def test_customize_overrides_for_bots_only(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team, scopes=("chat:write", "chat:write.customize"))
    channel = await make_channel(services.db, team, [bot, team.owner])
    body = await api(
        "chat.postMessage",
        bot.token,
        channel=channel,
        text="beep",
        username="Deploy Bot",
        icon_emoji=":rocket:",
    )
    assert body["message"]["username"] == "Deploy Bot"
    assert body["message"]["icons"] == {"emoji": ":rocket:"}
    url = await api(
        "chat.postMessage", bot.token, channel=channel, text="b", icon_url="https://i.test/a.png"
    )
    assert url["message"]["icons"] == {"image_64": "https://i.test/a.png"}
    human = await api(
        "chat.postMessage", team.owner.token, channel=channel, text="x", username="Impostor"
    )
    assert "username" not in human["message"]


async def test_metadata(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    metadata = {"event_type": "task_created", "event_payload": {"id": "1"}}
    body = await api.json(
        "chat.postMessage", team.owner.token, channel=channel, text="t", metadata=metadata
    )
    assert body["message"]["metadata"] == metadata
    plain = await api("conversations.history", team.owner.token, channel=channel)
    assert "metadata" not in plain["messages"][0]
    full = await api(
        "conversations.history", team.owner.token, channel=channel, include_all_metadata=1
    )
    assert full["messages"][0]["metadata"] == metadata
    bad = await api.json(
        "chat.postMessage", team.owner.token, channel=channel, text="t", metadata={"x": 1}
    )
    assert bad["error"] == "invalid_metadata_format"


async def test_client_msg_id_is_idempotent(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    args = {"channel": channel, "text": "once", "client_msg_id": "c6f0a1e2-0001"}
    first = await api("chat.postMessage", team.owner.token, **args)
    second = await api("chat.postMessage", team.owner.token, **args)
    assert first["ts"] == second["ts"]
    assert second["message"]["client_msg_id"] == "c6f0a1e2-0001"
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert len(history["messages"]) == 1
    assert len([e for e in await events(services.db, team) if e.type == "message"]) == 1
    # The same id in another conversation is another message.
    other = await make_channel(services.db, team, [team.owner])
    third = await api("chat.postMessage", team.owner.token, **{**args, "channel": other})
    assert third["channel"] == other


async def test_client_msg_id_under_concurrency(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    args = {"channel": channel, "text": "retry", "client_msg_id": "dup-1"}
    bodies = await asyncio.gather(
        *(api("chat.postMessage", team.owner.token, **args) for _ in range(6))
    )
    assert all(b["ok"] for b in bodies), bodies
    assert len({b["ts"] for b in bodies}) == 1
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert len(history["messages"]) == 1


async def test_mentions_are_stored(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    other_team = await factory.workspace()
    bob = await factory.user(team, name="Bob Builder")
    channel = await make_channel(services.db, team, [team.owner, bob])
    text = f"hi <@{bob.user_id}> and <@{other_team.owner.user_id}> and <@U0NOBODY> see https://x.y"
    body = await api("chat.postMessage", team.owner.token, channel=channel, text=text)
    assert "@Bob Builder</span>" in (await rendered(services.db, channel, body["ts"]))["html"]
    async with services.db.read() as session:
        rows = (await session.execute(select(Mention))).scalars().all()
        mine = [r for r in rows if r.conversation_id == channel]
    assert [(m.user_id, m.ts) for m in mine] == [(bob.user_id, body["ts"])]
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "<!channel>"}}]
    everyone = await api.json(
        "chat.postMessage", team.owner.token, channel=channel, text="fallback", blocks=blocks
    )
    from parley.features.messages.store import get_message

    async with services.db.read() as session:
        first = await get_message(session, channel, body["ts"])
        second = await get_message(session, channel, everyone["ts"])
    assert first is not None and first.has_link and not first.mentions_everyone
    assert second is not None and second.mentions_everyone and not second.has_link


async def test_link_names(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner], name="ops")
    body = await api(
        "chat.postMessage",
        team.owner.token,
        channel=channel,
        text="@here ping @nobody-here in #ops, mail a@b.c",
        link_names=1,
    )
    assert body["message"]["text"] == f"<!here> ping @nobody-here in <#{channel}|ops>, mail a@b.c"
    secret = await make_channel(services.db, team, [team.owner], kind="group", name="secret")
    named = await api(
        "chat.postMessage", team.owner.token, channel=channel, text=f"<#{channel}> <#{secret}>"
    )
    html = (await rendered(services.db, channel, named["ts"]))["html"]
    assert f'data-channel-id="{channel}">#ops</span>' in html
    assert "secret" not in html  # private names are not rendered


async def test_me_message(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    body = await api("chat.meMessage", team.owner.token, channel=channel, text="waves")
    assert body["ok"] and body["channel"] == channel
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert history["messages"][0]["subtype"] == "me_message"
    assert history["messages"][0]["ts"] == body["ts"]
