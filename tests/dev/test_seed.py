"""`parley dev seed` builds a consistent workspace: counts, membership, increasing ts."""

from __future__ import annotations

from sqlalchemy import func, select

from parley.dev.seed import SeedPlan, seed_workspace
from parley.features.messages.models import Message
from parley.features.users.models import User
from parley.platform.services import Services
from parley.platform.spaces import Conversation, ConversationMember


async def test_seed_builds_the_planned_workspace(services: Services) -> None:
    db = services.db
    seen: dict[str, int] = {}
    plan = SeedPlan(
        users=60, channels=7, messages=300, members_per_channel=5, owner_channels=4, batch=50
    )
    result = await seed_workspace(db, plan, lambda label, done, total: seen.update({label: done}))
    assert seen["messages"] == 300
    async with db.read() as session:
        users = await session.scalar(
            select(func.count()).select_from(User).where(User.workspace_id == result.team_id)
        )
        owner_channels = await session.scalar(
            select(func.count())
            .select_from(ConversationMember)
            .where(
                ConversationMember.user_id == result.owner_id,
                ConversationMember.conversation_id.in_(result.channel_ids),
            )
        )
        rows = (
            await session.execute(
                select(Message.conversation_id, Message.ts)
                .where(Message.workspace_id == result.team_id)
                .order_by(Message.id)
            )
        ).all()
        last = dict(
            (
                await session.execute(
                    select(Conversation.id, Conversation.last_ts).where(
                        Conversation.id.in_(result.channel_ids)
                    )
                )
            ).all()
        )
    assert users == 60
    assert owner_channels == 4
    per_channel: dict[str, list[str]] = {}
    for channel, ts in rows:
        per_channel.setdefault(channel, []).append(ts)
    for channel, stamps in per_channel.items():
        assert stamps == sorted(stamps)
        assert len(set(stamps)) == len(stamps)
        assert last[channel] == stamps[-1]
