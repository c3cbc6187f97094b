"""conversations.list, users.conversations and conversations.info."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import Factory, Member
from tests.features.conversations.helpers import create, general_id, ids, random_id


async def _all_pages(api: Api, method: str, member: Member, **args: object) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    while True:
        body = await api(method, member.token, cursor=cursor, **args)
        assert body["ok"], body
        pages.append(ids(body))
        cursor = body["response_metadata"]["next_cursor"]
        if not cursor:
            return pages


async def test_list_types_and_visibility(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    general = await general_id(api, team.owner)
    random = await random_id(api, team.owner)
    public = await create(api, team.owner, "pub")
    private = await create(api, team.owner, "priv", private=True)
    bobs_public = await create(api, bob, "bobs")
    dm = (await api("conversations.open", team.owner.token, users=bob.user_id))["channel"]["id"]

    default = await api("conversations.list", team.owner.token)
    assert sorted(ids(default)) == sorted([general, random, public, bobs_public])
    by_id = {c["id"]: c for c in default["channels"]}
    assert by_id[bobs_public]["is_member"] is False and by_id[public]["is_member"] is True

    everything = await api(
        "conversations.list", team.owner.token, types="public_channel,private_channel,mpim,im"
    )
    assert sorted(ids(everything)) == sorted([general, random, public, private, bobs_public, dm])
    only_private = await api("conversations.list", team.owner.token, types="private_channel")
    assert ids(only_private) == [private]
    bobs_view = await api("conversations.list", bob.token, types="public_channel,private_channel")
    assert private not in ids(bobs_view)

    assert (await api("conversations.list", team.owner.token, types="channels"))[
        "error"
    ] == "invalid_types"
    assert (await api("conversations.list", team.owner.token, cursor="zzz"))[
        "error"
    ] == "invalid_cursor"


async def test_list_pagination_and_archived(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    made = [await create(api, team.owner, f"page-{n}") for n in range(4)]
    await api("conversations.archive", team.owner.token, channel=made[0])
    pages = await _all_pages(api, "conversations.list", team.owner, limit=2)
    assert [len(page) for page in pages] == [2, 2, 2]
    flat = [cid for page in pages for cid in page]
    assert len(flat) == len(set(flat)) == 6  # #general, #random + 4, archived included
    live = await _all_pages(api, "conversations.list", team.owner, limit=2, exclude_archived=1)
    assert made[0] not in [cid for page in live for cid in page]


async def test_users_conversations(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    carol = await factory.user(team)
    general = await general_id(api, team.owner)
    random = await random_id(api, team.owner)
    mine = await create(api, team.owner, "mine")
    bobs_private = await create(api, bob, "bob-secret", private=True)
    shared_private = await create(api, bob, "bob-and-carol", private=True)
    await api("conversations.invite", bob.token, channel=shared_private, users=carol.user_id)
    types = "public_channel,private_channel"

    own = await api("users.conversations", team.owner.token, types=types)
    assert sorted(ids(own)) == sorted([general, random, mine])
    # Another user's conversations, limited to what the caller may see.
    bobs_seen_by_carol = await api(
        "users.conversations", carol.token, user=bob.user_id, types=types
    )
    assert sorted(ids(bobs_seen_by_carol)) == sorted([general, random, shared_private])
    assert bobs_private not in ids(bobs_seen_by_carol)
    pages = await _all_pages(api, "users.conversations", bob, types=types, limit=1)
    assert sorted(cid for page in pages for cid in page) == sorted(
        [general, random, bobs_private, shared_private]
    )
    assert (await api("users.conversations", bob.token, user="UNOBODY0000"))[
        "error"
    ] == "user_not_found"
    assert (await api("users.conversations", bob.token, user="nonsense"))[
        "error"
    ] == "user_not_found"


async def test_info_num_members_and_missing_channel(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    await factory.user(team)
    general = await general_id(api, team.owner)
    plain = await api("conversations.info", team.owner.token, channel=general)
    assert "num_members" not in plain["channel"]
    counted = await api(
        "conversations.info", team.owner.token, channel=general, include_num_members="true"
    )
    assert counted["channel"]["num_members"] == 2
    assert (await api("conversations.info", team.owner.token))["error"] == "channel_not_found"
    for bogus in ("C", "not-an-id", "CNOTHERE000", "U12345678"):
        body = await api("conversations.info", team.owner.token, channel=bogus)
        assert body == {"ok": False, "error": "channel_not_found"}, bogus


async def test_list_gives_each_channel_its_member_count(api: Api, factory: Factory) -> None:
    """Browse channels showed "0 members" everywhere: conversations.list left the count out
    (Slack's conversations.list gives `num_members` for channels)."""
    team = await factory.workspace()
    bob = await factory.user(team)
    await factory.user(team)
    general = await general_id(api, team.owner)
    solo = await create(api, bob, "solo")
    dm = (await api("conversations.open", team.owner.token, users=bob.user_id))["channel"]["id"]
    body = await api(
        "conversations.list", team.owner.token, types="public_channel,im", exclude_archived=1
    )
    by_id = {c["id"]: c for c in body["channels"]}
    assert by_id[general]["num_members"] == 3
    assert by_id[solo]["num_members"] == 1
    assert "num_members" not in by_id[dm]
