"""Search shows only what the searcher may read: never others' private conversations, never
another workspace, and for guests only the conversations they were invited to."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import Factory, Member
from tests.features.search.seed import Seeder


async def found(api: Api, member: Member, query: str) -> list[str]:
    body = await api("search.messages", member.token, query=query, count=100)
    assert body["ok"], body
    assert body["messages"]["total"] == len(body["messages"]["matches"])
    return sorted(match["text"] for match in body["messages"]["matches"])


async def test_private_channels_and_dms_of_others_stay_hidden(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    ann = await factory.user(team)
    bob = await factory.user(team)
    public = await seed.channel(team, [ann], name="public")
    secret = await seed.channel(team, [ann], name="secret", private=True)
    dm = await seed.dm(team, ann, team.owner)
    group_dm = await seed.dm(team, ann, team.owner, bob)
    await seed.post(public, ann, "zebra public")
    await seed.post(secret, ann, "zebra secret")
    await seed.post(dm, ann, "zebra direct")
    await seed.post(group_dm, ann, "zebra group")
    # Bob is in none of them: the public channel is still searchable by workspace members.
    assert await found(api, bob, "zebra") == ["zebra group", "zebra public"]
    assert await found(api, ann, "zebra") == [
        "zebra direct",
        "zebra group",
        "zebra public",
        "zebra secret",
    ]
    # Naming a conversation one cannot see finds nothing rather than leaking it.
    assert await found(api, bob, "zebra in:#secret") == []
    assert await found(api, bob, f"zebra in:<#{dm}>") == []
    assert await found(api, bob, "in:#secret") == []
    group = (await api("search.messages", bob.token, query="zebra group"))["messages"]
    channel = group["matches"][0]["channel"]
    assert channel["is_mpim"] is True and channel["is_private"] is True
    assert channel["name"].startswith("mpdm-") and channel["name"].endswith("-1")


async def test_another_workspace_with_the_same_words_is_invisible(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    mine = await factory.workspace()
    theirs = await factory.workspace()
    my_general = await seed.channel(mine, [mine.owner], name="numbers")
    their_general = await seed.channel(theirs, [theirs.owner], name="numbers")
    await seed.post(my_general, mine.owner, "quarterly numbers ours")
    await seed.post(their_general, theirs.owner, "quarterly numbers theirs")
    assert await found(api, mine.owner, "quarterly numbers") == ["quarterly numbers ours"]
    assert await found(api, mine.owner, "quarterly in:#numbers") == ["quarterly numbers ours"]
    assert await found(api, mine.owner, f"quarterly in:<#{their_general}>") == []
    assert await found(api, mine.owner, f"quarterly from:<@{theirs.owner.user_id}>") == []
    assert await found(api, theirs.owner, "quarterly") == ["quarterly numbers theirs"]


async def test_guests_see_only_their_conversations(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    guest = await factory.user(team, role="guest")
    invited = await seed.channel(team, [team.owner, guest], name="project")
    other_public = await seed.channel(team, [team.owner], name="lobby")
    await seed.post(invited, team.owner, "meeting invited")
    await seed.post(other_public, team.owner, "meeting lobby")
    assert await found(api, guest, "meeting") == ["meeting invited"]
    assert await found(api, guest, "meeting in:#lobby") == []
    assert await found(api, team.owner, "meeting") == ["meeting invited", "meeting lobby"]


async def test_leaving_a_private_channel_hides_its_messages(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    from sqlalchemy import delete

    from parley.platform.spaces import ConversationMember

    team = await factory.workspace()
    ann = await factory.user(team)
    secret = await seed.channel(team, [team.owner, ann], name="secret", private=True)
    await seed.post(secret, team.owner, "walrus plans")
    assert await found(api, ann, "walrus") == ["walrus plans"]
    async with seed.db.write() as uow:
        await uow.session.execute(
            delete(ConversationMember).where(
                ConversationMember.conversation_id == secret,
                ConversationMember.user_id == ann.user_id,
            )
        )
    assert await found(api, ann, "walrus") == []
