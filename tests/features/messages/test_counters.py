"""Unread counters kept on write (counters.py) agree with a full recount from the messages,
after random sequences of posts, thread replies, broadcasts, edits that add or remove
`<!here>`, deletes (tombstones included), marks, and members leaving and coming back."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select, text, update

from parley.features.messages.counters import recount_workspace
from parley.features.messages.models import Message
from parley.platform.services import Services
from parley.platform.spaces import ZERO_TS, Conversation, ConversationMember
from tests.conftest import Api
from tests.factories import Factory, Member


@dataclass(frozen=True)
class Expected:
    unread: int
    mentions: int
    latest: str | None


def _shown(message: Message) -> bool:
    if message.is_deleted:
        return False
    return message.thread_ts is None or message.thread_ts == message.ts or message.reply_broadcast


async def _recount(services: Services, channel: str) -> dict[str, Expected]:
    """What every member's counts should be, counted from scratch (the oracle)."""
    async with services.db.read() as session:
        messages = (
            (await session.execute(select(Message).where(Message.conversation_id == channel)))
            .scalars()
            .all()
        )
        members = (
            await session.execute(
                select(ConversationMember.user_id, ConversationMember.last_read).where(
                    ConversationMember.conversation_id == channel
                )
            )
        ).all()
    shown = [m for m in messages if _shown(m)]
    latest = max((m.ts for m in shown), default=None)
    expected = {}
    for user_id, last_read in members:
        unread = [m for m in shown if m.ts > last_read and m.user_id != user_id]
        mentions = sum(1 for m in unread if m.mentions_everyone)
        expected[user_id] = Expected(len(unread), mentions, latest)
    return expected


async def _counted(api: Api, member: Member, channel: str) -> Expected | None:
    counts = await api("client.counts", member.token)
    assert counts["ok"], counts
    for item in counts["channels"]:
        if item["id"] == channel:
            return Expected(item["unread_count"], item["mention_count"], item["latest"])
    return None


class Sequence:
    """Random operations on one channel through the Web API, as clients make them."""

    def __init__(self, api: Api, rng: random.Random, channel: str, people: list[Member]) -> None:
        self.api, self.rng, self.channel, self.people = api, rng, channel, people
        self.inside = {p.user_id for p in people}
        self.posted: list[tuple[str, Member]] = []  # (ts, author) of messages not deleted

    def _someone_inside(self) -> Member:
        return self.rng.choice([p for p in self.people if p.user_id in self.inside])

    def _text(self) -> str:
        return self.rng.choice(["hello", "hi <!here>", "news for <!channel>", "plain words"])

    async def _call(self, method: str, who: Member, **args: Any) -> dict[str, Any]:
        body = await self.api(method, who.token, channel=self.channel, **args)
        assert body["ok"], (method, body)
        return body

    async def post(self) -> None:
        author = self._someone_inside()
        args: dict[str, Any] = {"text": self._text()}
        if self.posted and self.rng.random() < 0.4:
            args["thread_ts"] = self.rng.choice(self.posted)[0]
            args["reply_broadcast"] = "true" if self.rng.random() < 0.3 else None
        body = await self._call("chat.postMessage", author, **args)
        self.posted.append((body["ts"], author))

    async def edit(self) -> None:
        if not self.posted:
            return
        ts, author = self.rng.choice(self.posted)
        if author.user_id not in self.inside:
            return
        body = await self.api(
            "chat.update", author.token, channel=self.channel, ts=ts, text=self._text()
        )
        assert body["ok"] or body["error"] == "message_not_found", body

    async def delete(self) -> None:
        if not self.posted:
            return
        ts, author = self.rng.choice(self.posted)
        if author.user_id not in self.inside:
            return
        body = await self.api("chat.delete", author.token, channel=self.channel, ts=ts)
        assert body["ok"] or body["error"] == "message_not_found", body
        self.posted.remove((ts, author))

    async def mark(self) -> None:
        who = self._someone_inside()
        choices = [ts for ts, _ in self.posted] + [ZERO_TS]
        ts = self.rng.choice(choices) if self.rng.random() < 0.7 else max(choices)
        await self._call("conversations.mark", who, ts=ts)

    async def leave_or_return(self) -> None:
        who = self.rng.choice(self.people[1:])  # the owner stays
        if who.user_id in self.inside:
            await self._call("conversations.leave", who)
            self.inside.discard(who.user_id)
        else:
            await self._call("conversations.join", who)
            self.inside.add(who.user_id)

    async def step(self) -> None:
        operations = [self.post] * 5 + [self.edit, self.delete, self.delete, self.mark] * 1
        operations += [self.mark, self.leave_or_return]
        await self.rng.choice(operations)()


async def _check(services: Services, api: Api, sequence: Sequence) -> None:
    expected = await _recount(services, sequence.channel)
    for person in sequence.people:
        counted = await _counted(api, person, sequence.channel)
        if person.user_id not in sequence.inside:
            assert counted is None
            continue
        assert counted == expected[person.user_id], person.user_id


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_counters_match_a_full_recount(
    seed: int, factory: Factory, services: Services, api: Api
) -> None:
    rng = random.Random(seed)
    team = await factory.workspace()
    people = [team.owner] + [await factory.user(team) for _ in range(3)]
    created = await api("conversations.create", team.owner.token, name=f"counted-{seed}")
    channel = created["channel"]["id"]
    invited = await api(
        "conversations.invite",
        team.owner.token,
        channel=channel,
        users=",".join(p.user_id for p in people[1:]),
    )
    assert invited["ok"], invited
    sequence = Sequence(api, rng, channel, people)
    for number in range(60):
        await sequence.step()
        if number % 10 == 9:
            await _check(services, api, sequence)
    await _check(services, api, sequence)


async def test_marking_up_to_the_newest_message_reads_everything(
    factory: Factory, api: Api
) -> None:
    team = await factory.workspace()
    reader = await factory.user(team)
    channel = (await api("conversations.create", team.owner.token, name="marked"))["channel"]["id"]
    await api("conversations.invite", team.owner.token, channel=channel, users=reader.user_id)
    newest = ""
    for words in ("one", "two <!here>", "three"):
        posted = await api("chat.postMessage", team.owner.token, channel=channel, text=words)
        newest = posted["ts"]
    before = await _counted(api, reader, channel)
    assert before is not None and (before.unread, before.mentions) == (3, 1)
    mine = await api("chat.postMessage", reader.token, channel=channel, text="my own")
    assert await _counted(api, reader, channel) == Expected(3, 1, mine["ts"])  # not my own
    await api("conversations.mark", reader.token, channel=channel, ts=newest)
    assert await _counted(api, reader, channel) == Expected(0, 0, mine["ts"])


async def _snapshot(api: Api, sequence: Sequence) -> list[Expected | None]:
    return [await _counted(api, person, sequence.channel) for person in sequence.people]


async def _zero_counters(services: Services, channel: str) -> None:
    async with services.db.write() as uow:
        await uow.session.execute(
            update(Conversation)
            .where(Conversation.id == channel)
            .values(shown_count=0, shown_everyone_count=0, latest_shown_ts=None)
        )
        await uow.session.execute(
            update(ConversationMember)
            .where(ConversationMember.conversation_id == channel)
            .values(seen_count=0, seen_everyone_count=0)
        )


async def test_recounting_from_the_messages_gives_the_counters_kept_on_write(
    factory: Factory, services: Services, api: Api
) -> None:
    """Rows written below the actions (dev seed, imports) are recounted by
    `recount_workspace`; migration 0015 backfills existing databases with the same SQL."""
    team = await factory.workspace()
    people = [team.owner] + [await factory.user(team) for _ in range(2)]
    channel = (await api("conversations.create", team.owner.token, name="recounted"))["channel"]
    users = ",".join(p.user_id for p in people[1:])
    await api("conversations.invite", team.owner.token, channel=channel["id"], users=users)
    sequence = Sequence(api, random.Random(7), channel["id"], people)
    for _ in range(40):
        await sequence.step()
    kept = await _snapshot(api, sequence)
    assert any(item is not None and item.unread for item in kept)

    await _zero_counters(services, sequence.channel)
    async with services.db.write() as uow:
        await recount_workspace(uow.session, team.team_id)
    assert await _snapshot(api, sequence) == kept

    await _zero_counters(services, sequence.channel)
    migration = importlib.import_module("parley.migrations.versions.0015_unread_counters")
    async with services.db.write() as uow:
        await uow.session.execute(text(migration._CONVERSATIONS))
        await uow.session.execute(text(migration._MEMBERS))
    assert await _snapshot(api, sequence) == kept
