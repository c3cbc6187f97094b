"""bookmarks.* over HTTP: behaviour, validation, permissions, events."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import Api
from tests.factories import Factory, Member, Team
from tests.features.reactions.helpers import events_of, make_conversation, set_archived


@dataclass
class World:
    team: Team
    alice: Member  # member of both channels
    carol: Member  # in no channel
    public: str
    private: str


@pytest.fixture
async def world(factory: Factory) -> World:
    team = await factory.workspace()
    alice = await factory.user(team)
    carol = await factory.user(team)
    public = await make_conversation(factory.db, team, [alice])
    private = await make_conversation(factory.db, team, [alice], kind="group")
    return World(team, alice, carol, public, private)


async def _add(api: Api, token: str, channel: str, **extra: str) -> dict[str, object]:
    args = {"title": "Docs", "type": "link", "link": "https://example.com/docs", **extra}
    return await api("bookmarks.add", token, channel_id=channel, **args)


async def test_add_edit_list_remove(api: Api, factory: Factory, world: World) -> None:
    w = world
    added = await _add(api, w.alice.token, w.public, emoji="books")
    assert added["ok"], added
    bookmark = added["bookmark"]
    assert isinstance(bookmark, dict)
    assert bookmark["id"].startswith("Bk") and bookmark["channel_id"] == w.public
    assert bookmark["title"] == "Docs" and bookmark["link"] == "https://example.com/docs"
    assert bookmark["emoji"] == ":books:" and bookmark["type"] == "link"
    assert bookmark["icon_url"] == "https://example.com/favicon.ico"
    assert bookmark["date_updated"] == 0 and bookmark["entity_id"] is None
    assert bookmark["last_updated_by_user_id"] == w.alice.user_id
    assert bookmark["last_updated_by_team_id"] == w.team.team_id
    assert {"shortcut_id", "app_id", "rank", "date_created"} <= set(bookmark)
    second = (await _add(api, w.alice.token, w.public, title="Board"))["bookmark"]
    assert isinstance(second, dict)
    assert second["rank"] > bookmark["rank"]

    edited = await api(
        "bookmarks.edit",
        w.alice.token,
        channel_id=w.public,
        bookmark_id=bookmark["id"],
        title="Manual",
        emoji="",
    )
    assert edited["bookmark"]["title"] == "Manual" and edited["bookmark"]["emoji"] is None
    assert edited["bookmark"]["link"] == "https://example.com/docs"
    assert edited["bookmark"]["date_updated"] > 0

    listed = await api("bookmarks.list", w.carol.token, channel_id=w.public)
    assert [b["title"] for b in listed["bookmarks"]] == ["Manual", "Board"]
    removed = await api(
        "bookmarks.remove", w.alice.token, channel_id=w.public, bookmark_id=bookmark["id"]
    )
    assert removed == {"ok": True}
    listed = await api("bookmarks.list", w.alice.token, channel_id=w.public)
    assert [b["title"] for b in listed["bookmarks"]] == ["Board"]

    kinds = ("bookmark_added", "bookmark_updated", "bookmark_removed")
    for kind in kinds:
        events = await events_of(factory.db, w.team, kind)
        assert events and events[0]["_audience"] == {"kind": "conversation", "id": w.public}
        assert events[0]["channel_id"] == w.public and events[0]["bookmark"]["id"]


async def test_validation_errors(api: Api, world: World) -> None:
    w = world
    t = w.alice.token
    for link in ("javascript:alert(1)", "ftp://example.com/x", "/relative", "", "https://"):
        assert (await _add(api, t, w.public, link=link))["error"] == "invalid_link", link
    assert (await _add(api, t, w.public, link="https://exa mple.com"))["error"] == "invalid_link"
    assert (await _add(api, t, w.public, type="message"))["error"] == "invalid_bookmark_type"
    assert (await _add(api, t, w.public, title="   "))["error"] == "invalid_title"
    assert (await _add(api, t, w.public, emoji="not an emoji"))["error"] == "invalid_emoji"
    no_title = await api("bookmarks.add", t, channel_id=w.public, type="link", link="https://a.b")
    assert no_title["error"] == "invalid_title"
    assert (await _add(api, t, ""))["error"] == "channel_not_found"
    assert (await _add(api, t, "C0NOPE0000"))["error"] == "channel_not_found"
    bookmark_id = (await _add(api, t, w.public))["bookmark"]["id"]  # type: ignore[index]
    bad_edit = await api(
        "bookmarks.edit", t, channel_id=w.public, bookmark_id=bookmark_id, link="data:x"
    )
    assert bad_edit["error"] == "invalid_link"
    for method in ("bookmarks.edit", "bookmarks.remove"):
        assert (await api(method, t, channel_id=w.public, bookmark_id="Bk0NOPE"))[
            "error"
        ] == "not_found"
        assert (await api(method, t, channel_id=w.public))["error"] == "not_found"
        # A bookmark id from another conversation is not found here.
        assert (await api(method, t, channel_id=w.private, bookmark_id=bookmark_id))[
            "error"
        ] == "not_found"


async def test_limit_and_archive(
    api: Api, factory: Factory, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parley.features.bookmarks import actions

    monkeypatch.setattr(actions, "MAX_BOOKMARKS", 2)
    w = world
    await _add(api, w.alice.token, w.public)
    bookmark_id = (await _add(api, w.alice.token, w.public))["bookmark"]["id"]  # type: ignore[index]
    assert (await _add(api, w.alice.token, w.public))["error"] == "too_many_bookmarks"
    await set_archived(factory.db, w.public)
    assert (await _add(api, w.alice.token, w.public))["error"] == "is_archived"
    assert (
        await api("bookmarks.remove", w.alice.token, channel_id=w.public, bookmark_id=bookmark_id)
    )["error"] == "is_archived"
    assert len((await api("bookmarks.list", w.alice.token, channel_id=w.public))["bookmarks"]) == 2


async def test_permission_matrix(api: Api, factory: Factory, world: World) -> None:
    w = world
    guest = await factory.user(w.team, role="guest")
    other_team = await factory.workspace()
    bot = await factory.bot(w.team, scopes=("bookmarks:write", "bookmarks:read"))
    reader = await factory.bot(w.team, scopes=("bookmarks:read",))
    member_bot = await factory.bot(w.team, scopes=("bookmarks:write",))
    channel = await make_conversation(factory.db, w.team, [w.alice, member_bot, guest])

    async def add(token: str, conversation: str) -> str:
        body = await _add(api, token, conversation)
        return "ok" if body["ok"] else str(body["error"])

    assert await add(w.carol.token, w.public) == "permission_denied"
    assert await add(w.team.owner.token, w.public) == "permission_denied"
    assert await add(bot.token, w.public) == "permission_denied"
    assert await add(reader.token, w.public) == "missing_scope"
    assert await add(guest.token, w.public) == "channel_not_found"
    assert await add(w.carol.token, w.private) == "channel_not_found"
    assert await add(other_team.owner.token, w.public) == "channel_not_found"
    assert await add(member_bot.token, channel) == "ok"
    assert await add(guest.token, channel) == "ok"
    assert (await api("bookmarks.list", reader.token, channel_id=w.public))["ok"]
    assert (await api("bookmarks.list", w.carol.token, channel_id=w.private))[
        "error"
    ] == "channel_not_found"
    assert (await api("bookmarks.list", guest.token, channel_id=w.public))[
        "error"
    ] == "channel_not_found"
    await api("admin.users.setActive", w.team.owner.token, user_id=w.alice.user_id, active=False)
    assert await add(w.alice.token, w.public) == "account_inactive"
