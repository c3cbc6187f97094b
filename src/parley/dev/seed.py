"""`parley dev seed`: build a large workspace quickly, for benchmarks.

Rows are bulk-inserted with SQLAlchemy Core in batches (no per-row actions, no events:
a seed is an import, not a live change), with a progress bar per table. The workspace's
owner is made a member of `owner_channels` channels so that unread counts can be measured
for a member of many channels.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, update

from parley.features.messages.counters import recount_workspace
from parley.features.messages.models import Message
from parley.features.users.models import User
from parley.features.workspaces.actions import check_create_workspace
from parley.platform.clock import utc_now
from parley.platform.db import Database
from parley.platform.ids import new_id
from parley.platform.spaces import Conversation, ConversationMember
from parley.platform.ts import format_ts

WORDS = (
    "deploy",
    "release",
    "customer",
    "budget",
    "roadmap",
    "meeting",
    "design",
    "review",
    "incident",
    "latency",
    "database",
    "search",
    "invoice",
    "contract",
    "launch",
    "feedback",
    "sprint",
    "ticket",
    "backlog",
    "metrics",
    "dashboard",
    "onboarding",
    "hiring",
    "travel",
    "lunch",
    "coffee",
    "weekend",
    "quarterly",
    "planning",
    "security",
    "audit",
    "migration",
    "kubernetes",
    "python",
    "postgres",
    "redis",
    "websocket",
    "browser",
    "mobile",
    "android",
    "iphone",
    "pricing",
    "renewal",
    "partner",
    "webinar",
    "newsletter",
    "support",
    "escalation",
    "outage",
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SeedPlan:
    users: int = 1_000
    channels: int = 100
    messages: int = 10_000
    members_per_channel: int = 20
    owner_channels: int = 100
    batch: int = 5_000
    seed: int = 7


@dataclass(frozen=True)
class SeedResult:
    team_id: str
    owner_id: str
    owner_token: str
    channel_ids: list[str]
    seconds: float


def _batches(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(total, start + size)


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 18)))


async def _insert_batches(
    db: Database,
    table: Any,
    rows: Callable[[int, int], list[dict[str, Any]]],
    total: int,
    size: int,
    label: str,
    progress: Progress,
) -> None:
    done = 0
    for start, end in _batches(total, size):
        async with db.write() as uow:
            await uow.session.execute(insert(table), rows(start, end))
        done = end
        progress(label, done, total)


async def seed_workspace(db: Database, plan: SeedPlan, progress: Progress) -> SeedResult:
    """Create a workspace of the planned size; returns its ids and the owner's token."""
    began = time.monotonic()
    rng = random.Random(plan.seed)
    async with db.write() as uow:
        created = await check_create_workspace(
            uow,
            name="Seeded",
            domain=f"seed-{new_id('', 6).lower()}",
            owner_email="owner@seed.example",
            owner_password="seed-password",
            owner_name="Seed Owner",
        )
    team_id, owner_id = created.workspace.id, created.owner.id
    now = utc_now()
    user_ids = [new_id("U") for _ in range(plan.users - 1)]

    def user_rows(start: int, end: int) -> list[dict[str, Any]]:
        return [
            {
                "id": user_ids[i],
                "workspace_id": team_id,
                "name": f"user{i}",
                "email": f"user{i}@seed.example",
                "real_name": f"Seed User {i}",
                "created": now,
                "updated": 0,
            }
            for i in range(start, end)
        ]

    await _insert_batches(db, User, user_rows, len(user_ids), plan.batch, "users", progress)
    channel_ids = [new_id("C") for _ in range(plan.channels)]
    created_at = int(time.time()) - 86_400 * 30

    def channel_rows(start: int, end: int) -> list[dict[str, Any]]:
        return [
            {
                "id": channel_ids[i],
                "workspace_id": team_id,
                "kind": "channel",
                "name": f"seed-channel-{i}",
                "creator": owner_id,
                "created": created_at,
            }
            for i in range(start, end)
        ]

    await _insert_batches(
        db, Conversation, channel_rows, plan.channels, plan.batch, "channels", progress
    )
    members = _plan_memberships(rng, plan, channel_ids, user_ids, owner_id)

    def member_rows(start: int, end: int) -> list[dict[str, Any]]:
        return [
            {"conversation_id": c, "user_id": u, "workspace_id": team_id, "joined": now}
            for c, u in members[start:end]
        ]

    await _insert_batches(
        db, ConversationMember, member_rows, len(members), plan.batch, "memberships", progress
    )
    await _seed_messages(
        db, rng, plan, team_id, channel_ids, [owner_id, *user_ids], created_at, progress
    )
    return SeedResult(team_id, owner_id, created.owner_token, channel_ids, time.monotonic() - began)


def _plan_memberships(
    rng: random.Random, plan: SeedPlan, channel_ids: list[str], user_ids: list[str], owner_id: str
) -> list[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    per_channel = min(plan.members_per_channel, len(user_ids))
    for channel in channel_ids:
        for user in rng.sample(user_ids, per_channel):
            pairs.add((channel, user))
    for channel in channel_ids[: plan.owner_channels]:
        pairs.add((channel, owner_id))
    return sorted(pairs)


async def _seed_messages(
    db: Database,
    rng: random.Random,
    plan: SeedPlan,
    team_id: str,
    channel_ids: list[str],
    authors: list[str],
    created_at: int,
    progress: Progress,
) -> None:
    """Messages spread over the channels with strictly increasing ts per channel."""
    start_micros = created_at * 1_000_000
    step = max(1, (int(time.time()) * 1_000_000 - start_micros) // max(1, plan.messages))
    last_ts: dict[str, str] = {}
    now = utc_now()

    def message_rows(start: int, end: int) -> list[dict[str, Any]]:
        rows = []
        for i in range(start, end):
            channel = channel_ids[i % len(channel_ids)]
            ts = format_ts(start_micros + i * step)
            last_ts[channel] = ts
            rows.append(
                {
                    "workspace_id": team_id,
                    "conversation_id": channel,
                    "ts": ts,
                    "user_id": rng.choice(authors),
                    "text": _sentence(rng),
                    "created": now,
                }
            )
        return rows

    await _insert_batches(
        db, Message, message_rows, plan.messages, plan.batch, "messages", progress
    )
    async with db.write() as uow:
        for channel, ts in last_ts.items():
            await uow.session.execute(
                update(Conversation).where(Conversation.id == channel).values(last_ts=ts)
            )
        # Rows went in below the actions: count what each channel shows and each member saw.
        await recount_workspace(uow.session, team_id)
