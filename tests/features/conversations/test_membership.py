"""join, leave, invite, kick, members."""

from __future__ import annotations

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.conversations.helpers import create, events_of, general_id


async def test_join_public_channel_and_join_again(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    channel = await create(api, team.owner, "open-room")

    joined = await api("conversations.join", member.token, channel=channel)
    assert joined["ok"] and joined["channel"]["is_member"] and "warning" not in joined
    again = await api("conversations.join", member.token, channel=channel)
    assert again["ok"] and again["warning"] == "already_in_channel"
    assert again["response_metadata"]["warnings"] == ["already_in_channel"]

    event = (await events_of(services.db, team, "member_joined_channel"))[-1]
    assert event.payload["user"] == member.user_id and event.payload["channel"] == channel
    assert event.payload["channel_type"] == "C" and "inviter" not in event.payload
    mine = (await events_of(services.db, team, "channel_joined"))[-1]
    assert mine.audience == {"kind": "users", "ids": [member.user_id]}
    assert mine.payload["channel"]["id"] == channel
    history = await api("conversations.history", member.token, channel=channel)
    assert history["messages"][0]["subtype"] == "channel_join"
    assert history["messages"][0]["user"] == member.user_id


async def test_join_refusals(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    guest = await factory.user(team, role="guest")
    private = await create(api, team.owner, "hidden", private=True)
    archived = await create(api, team.owner, "old-room")
    await api("conversations.archive", team.owner.token, channel=archived)
    public = await create(api, team.owner, "public-room")

    assert (await api("conversations.join", member.token, channel=private))[
        "error"
    ] == "channel_not_found"
    assert (await api("conversations.join", member.token, channel=archived))[
        "error"
    ] == "is_archived"
    assert (await api("conversations.join", guest.token, channel=public))[
        "error"
    ] == "channel_not_found"
    assert (await api("conversations.join", member.token))["error"] == "channel_not_found"
    dm = await api("conversations.open", team.owner.token, users=member.user_id)
    outsider = await factory.user(team)
    assert (await api("conversations.join", outsider.token, channel=dm["channel"]["id"]))[
        "error"
    ] == "channel_not_found"


async def test_bot_join_needs_channels_join(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    channel = await create(api, team.owner, "bots-welcome")
    reader = await factory.bot(team, scopes=("channels:read",))
    refused = await api("conversations.join", reader.token, channel=channel)
    assert refused["error"] == "missing_scope" and refused["provided"] == "channels:read"
    joiner = await factory.bot(team, scopes=("channels:join", "channels:read"), name="joiner")
    assert (await api("conversations.join", joiner.token, channel=channel))["ok"]


async def test_leave(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    channel = await create(api, team.owner, "leavable")
    await api("conversations.join", member.token, channel=channel)

    assert await api("conversations.leave", member.token, channel=channel) == {"ok": True}
    assert await api("conversations.leave", member.token, channel=channel) == {
        "ok": True,
        "not_in_channel": True,
    }
    left = (await events_of(services.db, team, "member_left_channel"))[-1]
    assert left.payload["user"] == member.user_id
    assert left.audience == {"kind": "conversation", "id": channel}
    mine = (await events_of(services.db, team, "channel_left"))[-1]
    assert mine.payload["channel"] == channel and mine.payload["actor_id"] == member.user_id
    assert mine.audience == {"kind": "users", "ids": [member.user_id]}
    members = await api("conversations.members", team.owner.token, channel=channel)
    assert members["members"] == [team.owner.user_id]
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert history["messages"][0]["subtype"] == "channel_leave"


async def test_leave_refusals(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    guest = await factory.user(team, role="guest")
    general = await general_id(api, team.owner)
    assert (await api("conversations.leave", member.token, channel=general))[
        "error"
    ] == "cant_leave_general"

    private = await create(api, team.owner, "alone", private=True)
    assert (await api("conversations.leave", team.owner.token, channel=private))[
        "error"
    ] == "last_member"

    room = await create(api, team.owner, "guest-room")
    await api("conversations.invite", team.owner.token, channel=room, users=guest.user_id)
    assert (await api("conversations.leave", guest.token, channel=room))[
        "error"
    ] == "user_is_restricted"

    archived = await create(api, team.owner, "frozen")
    await api("conversations.join", member.token, channel=archived)
    await api("conversations.archive", team.owner.token, channel=archived)
    assert (await api("conversations.leave", member.token, channel=archived))[
        "error"
    ] == "is_archived"

    dm = await api("conversations.open", team.owner.token, users=member.user_id)
    assert (await api("conversations.leave", member.token, channel=dm["channel"]["id"]))[
        "error"
    ] == "method_not_supported_for_channel_type"

    second = await create(api, team.owner, "two-private", private=True)
    await api("conversations.invite", team.owner.token, channel=second, users=member.user_id)
    assert await api("conversations.leave", member.token, channel=second) == {"ok": True}
    group_left = (await events_of(services.db, team, "group_left"))[-1]
    assert group_left.payload["channel"] == second


async def test_invite_several_users(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    channel = await create(api, team.owner, "invited", private=True)
    body = await api(
        "conversations.invite",
        team.owner.token,
        channel=channel,
        users=f"{alice.user_id},{bob.user_id}",
    )
    assert body["ok"] and body["channel"]["id"] == channel
    members = await api("conversations.members", alice.token, channel=channel)
    assert set(members["members"]) == {team.owner.user_id, alice.user_id, bob.user_id}
    joined = await events_of(services.db, team, "member_joined_channel")
    assert {e.payload["user"] for e in joined[-2:]} == {alice.user_id, bob.user_id}
    assert all(e.payload["inviter"] == team.owner.user_id for e in joined[-2:])
    assert joined[-1].payload["channel_type"] == "G"
    group_joined = (await events_of(services.db, team, "group_joined"))[-1]
    assert group_joined.audience == {"kind": "users", "ids": [bob.user_id]}
    # The invitee now sees the private channel.
    assert (await api("conversations.info", bob.token, channel=channel))["channel"]["is_member"]


async def test_invite_errors(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    other_team = await factory.workspace()
    alice = await factory.user(team)
    gone = await factory.user(team)
    outsider = await factory.user(team)
    await api("admin.users.setActive", team.owner.token, user_id=gone.user_id, active="false")
    channel = await create(api, team.owner, "strict")
    await api("conversations.invite", team.owner.token, channel=channel, users=alice.user_id)
    token = team.owner.token

    async def invite(users: str, caller: str = token, **extra: str) -> dict[str, object]:
        return await api("conversations.invite", caller, channel=channel, users=users, **extra)

    assert (await invite(team.owner.user_id))["error"] == "cant_invite_self"
    assert (await invite("UNOBODY0000"))["error"] == "user_not_found"
    assert (await invite(other_team.owner.user_id))["error"] == "user_not_found"
    assert (await invite(alice.user_id))["error"] == "already_in_channel"
    assert (await invite(gone.user_id))["error"] == "user_is_deactivated"
    assert (await invite(""))["error"] == "no_user"
    assert (await invite(alice.user_id, caller=outsider.token))["error"] == "not_in_channel"

    mixed = await invite(f"{alice.user_id},{outsider.user_id}")
    assert mixed["error"] == "already_in_channel"
    assert mixed["errors"] == [{"user": alice.user_id, "ok": False, "error": "already_in_channel"}]
    members = await api("conversations.members", token, channel=channel)
    assert outsider.user_id not in members["members"]  # nothing happened

    forced = await invite(f"{alice.user_id},{outsider.user_id}", force="true")
    assert forced["ok"], forced
    members = await api("conversations.members", token, channel=channel)
    assert outsider.user_id in members["members"]

    await api("conversations.archive", token, channel=channel)
    newcomer = await factory.user(team)
    assert (await invite(newcomer.user_id))["error"] == "is_archived"


async def test_guests_see_only_what_they_are_invited_to(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    guest = await factory.user(team, role="guest")
    room = await create(api, team.owner, "for-guests")
    elsewhere = await create(api, team.owner, "members-only")
    assert (await api("conversations.info", guest.token, channel=room))[
        "error"
    ] == "channel_not_found"
    await api("conversations.invite", team.owner.token, channel=room, users=guest.user_id)
    listed = await api("conversations.list", guest.token)
    assert [c["id"] for c in listed["channels"]] == [room]
    assert elsewhere not in [c["id"] for c in listed["channels"]]
    invite = await api("conversations.invite", guest.token, channel=room, users=team.owner.user_id)
    assert invite["error"] == "restricted_action"


async def test_kick(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    creator = await factory.user(team)
    member = await factory.user(team)
    bystander = await factory.user(team)
    channel = await create(api, creator, "kickable")
    await api(
        "conversations.invite",
        creator.token,
        channel=channel,
        users=f"{member.user_id},{bystander.user_id}",
    )

    refused = await api("conversations.kick", bystander.token, channel=channel, user=member.user_id)
    assert refused["error"] == "restricted_action"
    assert (await api("conversations.kick", creator.token, channel=channel, user=member.user_id))[
        "ok"
    ]
    left = (await events_of(services.db, team, "channel_left"))[-1]
    assert left.payload["actor_id"] == creator.user_id
    assert left.audience == {"kind": "users", "ids": [member.user_id]}
    again = await api("conversations.kick", creator.token, channel=channel, user=member.user_id)
    assert again["error"] == "not_in_channel"
    assert (await api("conversations.kick", creator.token, channel=channel, user=creator.user_id))[
        "error"
    ] == "cant_kick_self"
    assert (await api("conversations.kick", creator.token, channel=channel, user="UNOBODY0000"))[
        "error"
    ] == "user_not_found"
    assert (await api("conversations.kick", creator.token, channel=channel))[
        "error"
    ] == "user_not_found"
    assert (await api("conversations.kick", member.token, channel=channel, user=creator.user_id))[
        "error"
    ] == "not_in_channel"

    general = await general_id(api, team.owner)
    assert (
        await api("conversations.kick", team.owner.token, channel=general, user=member.user_id)
    )["error"] == "cant_kick_from_general"

    # In a private channel any member may remove another.
    private = await create(api, creator, "private-kick", private=True)
    await api(
        "conversations.invite",
        creator.token,
        channel=private,
        users=f"{member.user_id},{bystander.user_id}",
    )
    assert (await api("conversations.kick", bystander.token, channel=private, user=member.user_id))[
        "ok"
    ]


async def test_members_pagination(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    people = [await factory.user(team) for _ in range(4)]
    channel = await create(api, team.owner, "crowd")
    await api(
        "conversations.invite",
        team.owner.token,
        channel=channel,
        users=",".join(p.user_id for p in people),
    )
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await api(
            "conversations.members", team.owner.token, channel=channel, limit=2, cursor=cursor
        )
        assert page["ok"] and len(page["members"]) <= 2
        seen += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == sorted({team.owner.user_id, *(p.user_id for p in people)})
    bad = await api("conversations.members", team.owner.token, channel=channel, cursor="!!bad")
    assert bad["error"] == "invalid_cursor"
