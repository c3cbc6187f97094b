"""users.* and admin.users.* over HTTP, including tenancy and the permission matrix."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import Factory


async def test_users_list_pages_with_cursor(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    for _ in range(4):
        await factory.user(team)
    seen: list[str] = []
    cursor = None
    while True:
        body = await api("users.list", team.owner.token, limit=2, cursor=cursor)
        assert body["ok"] and len(body["members"]) <= 2
        seen += [m["id"] for m in body["members"]]
        cursor = body["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5
    assert (await api("users.list", team.owner.token, cursor="bogus!"))["error"] == (
        "invalid_cursor"
    )


async def test_users_never_cross_workspaces(api: Api, factory: Factory) -> None:
    a, b = await factory.workspace(), await factory.workspace()
    listed = await api("users.list", b.owner.token)
    assert a.owner.user_id not in {m["id"] for m in listed["members"]}
    assert (await api("users.info", b.owner.token, user=a.owner.user_id))["error"] == (
        "user_not_found"
    )
    assert (await api("users.lookupByEmail", b.owner.token, email=a.owner.email))["error"] == (
        "users_not_found"
    )
    assert (await api("users.profile.get", b.owner.token, user=a.owner.user_id))["error"] == (
        "user_not_found"
    )
    assert (await api("team.info", b.owner.token, team=a.team_id))["error"] == "team_not_found"


async def test_users_info_shape(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    user = (await api("users.info", team.owner.token, user=team.owner.user_id))["user"]
    for key in (
        "id",
        "team_id",
        "name",
        "deleted",
        "real_name",
        "tz",
        "profile",
        "is_admin",
        "is_owner",
        "is_primary_owner",
        "is_restricted",
        "is_bot",
        "updated",
    ):
        assert key in user
    assert user["is_primary_owner"] is True
    assert user["profile"]["email"] == team.owner.email
    assert (await api("users.info", team.owner.token))["error"] == "user_not_found"


async def test_email_needs_its_scope(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    narrow = await factory.token(team.owner, scopes=("users:read",))
    user = (await api("users.info", narrow, user=team.owner.user_id))["user"]
    assert "email" not in user["profile"]
    assert (await api("users.lookupByEmail", narrow, email=team.owner.email))["error"] == (
        "missing_scope"
    )
    found = await api("users.lookupByEmail", team.owner.token, email=team.owner.email.upper())
    assert found["user"]["id"] == team.owner.user_id


async def test_profile_set_and_get(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    body = await api.json(
        "users.profile.set",
        member.token,
        profile={
            "display_name": "ada",
            "title": "Engineer",
            "status_text": "In a meeting",
            "status_emoji": ":calendar:",
            "status_expiration": 0,
            "tz": "Europe/Paris",
        },
    )
    assert body["ok"], body
    profile = (await api("users.profile.get", member.token))["profile"]
    assert profile["display_name"] == "ada" and profile["status_emoji"] == ":calendar:"
    user = (await api("users.info", member.token, user=member.user_id))["user"]
    assert user["tz"] == "Europe/Paris" and user["tz_offset"] in (3600, 7200)
    # name/value form, as the SDK sends it
    assert (await api("users.profile.set", member.token, name="title", value="CTO"))["ok"]


async def test_profile_set_rejects_bad_input(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    cases = [
        {"status_emoji": "not-an-emoji"},
        {"display_name": "x" * 81},
        {"tz": "Mars/Olympus"},
        {"title": 42},
        {"status_expiration": "soon"},
    ]
    for profile in cases:
        body = await api.json("users.profile.set", member.token, profile=profile)
        assert body["ok"] is False, profile
    assert (await api("users.profile.set", member.token))["error"] == "invalid_profile"


async def test_only_admins_set_others_profiles(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member, other = await factory.user(team), await factory.user(team)
    admin = await factory.user(team, role="admin")
    denied = await api.json(
        "users.profile.set", member.token, user=other.user_id, profile={"title": "x"}
    )
    assert denied["error"] == "not_admin"
    assert (
        await api.json(
            "users.profile.set", admin.token, user=other.user_id, profile={"title": "Boss"}
        )
    )["ok"]
    owner_guard = await api.json(
        "users.profile.set", admin.token, user=team.owner.user_id, profile={"title": "x"}
    )
    assert owner_guard["error"] == "cannot_update_admin_user"


async def test_presence(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    mine = await api("users.getPresence", member.token)
    assert mine["presence"] == "active" and mine["manual_away"] is False
    assert (await api("users.setPresence", member.token, presence="away"))["ok"]
    mine = await api("users.getPresence", member.token)
    assert mine["presence"] == "away" and mine["manual_away"] is True
    theirs = await api("users.getPresence", team.owner.token, user=member.user_id)
    assert theirs == {"ok": True, "presence": "away"}
    assert (await api("users.setPresence", member.token, presence="busy"))["error"] == (
        "invalid_presence"
    )


async def test_identity(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    body = await api("users.identity", team.owner.token)
    assert body["user"]["id"] == team.owner.user_id and body["team"]["id"] == team.team_id
    bot = await factory.bot(team)
    assert (await api("users.identity", bot.token))["error"] == "not_allowed_token_type"


async def test_roles_and_deactivation(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member, admin = await factory.user(team), await factory.user(team, role="admin")
    assert (await api("admin.users.setRole", member.token, user_id=admin.user_id, role="member"))[
        "error"
    ] == "not_an_admin"
    assert (await api("admin.users.setRole", admin.token, user_id=member.user_id, role="owner"))[
        "error"
    ] == "not_an_owner"
    assert (await api("admin.users.setRole", admin.token, user_id=member.user_id, role="guest"))[
        "ok"
    ]
    info = (await api("users.info", admin.token, user=member.user_id))["user"]
    assert info["is_restricted"] is True
    assert (
        await api("admin.users.setActive", admin.token, user_id=member.user_id, active="false")
    )["ok"]
    assert (await api("auth.test", member.token))["error"] == "account_inactive"
    assert (await api("users.info", admin.token, user=member.user_id))["user"]["deleted"]
    assert (
        await api("admin.users.setActive", admin.token, user_id=team.owner.user_id, active="false")
    )["error"] == "cannot_update_admin_user"
    assert (
        await api(
            "admin.users.setActive", team.owner.token, user_id=team.owner.user_id, active="false"
        )
    )["error"] == "cant_deactivate_self"
    assert (await api("admin.users.setActive", admin.token, user_id=member.user_id, active="true"))[
        "ok"
    ]
    assert (await api("auth.test", member.token))["ok"]


async def test_bot_and_guest_matrix(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team, scopes=("chat:write",))
    assert (await api("users.list", bot.token))["error"] == "missing_scope"
    reader = await factory.bot(team, scopes=("users:read",))
    assert (await api("users.list", reader.token))["ok"]
    guest = await factory.user(team, role="guest")
    assert (await api("admin.users.setRole", guest.token, user_id=guest.user_id, role="member"))[
        "error"
    ] == "not_an_admin"
