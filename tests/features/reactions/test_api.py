"""reactions.add / remove / get / list over HTTP: behaviour, errors, permissions, events."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import Api
from tests.factories import Factory, Member, Team
from tests.features.reactions.helpers import (
    events_of,
    make_conversation,
    post,
    set_archived,
    set_deleted,
)


@dataclass
class World:
    team: Team
    alice: Member  # member of both channels
    bob: Member  # member of the public channel only
    carol: Member  # in the workspace, in no channel
    public: str
    private: str
    ts: str  # alice's message in the public channel
    secret_ts: str  # alice's message in the private channel


@pytest.fixture
async def world(factory: Factory) -> World:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    carol = await factory.user(team)
    public = await make_conversation(factory.db, team, [alice, bob])
    private = await make_conversation(factory.db, team, [alice], kind="group")
    ts = await post(factory.db, team, public, alice)
    secret_ts = await post(factory.db, team, private, alice)
    return World(team, alice, bob, carol, public, private, ts, secret_ts)


async def test_add_get_remove_round_trip(api: Api, factory: Factory, world: World) -> None:
    w = world
    assert (await api("reactions.add", w.bob.token, channel=w.public, timestamp=w.ts, name="tada"))[
        "ok"
    ]
    await api("reactions.add", w.alice.token, channel=w.public, timestamp=w.ts, name=":+1:")
    await api("reactions.add", w.alice.token, channel=w.public, timestamp=w.ts, name="tada")
    got = await api("reactions.get", w.carol.token, channel=w.public, timestamp=w.ts)
    assert got["ok"] and got["type"] == "message" and got["channel"] == w.public
    assert got["message"]["ts"] == w.ts
    assert got["message"]["reactions"] == [
        {"name": "tada", "users": [w.bob.user_id, w.alice.user_id], "count": 2},
        {"name": "+1", "users": [w.alice.user_id], "count": 1},
    ]
    removed = await api(
        "reactions.remove", w.bob.token, channel=w.public, timestamp=w.ts, name="tada"
    )
    assert removed == {"ok": True}
    got = await api("reactions.get", w.alice.token, channel=w.public, timestamp=w.ts, full=True)
    assert [r["users"] for r in got["message"]["reactions"]] == [
        [w.alice.user_id],
        [w.alice.user_id],
    ]


async def test_first_use_order_survives_removal_and_re_add(api: Api, world: World) -> None:
    w = world
    for name in ("eyes", "rocket"):
        await api("reactions.add", w.alice.token, channel=w.public, timestamp=w.ts, name=name)
    await api("reactions.remove", w.alice.token, channel=w.public, timestamp=w.ts, name="eyes")
    await api("reactions.add", w.bob.token, channel=w.public, timestamp=w.ts, name="eyes")
    got = await api("reactions.get", w.alice.token, channel=w.public, timestamp=w.ts)
    assert [r["name"] for r in got["message"]["reactions"]] == ["rocket", "eyes"]


async def test_events_go_to_the_conversation(api: Api, factory: Factory, world: World) -> None:
    w = world
    await api("reactions.add", w.bob.token, channel=w.public, timestamp=w.ts, name="heart")
    await api("reactions.remove", w.bob.token, channel=w.public, timestamp=w.ts, name="heart")
    for kind in ("reaction_added", "reaction_removed"):
        (event,) = await events_of(factory.db, w.team, kind)
        assert event["_audience"] == {"kind": "conversation", "id": w.public}
        assert event["user"] == w.bob.user_id and event["reaction"] == "heart"
        assert event["item_user"] == w.alice.user_id
        assert event["item"] == {"type": "message", "channel": w.public, "ts": w.ts}
        assert event["event_ts"].count(".") == 1


async def test_skin_tones_custom_emoji_and_invalid_names(api: Api, world: World) -> None:
    w = world
    owner = w.team.owner.token

    async def react(name: str) -> dict[str, object]:
        return await api(
            "reactions.add", w.alice.token, channel=w.public, timestamp=w.ts, name=name
        )

    assert (await react("thumbsup::skin-tone-2"))["ok"]
    assert (await react("thumbsup::skin-tone-9"))["error"] == "invalid_name"
    assert (await react("partyparrot"))["error"] == "invalid_name"
    assert (await react(""))["error"] == "invalid_name"
    await api("admin.emoji.add", owner, name="partyparrot", url="https://img.example/p.gif")
    await api("admin.emoji.addAlias", owner, name="parrot", alias_for="partyparrot")
    assert (await react("partyparrot"))["ok"]
    assert (await react(":parrot:"))["ok"]
    assert (await react("partyparrot::skin-tone-3"))["error"] == "invalid_name"


async def test_errors(api: Api, factory: Factory, world: World) -> None:
    w = world
    t = w.alice.token
    args = {"channel": w.public, "timestamp": w.ts, "name": "tada"}
    assert (await api("reactions.add", t, **args))["ok"]
    assert (await api("reactions.add", t, **args))["error"] == "already_reacted"
    assert (await api("reactions.remove", w.bob.token, **args))["error"] == "no_reaction"
    assert (await api("reactions.add", t, channel=w.public, name="tada"))[
        "error"
    ] == "no_item_specified"
    assert (await api("reactions.add", t, timestamp=w.ts, name="tada"))[
        "error"
    ] == "no_item_specified"
    bad_ts = {**args, "timestamp": "yesterday"}
    assert (await api("reactions.add", t, **bad_ts))["error"] == "bad_timestamp"
    missing = {**args, "timestamp": "1000000000.000001"}
    assert (await api("reactions.add", t, **missing))["error"] == "message_not_found"
    assert (await api("reactions.get", t, **missing))["error"] == "message_not_found"
    unknown = {**args, "channel": "C0NOPE0000"}
    assert (await api("reactions.add", t, **unknown))["error"] == "channel_not_found"
    await set_deleted(factory.db, w.public, w.ts)
    assert (await api("reactions.get", t, **args))["error"] == "message_not_found"


async def test_archived_conversation_refuses_changes(
    api: Api, factory: Factory, world: World
) -> None:
    w = world
    args = {"channel": w.public, "timestamp": w.ts, "name": "tada"}
    await api("reactions.add", w.alice.token, **args)
    await set_archived(factory.db, w.public)
    assert (await api("reactions.add", w.bob.token, **args))["error"] == "is_archived"
    assert (await api("reactions.remove", w.alice.token, **args))["error"] == "is_archived"
    assert (await api("reactions.get", w.alice.token, **args))["ok"]


async def test_too_many_reactions_and_emoji(api: Api, world: World) -> None:
    from parley.features.emoji.standard import standard_names
    from parley.features.reactions.actions import MAX_DISTINCT_EMOJI, MAX_REACTIONS_PER_USER

    w = world
    names = sorted(n for n in standard_names() if n.isalpha())[: MAX_DISTINCT_EMOJI + 1]
    for name in names[:MAX_REACTIONS_PER_USER]:
        ok = await api("reactions.add", w.alice.token, channel=w.public, timestamp=w.ts, name=name)
        assert ok["ok"], ok
    extra = {"channel": w.public, "timestamp": w.ts, "name": names[MAX_REACTIONS_PER_USER]}
    assert (await api("reactions.add", w.alice.token, **extra))["error"] == "too_many_reactions"
    # Others fill the message up to the distinct-emoji limit, at most 23 names each.
    rest = names[MAX_REACTIONS_PER_USER:MAX_DISTINCT_EMOJI]
    for index, name in enumerate(rest):
        who = w.bob if index < MAX_REACTIONS_PER_USER else w.carol
        ok = await api("reactions.add", who.token, channel=w.public, timestamp=w.ts, name=name)
        assert ok["ok"], ok
    last = {"channel": w.public, "timestamp": w.ts, "name": names[MAX_DISTINCT_EMOJI]}
    assert (await api("reactions.add", w.carol.token, **last))["error"] == "too_many_emoji"
    # An emoji already on the message can still be added by someone else.
    again = {"channel": w.public, "timestamp": w.ts, "name": names[0]}
    assert (await api("reactions.add", w.carol.token, **again))["ok"]


async def test_permission_matrix(api: Api, factory: Factory, world: World) -> None:
    w = world
    guest = await factory.user(w.team, role="guest")
    other_team = await factory.workspace()
    bot = await factory.bot(w.team, scopes=("reactions:write", "reactions:read"))
    reader_bot = await factory.bot(w.team, scopes=("reactions:read",))

    async def add(token: str, channel: str, ts: str, name: str) -> str:
        body = await api("reactions.add", token, channel=channel, timestamp=ts, name=name)
        return "ok" if body["ok"] else str(body["error"])

    # Public channel: anyone in the workspace but guests; private: members only.
    assert await add(w.carol.token, w.public, w.ts, "one") == "ok"
    assert await add(w.team.owner.token, w.public, w.ts, "two") == "ok"
    assert await add(guest.token, w.public, w.ts, "three") == "channel_not_found"
    assert await add(w.bob.token, w.private, w.secret_ts, "one") == "channel_not_found"
    assert await add(w.team.owner.token, w.private, w.secret_ts, "one") == "channel_not_found"
    assert await add(w.alice.token, w.private, w.secret_ts, "one") == "ok"
    assert await add(other_team.owner.token, w.public, w.ts, "one") == "channel_not_found"
    assert await add(bot.token, w.public, w.ts, "four") == "ok"
    assert await add(reader_bot.token, w.public, w.ts, "five") == "missing_scope"
    got = await api("reactions.get", w.bob.token, channel=w.private, timestamp=w.secret_ts)
    assert got["error"] == "channel_not_found"
    assert (await api("reactions.get", reader_bot.token, channel=w.public, timestamp=w.ts))["ok"]


async def test_deactivated_user_cannot_react(api: Api, world: World) -> None:
    w = world
    await api("admin.users.setActive", w.team.owner.token, user_id=w.bob.user_id, active=False)
    body = await api("reactions.add", w.bob.token, channel=w.public, timestamp=w.ts, name="tada")
    assert body["error"] == "account_inactive"


async def test_list_pages_and_cursor(api: Api, factory: Factory, world: World) -> None:
    w = world
    stamps = [await post(factory.db, w.team, w.public, w.bob, f"m{i}") for i in range(5)]
    for ts in stamps:
        await api("reactions.add", w.alice.token, channel=w.public, timestamp=ts, name="tada")
    await api("reactions.add", w.alice.token, channel=w.private, timestamp=w.secret_ts, name="x")
    mine = await api("reactions.list", w.alice.token, count=2, page=2)
    assert mine["paging"] == {"count": 2, "total": 6, "page": 2, "pages": 3}
    assert [item["message"]["ts"] for item in mine["items"]] == [stamps[3], stamps[2]]
    assert mine["items"][0]["type"] == "message" and mine["items"][0]["channel"] == w.public
    assert mine["items"][0]["message"]["reactions"][0]["users"] == [w.alice.user_id]

    seen: list[str] = []
    cursor = ""
    while True:
        page = await api("reactions.list", w.alice.token, limit=4, cursor=cursor)
        seen += [item["message"]["ts"] for item in page["items"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == [w.secret_ts, *reversed(stamps)]

    # Bob sees Alice's reactions, except in the private channel he is not in.
    theirs = await api("reactions.list", w.bob.token, user=w.alice.user_id)
    assert [item["message"]["ts"] for item in theirs["items"]] == list(reversed(stamps))
    assert (await api("reactions.list", w.bob.token, user="U0NOPE00000"))[
        "error"
    ] == "user_not_found"
    other = await factory.workspace()
    assert (await api("reactions.list", other.owner.token, user=w.alice.user_id))[
        "error"
    ] == "user_not_found"
    assert (await api("reactions.list", w.alice.token, cursor="garbage!"))[
        "error"
    ] == "invalid_cursor"


async def test_slack_flag_names_are_accepted(api: Api, world: World) -> None:
    """Slack's `flag-fr` (from emojibase, the names the web picker offers) is a standard name."""
    w = world
    added = await api(
        "reactions.add", w.bob.token, channel=w.public, timestamp=w.ts, name="flag-fr"
    )
    assert added == {"ok": True}
    refused = await api(
        "reactions.add", w.bob.token, channel=w.public, timestamp=w.ts, name="flag-zz"
    )
    assert refused["error"] == "invalid_name"
