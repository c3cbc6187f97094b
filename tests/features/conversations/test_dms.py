"""conversations.open / close: DMs and group DMs."""

from __future__ import annotations

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.conversations.helpers import create, events_of, ids


async def test_open_dm_creates_then_reports_already_open(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    first = await api("conversations.open", team.owner.token, users=bob.user_id)
    assert first["ok"] and set(first) == {"ok", "channel"}
    dm = first["channel"]["id"]
    assert dm.startswith("D") and first["channel"] == {"id": dm}

    again = await api("conversations.open", team.owner.token, users=bob.user_id)
    assert again == {"ok": True, "no_op": True, "already_open": True, "channel": {"id": dm}}
    # The other side opening finds the same DM.
    theirs = await api("conversations.open", bob.token, users=team.owner.user_id, return_im=1)
    channel = theirs["channel"]
    assert channel["id"] == dm and channel["is_im"] and channel["user"] == team.owner.user_id
    assert channel["is_user_deleted"] is False and channel["priority"] == 0

    created = await events_of(services.db, team, "im_created")
    assert sorted(e.audience["ids"][0] for e in created) == sorted(
        [team.owner.user_id, bob.user_id]
    )
    for event in created:
        viewer = event.audience["ids"][0]
        other = bob.user_id if viewer == team.owner.user_id else team.owner.user_id
        assert event.payload["channel"]["user"] == other


async def test_dm_visibility_info_and_listing(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    eve = await factory.user(team)
    dm = (await api("conversations.open", team.owner.token, users=bob.user_id))["channel"]["id"]
    info = await api("conversations.info", bob.token, channel=dm)
    assert info["channel"]["user"] == team.owner.user_id and info["channel"]["is_im"]
    assert info["channel"]["unread_count"] == 0 and info["channel"]["is_open"] is True
    assert (await api("conversations.info", eve.token, channel=dm))["error"] == "channel_not_found"
    listed = await api("conversations.list", team.owner.token, types="im")
    assert ids(listed) == [dm] and listed["channels"][0]["user"] == bob.user_id
    assert dm not in ids(await api("conversations.list", eve.token, types="im"))


async def test_self_dm_and_group_dm(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    carol = await factory.user(team)
    own = await api("conversations.open", team.owner.token, users=team.owner.user_id, return_im=1)
    assert own["channel"]["user"] == team.owner.user_id

    group = await api(
        "conversations.open", team.owner.token, users=f"{bob.user_id},{carol.user_id}"
    )
    channel = group["channel"]
    assert channel["is_mpim"] and channel["is_private"] and not channel["is_im"]
    assert channel["name"].startswith("mpdm-") and channel["is_member"]
    same = await api(
        "conversations.open",
        carol.token,
        users=f"{team.owner.user_id},{bob.user_id},{carol.user_id}",
    )
    assert same["channel"]["id"] == channel["id"] and same["already_open"] is True
    members = await api("conversations.members", bob.token, channel=channel["id"])
    assert len(members["members"]) == 3
    joined = (await events_of(services.db, team, "mpim_joined"))[-1]
    assert joined.audience == {"kind": "conversation", "id": channel["id"]}
    listed = await api("conversations.list", bob.token, types="mpim")
    assert ids(listed) == [channel["id"]]


async def test_open_errors(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    other_team = await factory.workspace()
    gone = await factory.user(team)
    await api("admin.users.setActive", team.owner.token, user_id=gone.user_id, active="false")
    many = [await factory.user(team) for _ in range(9)]
    token = team.owner.token

    async def open_with(**args: object) -> str:
        return str((await api("conversations.open", token, **args))["error"])

    assert await open_with() == "users_list_not_supplied"
    assert await open_with(users="") == "users_list_not_supplied"
    assert await open_with(users="UNOBODY0000") == "user_not_found"
    assert await open_with(users="not-an-id") == "user_not_found"
    assert await open_with(users=other_team.owner.user_id) == "user_not_found"
    assert await open_with(users=gone.user_id) == "user_disabled"
    assert await open_with(users=",".join(m.user_id for m in many)) == "too_many_users"
    assert await open_with(channel="DNOPE000000") == "channel_not_found"
    public = await create(api, team.owner, "not-a-dm")
    assert await open_with(channel=public) == "method_not_supported_for_channel_type"
    assert await open_with(users=many[0].user_id, prevent_creation=1) == "channel_not_found"
    # Eight others is the maximum.
    eight = await api("conversations.open", token, users=",".join(m.user_id for m in many[:8]))
    assert eight["ok"] and eight["channel"]["is_mpim"]


async def test_close_and_reopen(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    dm = (await api("conversations.open", team.owner.token, users=bob.user_id))["channel"]["id"]
    assert await api("conversations.close", team.owner.token, channel=dm) == {"ok": True}
    assert await api("conversations.close", team.owner.token, channel=dm) == {
        "ok": True,
        "no_op": True,
        "already_closed": True,
    }
    closed = (await events_of(services.db, team, "im_close"))[-1]
    assert closed.audience == {"kind": "users", "ids": [team.owner.user_id]}
    info = await api("conversations.info", team.owner.token, channel=dm)
    assert info["channel"]["is_open"] is False

    reopened = await api("conversations.open", team.owner.token, channel=dm, return_im=1)
    assert reopened["ok"] and "already_open" not in reopened
    assert reopened["channel"]["user"] == bob.user_id
    assert (await events_of(services.db, team, "im_open"))[-1].payload["channel"] == dm
    by_users = await api("conversations.open", team.owner.token, users=bob.user_id)
    assert by_users["already_open"] is True

    public = await create(api, team.owner, "stays-open")
    assert (await api("conversations.close", team.owner.token, channel=public))[
        "error"
    ] == "method_not_supported_for_channel_type"


async def test_open_scopes(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    carol = await factory.user(team)
    im_only = await factory.bot(team, scopes=("im:write",))
    assert (await api("conversations.open", im_only.token, users=bob.user_id))["ok"]
    refused = await api("conversations.open", im_only.token, users=f"{bob.user_id},{carol.user_id}")
    assert refused["error"] == "missing_scope" and refused["needed"] == "mpim:write"
    reader = await factory.bot(team, scopes=("channels:read",), name="reader")
    assert (await api("conversations.open", reader.token, users=bob.user_id))[
        "error"
    ] == "missing_scope"
