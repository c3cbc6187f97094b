"""The web client's views that Slack's public API has no method for: drafts kept
server-side, the threads a member follows (with unread replies), their activity (mentions
and reactions to their messages) and what they sent lately. Reads are scoped by workspace
and by what the member may read (`platform/visibility.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations.interface import access_conversation
from parley.features.messages.models import Mention, Message
from parley.features.notifications import store
from parley.features.notifications.models import Draft, ThreadRead
from parley.features.reactions.models import Reaction
from parley.platform.auth.principal import Principal
from parley.platform.clock import as_utc, event_ts, unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, users_audience
from parley.platform.visibility import in_readable_conversation

MAX_DRAFT = 40_000
VIEW_LIMIT = 50


# --- drafts ---------------------------------------------------------------------------------


def draft_object(draft: Draft) -> dict[str, Any]:
    return {
        "channel": draft.conversation_id,
        "thread_ts": draft.thread_ts or None,
        "text": draft.text,
        "date_updated": draft.date_updated,
    }


async def check_save_draft(
    uow: UnitOfWork, principal: Principal, channel: str | None, thread_ts: str | None, text: str
) -> Draft | None:
    """Keep the composer's text for this conversation (and thread); empty text deletes it.
    The member must be able to read the conversation (`channel_not_found`)."""
    if len(text) > MAX_DRAFT:
        raise ApiError("msg_too_long")
    access = await access_conversation(uow.session, principal, channel)
    key = (principal.workspace_id, principal.user_id, access.conversation.id, thread_ts or "")
    draft = await store.get_draft(uow.session, *key)
    if not text.strip():
        if draft is not None:
            await uow.session.delete(draft)
            await uow.session.flush()
            await _announce(uow, principal, "draft_deleted", draft_object(draft))
        return None
    if draft is None:
        draft = Draft(
            workspace_id=key[0],
            user_id=key[1],
            conversation_id=key[2],
            thread_ts=key[3],
            text=text,
            date_updated=unix_now(),
        )
        uow.session.add(draft)
    else:
        draft.text, draft.date_updated = text, unix_now()
    await uow.session.flush()
    await _announce(uow, principal, "draft_saved", draft_object(draft))
    return draft


async def _announce(
    uow: UnitOfWork, principal: Principal, kind: str, draft: dict[str, Any]
) -> None:
    """The member's other devices update their composer and Drafts view."""
    payload = {"type": kind, "draft": draft, "event_ts": event_ts()}
    await emit(uow, principal.workspace_id, payload, users_audience([principal.user_id]))


async def readable_drafts(session: AsyncSession, principal: Principal) -> list[Draft]:
    drafts = await store.list_drafts(session, principal.workspace_id, principal.user_id)
    readable = []
    for draft in drafts:
        try:
            await access_conversation(session, principal, draft.conversation_id)
        except ApiError:
            continue  # left a private channel since: the draft is kept, not shown
        readable.append(draft)
    return readable


# --- threads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowedThread:
    root: Message
    last_read: str

    @property
    def unread(self) -> bool:
        return bool(self.root.latest_reply) and (self.root.latest_reply or "") > self.last_read


async def followed_threads(session: AsyncSession, principal: Principal) -> list[FollowedThread]:
    """Threads the member started (with replies), replied to or was mentioned in; unread
    ones first, then by latest reply."""
    me, ws = principal.user_id, principal.workspace_id
    readable = in_readable_conversation(principal, Message.conversation_id)
    replied = select(Message.conversation_id, Message.thread_ts).where(
        Message.workspace_id == ws,
        Message.user_id == me,
        Message.thread_ts.is_not(None),
        Message.ts != Message.thread_ts,
    )
    mentioned = (
        select(Message.conversation_id, Message.thread_ts)
        .join(Mention, Mention.message_id == Message.id)
        .where(Mention.workspace_id == ws, Mention.user_id == me, Message.thread_ts.is_not(None))
    )
    keys = {(c, t) for c, t in (await session.execute(replied.union(mentioned))).all() if t}
    started = select(Message).where(
        Message.workspace_id == ws,
        Message.user_id == me,
        Message.reply_count > 0,
        Message.thread_ts == Message.ts,
        readable,
    )
    roots = {(m.conversation_id, m.ts): m for m in await session.scalars(started)}
    wanted = [key for key in keys if key not in roots]
    if wanted:
        pairs = [and_(Message.conversation_id == c, Message.ts == t) for c, t in wanted]
        more = select(Message).where(Message.workspace_id == ws, or_(*pairs), readable)
        roots.update({(m.conversation_id, m.ts): m for m in await session.scalars(more)})
    reads = await _thread_reads(session, ws, me)
    threads = [
        FollowedThread(root, reads.get(key, root.ts))
        for key, root in roots.items()
        if not root.is_deleted or root.reply_count
    ]
    threads.sort(key=lambda t: (not t.unread, _neg(t.root.latest_reply or t.root.ts)))
    return threads[:VIEW_LIMIT]


def _neg(ts: str) -> str:
    """Sort key for newest first within a group (ts strings are fixed width)."""
    return "".join(chr(255 - ord(ch)) for ch in ts)


async def _thread_reads(session: AsyncSession, ws: str, me: str) -> dict[tuple[str, str], str]:
    rows = await session.scalars(
        select(ThreadRead).where(ThreadRead.workspace_id == ws, ThreadRead.user_id == me)
    )
    return {(row.conversation_id, row.thread_ts): row.last_read for row in rows}


async def check_mark_thread(
    uow: UnitOfWork, principal: Principal, channel: str | None, thread_ts: str, ts: str
) -> None:
    """The member read the thread up to `ts`; `thread_marked` tells their other devices."""
    access = await access_conversation(uow.session, principal, channel)
    key = (principal.workspace_id, principal.user_id, access.conversation.id, thread_ts)
    row = await uow.session.get(ThreadRead, key)
    if row is None:
        row = ThreadRead(
            workspace_id=key[0],
            user_id=key[1],
            conversation_id=key[2],
            thread_ts=key[3],
            last_read=ts,
        )
        uow.session.add(row)
    elif ts > row.last_read:
        row.last_read = ts
    await uow.session.flush()
    payload = {
        "type": "thread_marked",
        "channel": key[2],
        "thread_ts": thread_ts,
        "ts": row.last_read,
        "event_ts": event_ts(),
    }
    await emit(uow, principal.workspace_id, payload, users_audience([principal.user_id]))


# --- activity and sent ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityItem:
    kind: str  # mention | reaction
    message: Message
    at: float  # when it happened, Unix seconds (for ordering)
    user: str  # who mentioned or reacted
    reaction: str | None = None


async def activity(session: AsyncSession, principal: Principal) -> list[ActivityItem]:
    """Mentions of the member and reactions to their messages, newest first."""
    me, ws = principal.user_id, principal.workspace_id
    readable = in_readable_conversation(principal, Message.conversation_id)
    mentions = await session.scalars(
        select(Message)
        .join(Mention, Mention.message_id == Message.id)
        .where(Mention.workspace_id == ws, Mention.user_id == me, ~Message.is_deleted, readable)
        .order_by(Mention.ts.desc())
        .limit(VIEW_LIMIT)
    )
    items = [ActivityItem("mention", m, float(m.ts), m.user_id or "") for m in mentions]
    reactions = await session.execute(
        select(Message, Reaction.user_id, Reaction.name, Reaction.created)
        .join(Reaction, Reaction.message_id == Message.id)
        .where(
            Message.workspace_id == ws,
            Message.user_id == me,
            Reaction.user_id != me,
            ~Message.is_deleted,
            readable,
        )
        .order_by(Reaction.created.desc())
        .limit(VIEW_LIMIT)
    )
    for message, user_id, name, created in reactions.all():
        items.append(ActivityItem("reaction", message, as_utc(created).timestamp(), user_id, name))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:VIEW_LIMIT]


async def sent_messages(session: AsyncSession, principal: Principal) -> list[Message]:
    rows = await session.scalars(
        select(Message)
        .where(
            Message.workspace_id == principal.workspace_id,
            Message.user_id == principal.user_id,
            ~Message.is_deleted,
            Message.subtype.is_(None) | (Message.subtype == "thread_broadcast"),
            in_readable_conversation(principal, Message.conversation_id),
        )
        .order_by(Message.created.desc())
        .limit(VIEW_LIMIT)
    )
    return list(rows)
