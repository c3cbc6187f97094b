"""usergroups.* over HTTP: Slack's shapes, errors and scopes, default channels, mentions,
events, and tenancy for every method and event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from parley.features.messages.models import Mention, Message
from parley.platform.db import Database
from parley.platform.spaces import ConversationMember
from parley.platform.tenancy import Workspace
from tests.conftest import Api
from tests.factories import Factory, Member, Team
from tests.features.conversations.helpers import create, events_of, post
from tests.features.messages.helpers import rendered


async def _group(api: Api, member: Member, name: str = "Design Team", **args: Any) -> str:
    body = await api("usergroups.create", member.token, name=name, **args)
    assert body["ok"], body
    return str(body["usergroup"]["id"])


async def _mentioned(db: Database, team: Team, text: str) -> set[str]:
    """Who the message of `team` with `text` mentions (its Mention rows)."""
    async with db.read() as session:
        rows = await session.execute(
            select(Mention.user_id)
            .join(Message, Message.id == Mention.message_id)
            .where(Message.workspace_id == team.team_id, Message.text == text)
        )
        return set(rows.scalars())


async def _channel_members(db: Database, channel_id: str) -> set[str]:
    async with db.read() as session:
        rows = await session.execute(
            select(ConversationMember.user_id).where(
                ConversationMember.conversation_id == channel_id
            )
        )
        return set(rows.scalars())


async def test_create_list_update_in_slacks_shape(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    owner = team.owner
    created = await api(
        "usergroups.create",
        owner.token,
        name="Marketing Team",
        handle="marketing",
        description="Gurus",
        include_count=True,
    )
    group = created["usergroup"]
    assert group["id"].startswith("S") and group["team_id"] == team.team_id
    assert group["is_usergroup"] is True and group["handle"] == "marketing"
    assert group["description"] == "Gurus" and group["date_delete"] == 0
    assert group["created_by"] == owner.user_id and group["prefs"] == {
        "channels": [],
        "groups": [],
    }
    assert group["user_count"] == "0"
    assert "users" not in group

    listed = await api("usergroups.list", owner.token)
    assert [g["id"] for g in listed["usergroups"]] == [group["id"]]
    assert "user_count" not in listed["usergroups"][0]
    assert "users" not in listed["usergroups"][0]

    updated = await api(
        "usergroups.update", owner.token, usergroup=group["id"], name="Brand", handle="brand"
    )
    assert updated["usergroup"]["name"] == "Brand" and updated["usergroup"]["handle"] == "brand"
    assert updated["usergroup"]["description"] == "Gurus"  # left as it was


async def test_a_handle_is_derived_from_the_name_when_missing(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    body = await api("usergroups.create", team.owner.token, name="On Call Crew!")
    assert body["usergroup"]["handle"] == "on-call-crew"


async def test_members_enable_disable_and_list_flags(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    owner = team.owner
    ann, bob = await factory.user(team), await factory.user(team)
    group_id = await _group(api, owner)
    body = await api(
        "usergroups.users.update",
        owner.token,
        usergroup=group_id,
        users=f"{ann.user_id},{bob.user_id}",
        include_count=True,
    )
    assert sorted(body["usergroup"]["users"]) == sorted([ann.user_id, bob.user_id])
    assert body["usergroup"]["user_count"] == "2"
    listed = await api("usergroups.users.list", ann.token, usergroup=group_id)
    assert sorted(listed["users"]) == sorted([ann.user_id, bob.user_id])

    full = await api("usergroups.list", ann.token, include_users=True, include_count=True)
    (group,) = full["usergroups"]
    assert sorted(group["users"]) == sorted([ann.user_id, bob.user_id])
    assert group["user_count"] == "2"

    disabled = await api("usergroups.disable", owner.token, usergroup=group_id)
    assert disabled["usergroup"]["date_delete"] > 0
    assert disabled["usergroup"]["deleted_by"] == owner.user_id
    assert (await api("usergroups.list", ann.token))["usergroups"] == []
    with_disabled = await api("usergroups.list", ann.token, include_disabled=True)
    assert [g["id"] for g in with_disabled["usergroups"]] == [group_id]
    assert (await api("usergroups.users.list", ann.token, usergroup=group_id))["users"] == []
    again = await api("usergroups.users.list", ann.token, usergroup=group_id, include_disabled=1)
    assert len(again["users"]) == 2

    enabled = await api("usergroups.enable", owner.token, usergroup=group_id)
    assert enabled["usergroup"]["date_delete"] == 0
    assert enabled["usergroup"]["deleted_by"] is None


async def test_errors_in_slacks_names(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    owner = team.owner.token
    member = await factory.user(team, name="Dana Member")
    bot = await factory.bot(team)
    guest = await factory.user(team, role="guest")
    channel = await create(api, team.owner, "launch")
    await _group(api, team.owner, "Ops", handle="ops")

    async def create_error(**args: Any) -> str:
        return str((await api("usergroups.create", owner, **args))["error"])

    assert await create_error(name="") == "missing_subteam_name"
    assert await create_error() == "missing_subteam_name"
    assert await create_error(name="x" * 256) == "name_too_long"
    assert await create_error(name="ops") == "name_already_exists"  # case-insensitive
    assert await create_error(name="B", handle="ops") == "handle_already_exists"
    assert await create_error(name="B", handle="launch") == "handle_already_exists"  # channel
    member_name = (await api("users.info", owner, user=member.user_id))["user"]["name"]
    assert await create_error(name="B", handle=member_name) == "handle_already_exists"
    assert await create_error(name="B", handle="Bad Handle") == "bad_handle"
    assert await create_error(name="B", handle="here") == "forbidden_handle"
    assert await create_error(name="B", description="d" * 1001) == "description_too_long"
    assert await create_error(name="B", channels="C0NOPE") == "invalid_channel_provided"
    assert (await api("usergroups.create", owner, name="B", channels=channel))["ok"]

    group_id = await _group(api, team.owner, "Eng")
    for method, args in {
        "usergroups.update": {"name": "x"},
        "usergroups.enable": {},
        "usergroups.disable": {},
        "usergroups.users.update": {"users": member.user_id},
    }.items():
        assert (await api(method, owner, usergroup="S0NOPE", **args))["error"] == "no_such_subteam"
        assert (await api(method, owner, **args))["error"] == "no_such_subteam"
        assert (await api(method, member.token, usergroup=group_id, **args))["error"] == (
            "permission_denied"
        )
    assert (await api("usergroups.users.list", owner, usergroup="S0NOPE"))["error"] == (
        "no_such_subteam"
    )

    async def users_error(users: str) -> str:
        return str(
            (await api("usergroups.users.update", owner, usergroup=group_id, users=users))["error"]
        )

    assert await users_error("") == "no_users_provided"
    assert await users_error("U0NOBODY") == "failed_for_some_users"
    assert await users_error(bot.user_id) == "invalid_users"
    assert await users_error(guest.user_id) == "invalid_users"
    assert (await api("usergroups.list", guest.token))["error"] == "user_is_restricted"
    assert (await api("usergroups.create", member.token, name="Mine"))["error"] == (
        "permission_denied"
    )
    assert (await api("usergroups.create", guest.token, name="Mine"))["error"] == (
        "permission_denied"
    )


async def test_scopes(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    reader = await factory.token(team.owner, scopes=("usergroups:read",))
    writer = await factory.token(team.owner, scopes=("usergroups:write",))
    assert (await api("usergroups.create", reader, name="A"))["error"] == "missing_scope"
    assert (await api("usergroups.create", writer, name="A"))["ok"]
    assert (await api("usergroups.list", writer))["error"] == "missing_scope"
    assert (await api("usergroups.list", reader))["ok"]


async def test_members_may_manage_when_the_workspace_lets_everyone(
    api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    assert (await api("usergroups.create", member.token, name="A"))["error"] == (
        "permission_denied"
    )
    async with factory.db.write() as uow:
        await uow.session.execute(
            update(Workspace)
            .where(Workspace.id == team.team_id)
            .values(settings={"usergroups_managed_by": "everyone"})
        )
    assert (await api("usergroups.create", member.token, name="A"))["ok"]


async def test_new_members_join_the_default_channels(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    owner = team.owner
    ann, bob = await factory.user(team), await factory.user(team)
    launch = await create(api, owner, "launch")
    secret = await create(api, owner, "secret", private=True)
    group_id = await _group(api, owner, channels=f"{launch},{secret}")
    await api("usergroups.users.update", owner.token, usergroup=group_id, users=ann.user_id)
    assert ann.user_id in await _channel_members(factory.db, launch)
    assert ann.user_id in await _channel_members(factory.db, secret)
    # A default channel added later: the members join it too.
    later = await create(api, owner, "later")
    body = await api("usergroups.update", owner.token, usergroup=group_id, channels=later)
    assert body["usergroup"]["prefs"]["channels"] == [later]
    assert ann.user_id in await _channel_members(factory.db, later)
    # A private channel the caller is not in cannot be a default channel.
    hidden = await create(api, ann, "hidden", private=True)
    refused = await api("usergroups.update", owner.token, usergroup=group_id, channels=hidden)
    assert refused["error"] == "invalid_channel_provided"
    assert bob.user_id not in await _channel_members(factory.db, later)


async def test_group_mentions_notify_members_not_the_author(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    owner = team.owner
    ann, bob, cy = [await factory.user(team) for _ in range(3)]
    group_id = await _group(api, owner, "Oncall", handle="oncall")
    await api(
        "usergroups.users.update",
        owner.token,
        usergroup=group_id,
        users=f"{ann.user_id},{bob.user_id}",
    )
    general = await create(api, owner, "room")
    for member in (ann, bob, cy):
        await api("conversations.join", member.token, channel=general)

    text = f"ping <!subteam^{group_id}> please"
    await post(api, ann, general, text)
    assert await _mentioned(factory.db, team, text) == {bob.user_id}  # not ann, the author
    history = await api("conversations.history", owner.token, channel=general, limit=1)
    assert "html" not in history["messages"][0]  # only Parley's web client gets html
    html = (await rendered(factory.db, general, history["messages"][0]["ts"]))["html"]
    assert "@oncall" in html and f'data-usergroup-id="{group_id}"' in html

    # link_names turns @oncall into the group mention; disabled groups notify nobody.
    linked = await api(
        "chat.postMessage", cy.token, channel=general, text="hey @oncall", link_names=1
    )
    assert linked["message"]["text"] == f"hey <!subteam^{group_id}|@oncall>"
    assert await _mentioned(factory.db, team, linked["message"]["text"]) == {
        ann.user_id,
        bob.user_id,
    }
    await api("usergroups.disable", owner.token, usergroup=group_id)
    quiet = f"again <!subteam^{group_id}>"
    await post(api, cy, general, quiet)
    assert await _mentioned(factory.db, team, quiet) == set()


async def test_events_have_slacks_shapes_and_reach_the_workspace(
    api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    owner = team.owner
    ann, bob = await factory.user(team), await factory.user(team)
    group_id = await _group(api, owner, "Eng", handle="eng")
    await api("usergroups.users.update", owner.token, usergroup=group_id, users=ann.user_id)
    await api("usergroups.users.update", owner.token, usergroup=group_id, users=bob.user_id)
    await api("usergroups.update", owner.token, usergroup=group_id, description="Builders")

    (created,) = await events_of(factory.db, team, "subteam_created")
    assert created.audience == {"kind": "workspace"}
    assert created.payload["subteam"]["id"] == group_id
    assert created.payload["subteam"]["user_count"] == 0

    first, second = await events_of(factory.db, team, "subteam_members_changed")
    assert first.payload["added_users"] == [ann.user_id]
    assert first.payload["added_users_count"] == "1" and first.payload["removed_users"] == []
    assert second.payload["added_users"] == [bob.user_id]
    assert second.payload["removed_users"] == [ann.user_id]
    assert second.payload["removed_users_count"] == "1"
    assert second.payload["team_id"] == team.team_id
    assert second.payload["date_previous_update"] <= second.payload["date_update"]

    updates = await events_of(factory.db, team, "subteam_updated")
    assert updates[-1].payload["subteam"]["description"] == "Builders"
    assert updates[-1].payload["subteam"]["users"] == [bob.user_id]
    assert all(event.audience == {"kind": "workspace"} for event in updates)


async def test_nothing_crosses_workspaces(api: Api, factory: Factory) -> None:
    team, other = await factory.workspace(), await factory.workspace()
    stranger = await factory.user(other)
    theirs = await _group(api, other.owner, "Eng", handle="eng")
    # Same name and handle in another workspace: no clash.
    mine = await _group(api, team.owner, "Eng", handle="eng")
    owner = team.owner.token
    assert [g["id"] for g in (await api("usergroups.list", owner))["usergroups"]] == [mine]
    for method, args in {
        "usergroups.update": {"name": "x"},
        "usergroups.enable": {},
        "usergroups.disable": {},
        "usergroups.users.list": {},
        "usergroups.users.update": {"users": team.owner.user_id},
    }.items():
        assert (await api(method, owner, usergroup=theirs, **args))["error"] == (
            "no_such_subteam"
        ), method
    # Another workspace's people and channels are not ours to add.
    refused = await api("usergroups.users.update", owner, usergroup=mine, users=stranger.user_id)
    assert refused["error"] == "failed_for_some_users"
    their_channel = await create(api, other.owner, "theirs")
    refused = await api("usergroups.update", owner, usergroup=mine, channels=their_channel)
    assert refused["error"] == "invalid_channel_provided"
    # Their group's id in our message notifies nobody and shows no handle of theirs.
    await api(
        "usergroups.users.update", other.owner.token, usergroup=theirs, users=stranger.user_id
    )
    room = await create(api, team.owner, "room")
    text = f"hi <!subteam^{theirs}>"
    await post(api, team.owner, room, text)
    assert await _mentioned(factory.db, team, text) == set()
    # Each workspace's events stay in its own log.
    for kind in ("subteam_created", "subteam_updated", "subteam_members_changed"):
        for event in await events_of(factory.db, team, kind):
            assert theirs not in str(event.payload), kind
        for event in await events_of(factory.db, other, kind):
            assert mine not in str(event.payload), kind
    assert await events_of(factory.db, other, "subteam_members_changed")
