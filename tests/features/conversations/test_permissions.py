"""The permission matrix: other workspaces, deactivated users, guests, admins, bot scopes."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import Factory
from tests.features.conversations.helpers import create, general_id, ids

CHANNEL_METHODS: tuple[tuple[str, dict[str, str]], ...] = (
    ("conversations.info", {}),
    ("conversations.members", {}),
    ("conversations.join", {}),
    ("conversations.leave", {}),
    ("conversations.invite", {"users": "U0000000000"}),
    ("conversations.kick", {"user": "U0000000000"}),
    ("conversations.mark", {"ts": "1700000000.000001"}),
    ("conversations.rename", {"name": "stolen"}),
    ("conversations.archive", {}),
    ("conversations.unarchive", {}),
    ("conversations.setTopic", {"topic": "x"}),
    ("conversations.setPurpose", {"purpose": "x"}),
    ("conversations.close", {}),
    ("conversations.open", {}),
)


async def test_other_workspace_ids_are_not_found_everywhere(api: Api, factory: Factory) -> None:
    mine = await factory.workspace()
    theirs = await factory.workspace()
    their_public = await create(api, theirs.owner, "their-public")
    their_general = await general_id(api, theirs.owner)
    their_dm = (
        await api(
            "conversations.open", theirs.owner.token, users=(await factory.user(theirs)).user_id
        )
    )["channel"]["id"]
    for channel in (their_public, their_general, their_dm):
        for method, extra in CHANNEL_METHODS:
            body = await api(method, mine.owner.token, channel=channel, **extra)
            assert body == {"ok": False, "error": "channel_not_found"}, (method, channel, body)
    listed = await api(
        "conversations.list", mine.owner.token, types="public_channel,private_channel,mpim,im"
    )
    assert not {their_public, their_general, their_dm} & set(ids(listed))


async def test_private_conversations_are_invisible_to_non_members_even_admins(
    api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    admin = await factory.user(team, role="admin")
    private = await create(api, member, "members-only", private=True)
    for caller in (admin, team.owner):
        for method, extra in CHANNEL_METHODS:
            body = await api(method, caller.token, channel=private, **extra)
            assert body == {"ok": False, "error": "channel_not_found"}, (method, body)


async def test_deactivated_users_token_is_inactive(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    gone = await factory.user(team)
    channel = await create(api, gone, "left-behind")
    await api("admin.users.setActive", team.owner.token, user_id=gone.user_id, active="false")
    for method, extra in (("conversations.list", {}), ("conversations.info", {"channel": channel})):
        assert (await api(method, gone.token, **extra))["error"] == "account_inactive"
    assert (await api("conversations.create", gone.token, name="ghost"))[
        "error"
    ] == "account_inactive"


async def test_bot_read_scopes_per_kind(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    public = await create(api, team.owner, "bot-public")
    private = await create(api, team.owner, "bot-private", private=True)
    public_reader = await factory.bot(team, scopes=("channels:read",))
    await api(
        "conversations.invite",
        team.owner.token,
        channel=f"{private}",
        users=public_reader.user_id,
    )

    assert public in ids(await api("conversations.list", public_reader.token))
    info = await api("conversations.info", public_reader.token, channel=public)
    assert info["ok"]
    refused = await api("conversations.info", public_reader.token, channel=private)
    assert refused == {
        "ok": False,
        "error": "missing_scope",
        "needed": "groups:read",
        "provided": "channels:read",
    }
    wide = await api("conversations.list", public_reader.token, types="public_channel,im")
    assert wide["error"] == "missing_scope" and wide["needed"] == "im:read"

    nothing = await factory.bot(team, scopes=("chat:write",), name="nothing")
    listed = await api("conversations.list", nothing.token)
    assert listed["error"] == "missing_scope" and listed["provided"] == "chat:write"

    full = await factory.bot(team, name="full")
    assert sorted(ids(await api("users.conversations", full.token))) == []
    assert (await api("conversations.join", full.token, channel=public))["ok"]
    assert ids(await api("users.conversations", full.token)) == [public]


async def test_user_token_with_reduced_scopes(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    channel = await create(api, team.owner, "reduced")
    read_only = await factory.token(team.owner, scopes=("channels:read",))
    assert (await api("conversations.info", read_only, channel=channel))["ok"]
    refused = await api("conversations.setTopic", read_only, channel=channel, topic="no")
    assert refused["error"] == "missing_scope"
    renamed = await api("conversations.rename", read_only, channel=channel, name="nope")
    assert renamed["error"] == "missing_scope"


async def test_guest_matrix(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    guest = await factory.user(team, role="guest")
    invited = await create(api, team.owner, "guest-welcome")
    private = await create(api, team.owner, "guest-private", private=True)
    public = await create(api, team.owner, "guest-not-invited")
    general = await general_id(api, team.owner)
    for channel in (invited, private):
        await api("conversations.invite", team.owner.token, channel=channel, users=guest.user_id)

    everything = await api(
        "conversations.list", guest.token, types="public_channel,private_channel"
    )
    assert sorted(ids(everything)) == sorted([invited, private])
    for channel in (public, general):
        for method in ("conversations.info", "conversations.members", "conversations.join"):
            body = await api(method, guest.token, channel=channel)
            assert body["error"] == "channel_not_found", (method, body)
    assert (await api("conversations.setTopic", guest.token, channel=invited, topic="hi"))["ok"]
    assert (await api("conversations.create", guest.token, name="guest-made"))[
        "error"
    ] == "restricted_action"
