"""The full-text index follows every write in the writer's own transaction: edits,
tombstones, deletes and rollbacks (SQLite triggers, PostgreSQL generated column)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update

from parley.features.messages.models import Message
from parley.features.search import store
from tests.conftest import Api
from tests.factories import Factory, Member
from tests.features.search.seed import Seeder


async def found(api: Api, member: Member, query: str) -> list[str]:
    body = await api("search.messages", member.token, query=query)
    assert body["ok"], body
    return [match["text"] for match in body["messages"]["matches"]]


async def test_edit_reindexes_in_the_same_transaction(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    general = await seed.channel(team, [team.owner], name="main")
    posted = await seed.post(general, team.owner, "original wording")
    async with seed.db.write() as uow:
        message = await uow.session.get(Message, posted.id)
        assert message is not None
        message.text = "edited phrasing"
        await uow.session.flush()
        # Inside the same transaction the index already has the new words.
        viewer = await store.get_viewer(uow.session, team.team_id, team.owner.user_id)
        assert viewer is not None
        _, inside = await store.search(uow.session, viewer, "phrasing")
        assert [hit.message.id for hit in inside.hits] == [posted.id]
    assert await found(api, team.owner, "original") == []
    assert await found(api, team.owner, "phrasing") == ["edited phrasing"]


async def test_tombstoned_and_deleted_messages_disappear(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    general = await seed.channel(team, [team.owner], name="main")
    tombstone = await seed.post(general, team.owner, "gone tombstone")
    removed = await seed.post(general, team.owner, "gone removed")
    await seed.post(general, team.owner, "gone kept")
    assert len(await found(api, team.owner, "gone")) == 3
    async with seed.db.write() as uow:
        await uow.session.execute(
            update(Message).where(Message.id == tombstone.id).values(is_deleted=True)
        )
        await uow.session.execute(delete(Message).where(Message.id == removed.id))
    assert await found(api, team.owner, "gone") == ["gone kept"]
    assert await found(api, team.owner, "tombstone") == []
    # Editing a tombstone (its text is blanked later, say) must not bring it back.
    async with seed.db.write() as uow:
        await uow.session.execute(
            update(Message).where(Message.id == tombstone.id).values(text="gone blank")
        )
    assert await found(api, team.owner, "blank") == []
    # ...and restoring it indexes its current text again.
    async with seed.db.write() as uow:
        await uow.session.execute(
            update(Message).where(Message.id == tombstone.id).values(is_deleted=False)
        )
    assert await found(api, team.owner, "blank") == ["gone blank"]


async def test_rolled_back_write_leaves_no_trace(api: Api, factory: Factory, seed: Seeder) -> None:
    team = await factory.workspace()
    general = await seed.channel(team, [team.owner], name="main")
    posted = await seed.post(general, team.owner, "stable text")

    class Abort(Exception):
        pass

    async def edit_then_fail() -> None:
        async with seed.db.write() as uow:
            await uow.session.execute(
                update(Message).where(Message.id == posted.id).values(text="phantom words")
            )
            raise Abort

    with pytest.raises(Abort):
        await edit_then_fail()
    assert await found(api, team.owner, "phantom") == []
    assert await found(api, team.owner, "stable") == ["stable text"]


async def test_sqlite_index_matches_its_content(factory: Factory, seed: Seeder) -> None:
    """After inserts, edits and deletes, the index holds exactly the live messages' text.

    (FTS5's own 'integrity-check' cannot be used: it compares against every row of the
    content table, tombstones included, which this index leaves out on purpose.)
    """
    team = await factory.workspace()
    general = await seed.channel(team, [team.owner], name="main")
    posted = [await seed.post(general, team.owner, f"check {n}") for n in range(3)]
    ids = [m.id for m in posted]
    async with seed.db.write() as uow:
        if not uow.is_sqlite:
            pytest.skip("FTS5 is the SQLite index")
        await uow.session.execute(
            update(Message).where(Message.id == posted[0].id).values(text="changed")
        )
        await uow.session.execute(delete(Message).where(Message.id == posted[1].id))

        async def indexed(term: str) -> set[int]:
            rows = await uow.session.execute(
                text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :term"),
                {"term": term},
            )
            return {r for r in rows.scalars() if r in ids}

        assert await indexed("check") == {posted[2].id}
        assert await indexed("changed") == {posted[0].id}


async def test_chat_update_and_delete_are_reflected(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    main = await seed.channel(team, [team.owner], name="main")
    token = team.owner.token
    posted = await api("chat.postMessage", token, channel=main, text="draft wording")
    assert posted["ok"], posted
    assert await found(api, team.owner, "draft") == ["draft wording"]
    updated = await api("chat.update", token, channel=main, ts=posted["ts"], text="final wording")
    assert updated["ok"], updated
    assert await found(api, team.owner, "draft") == []
    assert await found(api, team.owner, "final") == ["final wording"]
    assert (await api("chat.delete", token, channel=main, ts=posted["ts"]))["ok"]
    assert await found(api, team.owner, "wording") == []
