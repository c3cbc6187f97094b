"""pins.* and stars.* over HTTP: behaviour, errors, permissions, events, pagination."""

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
    carol: Member  # in no channel
    public: str
    private: str
    ts: str  # bob's message in the public channel
    secret_ts: str  # alice's message in the private channel


@pytest.fixture
async def world(factory: Factory) -> World:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    carol = await factory.user(team)
    public = await make_conversation(factory.db, team, [alice, bob])
    private = await make_conversation(factory.db, team, [alice], kind="group")
    ts = await post(factory.db, team, public, bob)
    secret_ts = await post(factory.db, team, private, alice)
    return World(team, alice, bob, carol, public, private, ts, secret_ts)


async def test_pin_list_unpin(api: Api, factory: Factory, world: World) -> None:
    w = world
    later = await post(factory.db, w.team, w.public, w.alice, "second")
    assert await api("pins.add", w.alice.token, channel=w.public, timestamp=w.ts) == {"ok": True}
    await api("pins.add", w.bob.token, channel=w.public, timestamp=later)
    listed = await api("pins.list", w.carol.token, channel=w.public)
    assert [item["message"]["ts"] for item in listed["items"]] == [later, w.ts]
    first = listed["items"][1]
    assert first["type"] == "message" and first["channel"] == w.public
    assert first["created_by"] == w.alice.user_id and isinstance(first["created"], int)
    assert first["message"]["pinned_to"] == [w.public]
    got = await api("reactions.get", w.alice.token, channel=w.public, timestamp=w.ts)
    assert got["message"]["pinned_to"] == [w.public]
    assert await api("pins.remove", w.bob.token, channel=w.public, timestamp=w.ts) == {"ok": True}
    listed = await api("pins.list", w.alice.token, channel=w.public)
    assert [item["message"]["ts"] for item in listed["items"]] == [later]


async def test_pin_events(api: Api, factory: Factory, world: World) -> None:
    w = world
    await api("pins.add", w.alice.token, channel=w.public, timestamp=w.ts)
    await api("pins.remove", w.alice.token, channel=w.public, timestamp=w.ts)
    (added,) = await events_of(factory.db, w.team, "pin_added")
    (removed,) = await events_of(factory.db, w.team, "pin_removed")
    for event in (added, removed):
        assert event["_audience"] == {"kind": "conversation", "id": w.public}
        assert event["user"] == w.alice.user_id and event["channel_id"] == w.public
        assert event["item"]["message"]["ts"] == w.ts and event["item_user"] == w.bob.user_id
        assert event["pinned_info"]["pinned_by"] == w.alice.user_id
    assert added["pin_count"] == 1 and removed["has_pins"] is False


async def test_pin_errors(api: Api, factory: Factory, world: World) -> None:
    w = world
    t = w.alice.token
    await api("pins.add", t, channel=w.public, timestamp=w.ts)
    assert (await api("pins.add", t, channel=w.public, timestamp=w.ts))["error"] == "already_pinned"
    assert (await api("pins.remove", t, channel=w.private, timestamp=w.secret_ts))[
        "error"
    ] == "no_pin"
    assert (await api("pins.add", t, timestamp=w.ts))["error"] == "channel_not_found"
    assert (await api("pins.add", t, channel=w.public))["error"] == "no_item_specified"
    assert (await api("pins.add", t, channel=w.public, timestamp="1.x"))["error"] == "bad_timestamp"
    assert (await api("pins.add", t, channel=w.public, timestamp="1000000000.000001"))[
        "error"
    ] == "message_not_found"
    assert (await api("pins.list", t))["error"] == "channel_not_found"
    await set_deleted(factory.db, w.public, w.ts)
    assert (await api("pins.list", t, channel=w.public))["items"] == []
    await set_archived(factory.db, w.private)
    assert (await api("pins.add", t, channel=w.private, timestamp=w.secret_ts))[
        "error"
    ] == "is_archived"


async def test_too_many_pins(
    api: Api, factory: Factory, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parley.features.pins import actions

    monkeypatch.setattr(actions, "MAX_PINS", 1)
    w = world
    other = await post(factory.db, w.team, w.public, w.alice)
    await api("pins.add", w.alice.token, channel=w.public, timestamp=w.ts)
    assert (await api("pins.add", w.alice.token, channel=w.public, timestamp=other))[
        "error"
    ] == "too_many_pins"


async def test_pin_permission_matrix(api: Api, factory: Factory, world: World) -> None:
    w = world
    guest = await factory.user(w.team, role="guest")
    other_team = await factory.workspace()
    bot = await factory.bot(w.team, scopes=("pins:write", "pins:read"))
    reader = await factory.bot(w.team, scopes=("pins:read",))

    async def pin(token: str, channel: str, ts: str) -> str:
        body = await api("pins.add", token, channel=channel, timestamp=ts)
        return "ok" if body["ok"] else str(body["error"])

    assert await pin(w.carol.token, w.public, w.ts) == "not_in_channel"
    assert await pin(w.team.owner.token, w.public, w.ts) == "not_in_channel"
    assert await pin(bot.token, w.public, w.ts) == "not_in_channel"
    assert await pin(reader.token, w.public, w.ts) == "missing_scope"
    assert await pin(guest.token, w.public, w.ts) == "channel_not_found"
    assert await pin(w.bob.token, w.private, w.secret_ts) == "channel_not_found"
    assert await pin(other_team.owner.token, w.public, w.ts) == "channel_not_found"
    assert await pin(w.alice.token, w.private, w.secret_ts) == "ok"
    # Listing follows visibility: public for the workspace, private for members.
    assert (await api("pins.list", w.carol.token, channel=w.public))["ok"]
    assert (await api("pins.list", reader.token, channel=w.public))["ok"]
    assert (await api("pins.list", w.bob.token, channel=w.private))["error"] == "channel_not_found"
    assert (await api("pins.list", guest.token, channel=w.public))["error"] == "channel_not_found"
    await api("admin.users.setActive", w.team.owner.token, user_id=w.bob.user_id, active=False)
    assert await pin(w.bob.token, w.public, w.ts) == "account_inactive"


async def test_bot_member_can_pin(api: Api, factory: Factory, world: World) -> None:
    w = world
    bot = await factory.bot(w.team, scopes=("pins:write",))
    channel = await make_conversation(factory.db, w.team, [w.alice, bot])
    ts = await post(factory.db, w.team, channel, w.alice)
    assert (await api("pins.add", bot.token, channel=channel, timestamp=ts))["ok"]


async def test_stars_add_list_remove(api: Api, factory: Factory, world: World) -> None:
    w = world
    stamps = [await post(factory.db, w.team, w.public, w.bob, f"m{i}") for i in range(4)]
    for ts in stamps:
        assert (await api("stars.add", w.carol.token, channel=w.public, timestamp=ts))["ok"]
    page = await api("stars.list", w.carol.token, count=3, page=1)
    assert page["paging"] == {"count": 3, "total": 4, "page": 1, "pages": 2}
    assert [item["message"]["ts"] for item in page["items"]] == stamps[::-1][:3]
    item = page["items"][0]
    assert item["type"] == "message" and item["channel"] == w.public
    assert isinstance(item["date_create"], int)
    seen: list[str] = []
    cursor = ""
    while True:
        body = await api("stars.list", w.carol.token, limit=3, cursor=cursor)
        seen += [entry["message"]["ts"] for entry in body["items"]]
        cursor = body["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == stamps[::-1]
    assert (await api("stars.add", w.carol.token, channel=w.public, timestamp=stamps[0]))[
        "error"
    ] == "already_starred"
    assert (await api("stars.remove", w.carol.token, channel=w.public, timestamp=stamps[0]))["ok"]
    assert (await api("stars.remove", w.carol.token, channel=w.public, timestamp=stamps[0]))[
        "error"
    ] == "not_starred"
    assert (await api("stars.list", w.alice.token))["items"] == []


async def test_star_events_go_to_the_user(api: Api, factory: Factory, world: World) -> None:
    w = world
    await api("stars.add", w.alice.token, channel=w.public, timestamp=w.ts)
    await api("stars.remove", w.alice.token, channel=w.public, timestamp=w.ts)
    for kind in ("star_added", "star_removed"):
        (event,) = await events_of(factory.db, w.team, kind)
        assert event["_audience"] == {"kind": "users", "ids": [w.alice.user_id]}
        assert event["user"] == w.alice.user_id and event["item"]["message"]["ts"] == w.ts


async def test_star_permissions_and_visibility(api: Api, factory: Factory, world: World) -> None:
    w = world
    bot = await factory.bot(w.team)
    guest = await factory.user(w.team, role="guest")
    assert (await api("stars.add", bot.token, channel=w.public, timestamp=w.ts))[
        "error"
    ] == "not_allowed_token_type"
    assert (await api("stars.list", bot.token))["error"] == "not_allowed_token_type"
    assert (await api("stars.add", guest.token, channel=w.public, timestamp=w.ts))[
        "error"
    ] == "channel_not_found"
    assert (await api("stars.add", w.bob.token, channel=w.private, timestamp=w.secret_ts))[
        "error"
    ] == "channel_not_found"
    assert (await api("stars.add", w.bob.token, channel=w.public))["error"] == "no_item_specified"
    narrow = await factory.token(w.bob, scopes=("stars:read",))
    assert (await api("stars.add", narrow, channel=w.public, timestamp=w.ts))[
        "error"
    ] == "missing_scope"
    # A saved message that is deleted later drops out of the list.
    await api("stars.add", w.alice.token, channel=w.private, timestamp=w.secret_ts)
    await set_deleted(factory.db, w.private, w.secret_ts)
    assert (await api("stars.list", w.alice.token))["items"] == []
