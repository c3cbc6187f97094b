"""The chat.* and reading rules, called as actions (no HTTP): any entry point gets them."""

from __future__ import annotations

import time
from dataclasses import replace

from sqlalchemy import update

from parley.features.messages import actions, posting, store
from parley.features.messages.access import access_history, access_thread
from parley.features.messages.posting import EphemeralRequest, PostRequest
from parley.platform.services import Services
from parley.platform.spaces import Conversation
from tests.factories import Factory, Member
from tests.features.messages.helpers import events, make_channel
from tests.features.principals import principal_of, refusal, refusal_in


async def _post(services: Services, author: Member, channel: str, text: str) -> str:
    principal = await principal_of(services, author)
    async with services.db.write() as uow:
        _, message = await posting.post_message(uow, principal, PostRequest(channel, text))
    return message.ts


async def _text(services: Services, channel: str, ts: str) -> str | None:
    async with services.db.read() as session:
        message = await store.get_message(session, channel, ts)
    return message.text if message is not None else None


async def test_only_the_author_edits(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob])
    ts = await _post(services, bob, channel, "mine")
    owner = await principal_of(services, team.owner)  # an admin, but not the author
    code = await refusal_in(
        services,
        actions.check_update_message,
        owner,
        channel,
        ts,
        actions.Edit(text="theirs"),
    )
    assert code == "cant_update_message"
    author = await principal_of(services, bob)
    code = await refusal_in(
        services,
        actions.check_update_message,
        author,
        channel,
        ts,
        actions.Edit(text=" "),
    )
    assert code == "no_text"  # an edit must leave the message saying something
    assert await _text(services, channel, ts) == "mine"
    async with services.db.write() as uow:
        await actions.check_update_message(uow, author, channel, ts, actions.Edit(text="edited"))
    assert await _text(services, channel, ts) == "edited"


async def _archive(services: Services, channel: str) -> None:
    async with services.db.write() as uow:
        await uow.session.execute(
            update(Conversation).where(Conversation.id == channel).values(is_archived=True)
        )


async def test_edits_stop_when_the_channel_is_archived(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    ts = await _post(services, team.owner, channel, "before archiving")
    await _archive(services, channel)
    owner = await principal_of(services, team.owner)
    code = await refusal_in(
        services,
        actions.check_update_message,
        owner,
        channel,
        ts,
        actions.Edit(text="after"),
    )
    assert code == "is_archived"
    assert await _text(services, channel, ts) == "before archiving"


async def test_admins_delete_others_messages_but_not_with_a_bot_token(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    carol = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob, carol])
    ts = await _post(services, bob, channel, "to delete")
    owner = await principal_of(services, team.owner)
    for refused in (await principal_of(services, carol), replace(owner, is_bot=True)):
        code = await refusal_in(services, actions.check_delete_message, refused, channel, ts)
        assert code == "cant_delete_message"
    async with services.db.write() as uow:
        await actions.check_delete_message(uow, owner, channel, ts)
    assert await _text(services, channel, ts) is None
    code = await refusal_in(services, actions.check_delete_message, owner, channel, ts)
    assert code == "message_not_found"


async def test_ephemeral_goes_only_to_a_member(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    outsider = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob])
    owner = await principal_of(services, team.owner)
    for user in (outsider.user_id, "UNOBODY0000"):
        code = await refusal_in(
            services,
            posting.check_post_ephemeral,
            owner,
            EphemeralRequest(channel, user, "psst"),
        )
        assert code == "user_not_in_channel"
    async with services.db.write() as uow:
        ts = await posting.check_post_ephemeral(
            uow, owner, EphemeralRequest(channel, bob.user_id, "psst")
        )
    [event] = await events(services.db, team, subtype="ephemeral")
    assert event.payload["ts"] == ts and event.payload["text"] == "psst"
    assert await _text(services, channel, ts) is None  # not stored


async def test_only_the_author_deletes_a_scheduled_message(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob])
    author = await principal_of(services, bob)
    async with services.db.write() as uow:
        scheduled = await posting.schedule_message(
            uow, author, PostRequest(channel, "later"), str(int(time.time()) + 600)
        )
    owner = await principal_of(services, team.owner)
    elsewhere = await make_channel(services.db, team, [team.owner, bob])
    for principal, named_channel in ((owner, channel), (author, elsewhere)):
        code = await refusal_in(
            services, actions.check_delete_scheduled, principal, named_channel, scheduled.row.id
        )
        assert code == "invalid_scheduled_message_id"
    async with services.db.write() as uow:
        await actions.check_delete_scheduled(uow, author, channel, scheduled.row.id)
    async with services.db.read() as session:
        assert await store.get_scheduled(session, team.team_id, scheduled.row.id) is None


async def test_bots_read_only_where_they_are_members(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team, scopes=("channels:history",))
    channel = await make_channel(services.db, team, [team.owner])
    ts = await _post(services, team.owner, channel, "root")
    principal = await principal_of(services, bot)
    async with services.db.read() as session:
        assert await refusal(access_history(session, principal, channel)) == "not_in_channel"
        assert await refusal(access_thread(session, principal, channel, ts)) == "not_in_channel"
    member = await make_channel(services.db, team, [team.owner, bot])
    async with services.db.read() as session:
        access = await access_history(session, principal, member)
        assert access.conversation.id == member
        assert await refusal(access_thread(session, principal, member, ts)) == "thread_not_found"
