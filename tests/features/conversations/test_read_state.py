"""conversations.mark, unread counts in conversations.info, and client.counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory, Member
from tests.features.conversations.helpers import create, events_of, post


async def _counts_for(api: Api, member: Member, conversation: str) -> dict[str, Any]:
    body = await api("client.counts", member.token)
    assert body["ok"], body
    items = body["channels"] + body["mpims"] + body["ims"]
    return next(item for item in items if item["id"] == conversation)


async def test_mark_moves_last_read_and_tells_only_the_reader(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await create(api, team.owner, "marked")
    await api("conversations.invite", team.owner.token, channel=channel, users=bob.user_id)
    first = await post(api, bob, channel, "one")
    await post(api, bob, channel, "two")

    info = await api("conversations.info", team.owner.token, channel=channel)
    assert info["channel"]["unread_count"] == 3  # bob's join message and two posts
    assert info["channel"]["unread_count_display"] == 3

    assert await api("conversations.mark", team.owner.token, channel=channel, ts=first) == {
        "ok": True
    }
    info = await api("conversations.info", team.owner.token, channel=channel)
    assert info["channel"]["last_read"] == first and info["channel"]["unread_count"] == 1

    marked = (await events_of(services.db, team, "channel_marked"))[-1]
    assert marked.audience == {"kind": "users", "ids": [team.owner.user_id]}
    assert marked.payload["channel"] == channel and marked.payload["ts"] == first
    assert marked.payload["unread_count"] == 1 and marked.payload["mention_count"] == 0

    # Short fractions are accepted and normalised, like Slack.
    seconds = first.split(".")[0]
    await api("conversations.mark", team.owner.token, channel=channel, ts=f"{seconds}.5")
    info = await api("conversations.info", team.owner.token, channel=channel)
    assert info["channel"]["last_read"] == f"{seconds}.500000"


async def test_mark_errors_and_event_names(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    outsider = await factory.user(team)
    channel = await create(api, team.owner, "mark-errors")
    token = team.owner.token
    for bad in ("abc", "1700000000.1234567", "-1.5", "1.2.3"):
        body = await api("conversations.mark", token, channel=channel, ts=bad)
        assert body["error"] == "invalid_timestamp", bad
    assert (await api("conversations.mark", token, channel=channel))["error"] == "invalid_timestamp"
    assert (await api("conversations.mark", outsider.token, channel=channel, ts="1.000001"))[
        "error"
    ] == "not_in_channel"

    private = await create(api, team.owner, "mark-private", private=True)
    dm = (await api("conversations.open", token, users=bob.user_id))["channel"]["id"]
    await api("conversations.mark", token, channel=private, ts="1700000000.000001")
    await api("conversations.mark", token, channel=dm, ts="1700000000.000001")
    assert (await events_of(services.db, team, "group_marked"))[-1].payload["channel"] == private
    assert (await events_of(services.db, team, "im_marked"))[-1].payload["channel"] == dm


async def test_non_members_get_no_read_state(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    outsider = await factory.user(team)
    channel = await create(api, team.owner, "no-read-state")
    info = (await api("conversations.info", outsider.token, channel=channel))["channel"]
    assert info["is_member"] is False
    assert "last_read" not in info and "unread_count" not in info


async def test_client_counts_follow_slack_rules(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    me = team.owner
    bob = await factory.user(team)
    carol = await factory.user(team)
    channel = await create(api, me, "counted")
    await api("conversations.invite", me.token, channel=channel, users=bob.user_id)
    start = await post(api, me, channel, "start")
    await api("conversations.mark", me.token, channel=channel, ts=start)

    plain = await post(api, bob, channel, "plain")
    mention = await post(api, bob, channel, f"hey <@{me.user_id}>")
    await post(api, bob, channel, "<!here> everyone look")
    await post(api, me, channel, "my own words")  # never unread for me
    await post(api, bob, channel, f"<@{me.user_id}> in a thread", thread_ts=plain)
    broadcast = await post(api, bob, channel, "broadcast", thread_ts=plain, reply_broadcast="true")
    doomed = await post(api, bob, channel, "deleted later")
    assert (await api("chat.delete", bob.token, channel=channel, ts=doomed))["ok"]

    counts = await _counts_for(api, me, channel)
    assert counts == {
        "id": channel,
        "last_read": start,
        "latest": broadcast,
        # plain, mention, @here, broadcast reply (not the plain thread reply or deleted one)
        "unread_count": 4,
        "has_unreads": True,
        # the mention, @here, and the mention inside the thread
        "mention_count": 3,
    }
    info = await api("conversations.info", me.token, channel=channel)
    assert info["channel"]["unread_count"] == 4

    await api("conversations.mark", me.token, channel=channel, ts=mention)
    after = await _counts_for(api, me, channel)
    assert (after["unread_count"], after["mention_count"]) == (2, 2)
    await api("conversations.mark", me.token, channel=channel, ts=broadcast)
    done = await _counts_for(api, me, channel)
    assert (done["unread_count"], done["mention_count"], done["has_unreads"]) == (0, 0, False)

    dm = (await api("conversations.open", bob.token, users=me.user_id))["channel"]["id"]
    await post(api, bob, dm, "psst")
    group = await api("conversations.open", bob.token, users=f"{me.user_id},{carol.user_id}")
    await post(api, bob, group["channel"]["id"], "all three")
    body = await api("client.counts", me.token)
    assert [item["id"] for item in body["ims"]] == [dm]
    assert body["ims"][0]["unread_count"] == 1
    assert [item["id"] for item in body["mpims"]] == [group["channel"]["id"]]
    assert body["mpims"][0]["unread_count"] == 1
    quiet = await create(api, me, "quiet", private=True)
    quiet_counts = await _counts_for(api, me, quiet)
    assert quiet_counts["latest"] is None and quiet_counts["unread_count"] == 0


@contextmanager
def count_queries(services: Services) -> Iterator[list[str]]:
    """Statements sent to the database (readers and writer) inside the block."""
    statements: list[str] = []
    engines = {services.db.read_engine.sync_engine, services.db.write_engine.sync_engine}

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


async def test_client_counts_cost_does_not_grow_with_conversations(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    await api("client.counts", bob.token)  # token now cached
    with count_queries(services) as few:
        assert (await api("client.counts", bob.token))["ok"]
    for n in range(8):
        channel = await create(api, team.owner, f"busy-{n}")
        await api("conversations.invite", team.owner.token, channel=channel, users=bob.user_id)
        await post(api, team.owner, channel, f"message {n}")
    with count_queries(services) as many:
        body = await api("client.counts", bob.token)
    assert len(body["channels"]) == 10  # #general, #random and the 8
    assert sum(item["unread_count"] for item in body["channels"]) == 8  # the defaults: all read
    assert len(many) == len(few) <= 4


async def test_client_counts_refuses_bots(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    assert (await api("client.counts", bot.token))["error"] == "not_allowed_token_type"
