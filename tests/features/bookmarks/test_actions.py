"""The bookmarks.* rules, called as actions (no HTTP): any entry point gets them."""

from __future__ import annotations

from functools import partial

from parley.features.bookmarks import actions, store
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.principals import principal_of, refusal_in
from tests.features.reactions.helpers import make_conversation, set_archived

LINK = "https://example.com/docs"


async def test_only_members_change_bookmarks(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    carol = await factory.user(team)  # sees the public channel, is not in it
    channel = await make_conversation(services.db, team, [alice])
    member = await principal_of(services, alice)
    outsider = await principal_of(services, carol)
    add = partial(actions.check_add_bookmark, kind="link", title="Docs", link=LINK, emoji="")
    assert await refusal_in(services, add, outsider, channel) == "permission_denied"
    async with services.db.write() as uow:
        bookmark = await add(uow, member, channel)
    edit = partial(actions.check_edit_bookmark, title="Mine now")
    remove = actions.check_remove_bookmark
    assert await refusal_in(services, edit, outsider, channel, bookmark.id) == "permission_denied"
    assert await refusal_in(services, remove, outsider, channel, bookmark.id) == (
        "permission_denied"
    )
    async with services.db.read() as session:
        [kept] = await store.list_bookmarks(session, channel)
    assert kept.title == "Docs"


async def test_a_bookmark_is_changed_only_in_its_own_conversation(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    first = await make_conversation(services.db, team, [alice])
    second = await make_conversation(services.db, team, [alice])
    member = await principal_of(services, alice)
    async with services.db.write() as uow:
        bookmark = await actions.check_add_bookmark(
            uow, member, first, kind="link", title="Docs", link=LINK, emoji=""
        )
    remove = actions.check_remove_bookmark
    assert await refusal_in(services, remove, member, second, bookmark.id) == "not_found"
    await set_archived(services.db, first)
    assert await refusal_in(services, remove, member, first, bookmark.id) == "is_archived"
    edit = partial(actions.check_edit_bookmark, link="javascript:alert(1)")
    assert await refusal_in(services, edit, member, first, bookmark.id) == "invalid_link"
