"""conversations.create, channel names, and the default channels #general and #random."""

from __future__ import annotations

import asyncio

import pytest

from parley.features.conversations import actions, store
from parley.platform.errors import ApiError
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.conversations.helpers import create, events_of, general_id, ids, random_id


async def test_every_workspace_starts_with_general_and_new_people_join_it(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    general = await general_id(api, team.owner)
    member = await factory.user(team)
    admin = await factory.user(team, role="admin")
    guest = await factory.user(team, role="guest")
    bot = await factory.bot(team)

    info = await api("conversations.info", team.owner.token, channel=general, include_num_members=1)
    channel = info["channel"]
    assert (channel["name"], channel["is_general"], channel["is_member"]) == ("general", True, True)
    assert channel["creator"] == team.owner.user_id
    assert channel["num_members"] == 3  # owner, member, admin: not the guest, not the bot

    members = await api("conversations.members", team.owner.token, channel=general)
    assert set(members["members"]) == {team.owner.user_id, member.user_id, admin.user_id}
    assert guest.user_id not in members["members"] and bot.user_id not in members["members"]

    joined = await events_of(services.db, team, "member_joined_channel")
    random = await random_id(api, team.owner)
    assert [(e.payload["user"], e.payload["channel"]) for e in joined] == [
        (member.user_id, general),
        (member.user_id, random),
        (admin.user_id, general),
        (admin.user_id, random),
    ]
    assert joined[0].audience == {"kind": "conversation", "id": general}
    history = await api("conversations.history", team.owner.token, channel=general)
    subtypes = [(m.get("subtype"), m.get("user")) for m in history["messages"]]
    assert ("channel_join", member.user_id) in subtypes


async def test_every_workspace_has_random_which_new_people_join_like_slack(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    random = await random_id(api, team.owner)
    info = (await api("conversations.info", team.owner.token, channel=random))["channel"]
    assert (info["name"], info["is_general"], info["is_private"]) == ("random", False, False)
    assert info["is_member"] and info["creator"] == team.owner.user_id
    assert info["purpose"]["value"].startswith("This channel is for... well, everything else.")
    member = await factory.user(team)
    guest = await factory.user(team, role="guest")
    bot = await factory.bot(team)
    members = await api("conversations.members", team.owner.token, channel=random)
    assert set(members["members"]) == {team.owner.user_id, member.user_id}
    assert guest.user_id not in members["members"] and bot.user_id not in members["members"]
    # Unlike #general it is an ordinary channel: renamed or archived, nobody is added to it,
    # and a channel someone else names #random later is not a default one.
    await api("conversations.archive", team.owner.token, channel=random)
    late = await factory.user(team)
    members = await api("conversations.members", team.owner.token, channel=random)
    assert late.user_id not in members["members"]
    await api("conversations.unarchive", team.owner.token, channel=random)
    renamed = await api("conversations.rename", team.owner.token, channel=random, name="water")
    assert renamed["ok"], renamed
    impostor = await create(api, team.owner, "random")
    later = await factory.user(team)
    for channel in (random, impostor):
        members = await api("conversations.members", team.owner.token, channel=channel)
        assert later.user_id not in members["members"]
    other = await factory.workspace()
    assert random not in ids(await api("conversations.list", other.owner.token))


async def test_create_public_channel(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    body = await api("conversations.create", team.owner.token, name="launch-plans")
    assert body["ok"], body
    channel = body["channel"]
    assert channel["id"].startswith("C")
    assert channel["name"] == channel["name_normalized"] == "launch-plans"
    assert channel["is_channel"] and not channel["is_private"] and not channel["is_general"]
    assert channel["is_member"] and channel["creator"] == team.owner.user_id
    assert channel["unread_count"] == 0 and channel["last_read"] == "0000000000.000000"
    assert channel["topic"] == {"value": "", "creator": "", "last_set": 0}
    for flag in ("is_shared", "is_org_shared", "is_ext_shared", "is_im", "is_mpim", "is_archived"):
        assert channel[flag] is False
    assert channel["context_team_id"] == team.team_id and channel["previous_names"] == []

    created = await events_of(services.db, team, "channel_created")
    assert created[-1].payload["channel"]["id"] == channel["id"]
    assert created[-1].audience == {"kind": "workspace"}


async def test_create_private_channel_is_announced_to_members_only(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    other = await factory.user(team)
    body = await api("conversations.create", team.owner.token, name="secret", is_private="true")
    channel = body["channel"]
    assert channel["is_private"] and channel["is_channel"] and not channel["is_group"]
    created = await events_of(services.db, team, "channel_created")
    assert created[-1].audience == {"kind": "conversation", "id": channel["id"]}
    # Outsiders can neither see it nor learn its name.
    info = await api("conversations.info", other.token, channel=channel["id"])
    assert info == {"ok": False, "error": "channel_not_found"}
    listed = await api("conversations.list", other.token, types="public_channel,private_channel")
    assert channel["id"] not in ids(listed)
    taken = await api("conversations.create", other.token, name="secret")
    assert taken["error"] == "name_taken"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("   ", "invalid_name_required"),
        ("x" * 81, "invalid_name_maxlength"),
        ("Upper", "invalid_name_specials"),
        ("with space", "invalid_name_specials"),
        ("#hash", "invalid_name_specials"),
        ("dot.name", "invalid_name_specials"),
        ("emoji-🎉", "invalid_name_specials"),
        ("---", "invalid_name_punctuation"),
        ("_", "invalid_name_punctuation"),
        ("general", "name_taken"),
        ("here", "name_taken"),
        ("everyone", "name_taken"),
    ],
)
async def test_invalid_channel_names(api: Api, factory: Factory, name: str, error: str) -> None:
    team = await factory.workspace()
    body = await api("conversations.create", team.owner.token, name=name)
    assert body == {"ok": False, "error": error}


async def test_missing_name_and_valid_unicode_names(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    assert (await api("conversations.create", team.owner.token))["error"] == "invalid_name_required"
    for name in ("café-été", "日本語", "x" * 80, "a_1-b"):
        body = await api("conversations.create", team.owner.token, name=name)
        assert body["ok"] and body["channel"]["name"] == name, body


async def test_names_are_unique_per_workspace_only(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    other_team = await factory.workspace()
    await create(api, team.owner, "shared-name")
    again = await api("conversations.create", team.owner.token, name="shared-name", is_private=1)
    assert again["error"] == "name_taken"
    assert (await api("conversations.create", other_team.owner.token, name="shared-name"))["ok"]


async def test_concurrent_creates_with_one_name_make_one_channel(
    api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    results = await asyncio.gather(
        *(api("conversations.create", team.owner.token, name="race") for _ in range(4))
    )
    assert sorted(str(r.get("error")) for r in results) == ["None"] + ["name_taken"] * 3


async def test_unique_constraint_decides_a_lost_race(
    factory: Factory, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the pre-check misses a concurrent insert, the constraint still says name_taken."""
    team = await factory.workspace()
    async with services.db.write() as uow:
        await actions.do_create_channel(
            uow, team.team_id, team.owner.user_id, "dup", is_private=False
        )

    async def nothing_found(*_args: object) -> None:
        return None

    monkeypatch.setattr(store, "get_conversation_by_name", nothing_found)
    with pytest.raises(ApiError) as raised:
        async with services.db.write() as uow:
            await actions.do_create_channel(
                uow, team.team_id, team.owner.user_id, "dup", is_private=True
            )
    assert raised.value.code == "name_taken"


async def test_guests_cannot_create_channels(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    guest = await factory.user(team, role="guest")
    body = await api("conversations.create", guest.token, name="mine")
    assert body["error"] == "restricted_action"


async def test_bot_needs_manage_scope_of_the_right_family(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    reader = await factory.bot(team, scopes=("channels:read",))
    refused = await api("conversations.create", reader.token, name="bot-room")
    assert refused["error"] == "missing_scope"
    assert "channels:manage" in refused["needed"] and refused["provided"] == "channels:read"

    manager = await factory.bot(team, scopes=("channels:manage",), name="manager")
    assert (await api("conversations.create", manager.token, name="bot-room"))["ok"]
    private = await api("conversations.create", manager.token, name="bot-secret", is_private=1)
    assert private == {
        "ok": False,
        "error": "missing_scope",
        "needed": "groups:write",
        "provided": "channels:manage",
    }
