"""users.list builds its page from Core rows and per-process rendered JSON; these tests prove
it answers exactly what the ORM objects' `user_object` answers, for every kind of member,
and that no change to a user is ever served from a stale rendering."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from parley.features.users import store
from parley.features.users.actions import do_set_deactivated, do_set_role, do_update_profile
from parley.features.users.models import User
from parley.features.users.rendered import RenderedUsers
from parley.features.users.schemas import user_object
from parley.platform.db import Database
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory, Team


async def _orm_user(db: Database, team: Team, user_id: str) -> User:
    async with db.read() as session:
        user = await store.get_user(session, team.team_id, user_id)
    assert user is not None
    return user


async def _change(db: Database, team: Team, user_id: str, how: str, value: Any) -> None:
    async with db.write() as uow:
        user = await store.get_user(uow.session, team.team_id, user_id)
        assert user is not None
        if how == "profile":
            await do_update_profile(uow, user, value)
        elif how == "role":
            await do_set_role(uow, user, value)
        else:
            await do_set_deactivated(uow, user, value)


async def _varied_members(factory: Factory, db: Database, team: Team) -> list[str]:
    guest = await factory.user(team, role="guest")
    admin = await factory.user(team, role="admin", name="Zoë Ångström")
    bot = await factory.bot(team, name="deploybot")
    gone = await factory.user(team)
    styled = await factory.user(team)
    await _change(db, team, gone.user_id, "deactivated", True)
    await _change(
        db,
        team,
        styled.user_id,
        "profile",
        {
            "title": "Head of Ünicode",
            "phone": "+44 20 7946 0000",
            "display_name": "Ĵosé",
            "first_name": "José",
            "last_name": "Nuñez",
            "status_text": "on a train",
            "status_emoji": ":train:",
            "status_expiration": 1_900_000_000,
            "tz": "America/New_York",
        },
    )
    return [
        team.owner.user_id,
        guest.user_id,
        admin.user_id,
        bot.user_id,
        gone.user_id,
        styled.user_id,
    ]


async def _listed(api: Api, token: str) -> dict[str, dict[str, Any]]:
    body = await api("users.list", token, limit=200)
    assert body["ok"], body
    return {member["id"]: member for member in body["members"]}


async def test_users_list_matches_user_object_for_every_kind_of_member(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    ids = await _varied_members(factory, services.db, team)
    without_email = await factory.token(team.owner, scopes=("users:read",))
    for token, include_email in ((team.owner.token, True), (without_email, False)):
        for _ in range(2):  # the second pass is served from the rendered cache
            listed = await _listed(api, token)
            assert set(ids) <= set(listed)
            for user_id in ids:
                user = await _orm_user(services.db, team, user_id)
                assert listed[user_id] == user_object(user, include_email=include_email)
    listed = await _listed(api, team.owner.token)
    assert listed[ids[3]]["is_bot"] is True and listed[ids[3]]["profile"]["bot_id"]
    assert listed[ids[4]]["deleted"] is True
    assert listed[ids[1]]["is_restricted"] is True
    assert listed[ids[5]]["tz_offset"] in {-5 * 3600, -4 * 3600}


async def test_users_list_never_serves_a_stale_rendering(
    api: Api, factory: Factory, services: Services
) -> None:
    """Changes that do not move `updated` (role, deactivation) and two profile edits in one
    second still show at once: the cache is keyed by the whole row, not a version."""
    team = await factory.workspace()
    member = await factory.user(team)
    assert (await _listed(api, team.owner.token))[member.user_id]["is_admin"] is False
    await _change(services.db, team, member.user_id, "role", "admin")
    assert (await _listed(api, team.owner.token))[member.user_id]["is_admin"] is True
    await _change(services.db, team, member.user_id, "deactivated", True)
    assert (await _listed(api, team.owner.token))[member.user_id]["deleted"] is True
    for title in ("first", "second"):
        await _change(services.db, team, member.user_id, "profile", {"title": title})
        listed = await _listed(api, team.owner.token)
        assert listed[member.user_id]["profile"]["title"] == title


async def test_every_update_of_a_user_row_moves_its_render_version(
    factory: Factory, services: Services
) -> None:
    """The trigger catches writers that bypass the actions too (a raw UPDATE here)."""
    team = await factory.workspace()
    member = await factory.user(team)
    versions = [(await _orm_user(services.db, team, member.user_id)).render_version]
    async with services.db.write() as uow:
        await uow.session.execute(update(User).where(User.id == member.user_id).values(title="raw"))
    versions.append((await _orm_user(services.db, team, member.user_id)).render_version)
    await _change(services.db, team, member.user_id, "role", "admin")
    versions.append((await _orm_user(services.db, team, member.user_id)).render_version)
    assert versions == sorted(set(versions)) and len(versions) == 3


async def test_rendered_users_forget_the_oldest_when_full(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    for _ in range(3):
        await factory.user(team)
    cache = RenderedUsers(capacity=2)
    async with services.db.read() as session:
        page = await store.list_user_versions_page(session, team.team_id, after_id=None, limit=10)
        first = await cache.members(session, team.team_id, page, include_email=True)
        assert len(first) == len(page) == 4 and len(cache) == 2
        again = await cache.members(session, team.team_id, page[-2:], include_email=True)
    # The two newest are still held: the very same fragments, not renderings of them.
    assert all(a is b for a, b in zip(again, first[-2:], strict=True))
