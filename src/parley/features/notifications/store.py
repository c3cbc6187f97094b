"""Queries of the notifications feature; each scoped by workspace. No commits, no events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.notifications.models import (
    ConversationNotificationPref,
    Draft,
    NotificationSettings,
    Reminder,
)
from parley.platform.spaces import ConversationMember


async def get_settings(
    session: AsyncSession, workspace_id: str, user_id: str
) -> NotificationSettings | None:
    return await session.get(NotificationSettings, (workspace_id, user_id))


async def settings_of(
    session: AsyncSession, workspace_id: str, user_ids: Sequence[str]
) -> dict[str, NotificationSettings]:
    if not user_ids:
        return {}
    rows = await session.scalars(
        select(NotificationSettings).where(
            NotificationSettings.workspace_id == workspace_id,
            NotificationSettings.user_id.in_(list(user_ids)),
        )
    )
    return {row.user_id: row for row in rows}


async def get_pref(
    session: AsyncSession, workspace_id: str, user_id: str, conversation_id: str
) -> ConversationNotificationPref | None:
    return await session.get(ConversationNotificationPref, (workspace_id, user_id, conversation_id))


async def prefs_in(
    session: AsyncSession, workspace_id: str, conversation_id: str, user_ids: Sequence[str]
) -> dict[str, ConversationNotificationPref]:
    if not user_ids:
        return {}
    rows = await session.scalars(
        select(ConversationNotificationPref).where(
            ConversationNotificationPref.workspace_id == workspace_id,
            ConversationNotificationPref.conversation_id == conversation_id,
            ConversationNotificationPref.user_id.in_(list(user_ids)),
        )
    )
    return {row.user_id: row for row in rows}


async def prefs_of_member(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[ConversationNotificationPref]:
    rows = await session.scalars(
        select(ConversationNotificationPref).where(
            ConversationNotificationPref.workspace_id == workspace_id,
            ConversationNotificationPref.user_id == user_id,
        )
    )
    return list(rows)


async def members_of(session: AsyncSession, conversation_id: str) -> list[str]:
    rows = await session.scalars(
        select(ConversationMember.user_id).where(
            ConversationMember.conversation_id == conversation_id
        )
    )
    return list(rows)


async def members_among(
    session: AsyncSession, conversation_id: str, user_ids: list[str]
) -> list[str]:
    """Which of `user_ids` are members of the conversation (a primary-key probe each)."""
    if not user_ids:
        return []
    rows = await session.scalars(
        select(ConversationMember.user_id).where(
            ConversationMember.conversation_id == conversation_id,
            ConversationMember.user_id.in_(user_ids),
        )
    )
    return list(rows)


async def members_who_may_want_all(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> list[str]:
    """Members of the conversation a message might notify without naming them: those with
    keywords or the level "all" (their own or this conversation's). One indexed query each
    way, whatever the size of the channel."""
    members = ConversationMember
    by_settings = (
        select(members.user_id)
        .join(
            NotificationSettings,
            (NotificationSettings.workspace_id == workspace_id)
            & (NotificationSettings.user_id == members.user_id),
        )
        .where(
            members.conversation_id == conversation_id,
            or_(NotificationSettings.keywords != "", NotificationSettings.level == "all"),
        )
    )
    by_pref = select(ConversationNotificationPref.user_id).where(
        ConversationNotificationPref.workspace_id == workspace_id,
        ConversationNotificationPref.conversation_id == conversation_id,
        ConversationNotificationPref.level == "all",
    )
    found = set(await session.scalars(by_settings)) | set(await session.scalars(by_pref))
    return sorted(found)


async def get_reminder(
    session: AsyncSession, workspace_id: str, reminder_id: str, *, for_update: bool = False
) -> Reminder | None:
    query = select(Reminder).where(
        Reminder.workspace_id == workspace_id, Reminder.id == reminder_id
    )
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).first()


async def list_reminders(session: AsyncSession, workspace_id: str, user_id: str) -> list[Reminder]:
    rows = await session.scalars(
        select(Reminder)
        .where(Reminder.workspace_id == workspace_id, Reminder.user_id == user_id)
        .order_by(Reminder.time, Reminder.id)
    )
    return list(rows)


async def due_reminder_ids(session: AsyncSession, now: int, limit: int = 200) -> list[str]:
    """Incomplete reminders whose time has come and that have not fired at that time."""
    rows = await session.scalars(
        select(Reminder.id)
        .where(
            Reminder.complete_ts == 0,
            Reminder.time <= now,
            Reminder.fired_time < Reminder.time,
        )
        .order_by(Reminder.time)
        .limit(limit)
    )
    return list(rows)


async def get_draft(
    session: AsyncSession, workspace_id: str, user_id: str, conversation_id: str, thread_ts: str
) -> Draft | None:
    return await session.get(Draft, (workspace_id, user_id, conversation_id, thread_ts))


async def list_drafts(session: AsyncSession, workspace_id: str, user_id: str) -> list[Draft]:
    rows = await session.scalars(
        select(Draft)
        .where(Draft.workspace_id == workspace_id, Draft.user_id == user_id)
        .order_by(Draft.date_updated.desc())
    )
    return list(rows)
