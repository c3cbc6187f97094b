"""Delivers scheduled messages when they are due (see chat.scheduleMessage).

Rows live in the database, so delivery survives restarts: whatever came due while the
server was down goes out on the next tick. Several nodes may run this loop; each row is
claimed with a conditional UPDATE (`… WHERE delivered = false`) in the same transaction
that posts it, so exactly one node delivers it.
"""

from __future__ import annotations

import asyncio
import logging

from parley.features.conversations.interface import get_conversation
from parley.features.messages import actions, store
from parley.platform.clock import unix_now
from parley.platform.errors import ApiError
from parley.platform.services import Services

log = logging.getLogger("parley.scheduler")

TICK_SECONDS = 0.5  # wakes at least every second, so a message is at most ~1 s late


async def deliver_one(services: Services, scheduled_id: str) -> bool:
    """Claim and post one due row; False if another node got it first."""
    async with services.db.write() as uow:
        if not await actions.claim_scheduled(uow, scheduled_id):
            return False
        row = await store.get_scheduled_by_id(uow.session, scheduled_id)
        if row is None:
            return False
        conversation = await get_conversation(uow.session, row.workspace_id, row.conversation_id)
        if conversation is None or conversation.is_archived:
            log.info("scheduled message %s dropped: conversation gone or archived", row.id)
            return True
        payload = dict(row.payload or {})
        try:
            message = await actions.do_post_message(
                uow,
                conversation,
                user_id=row.user_id,
                text=row.text,
                blocks=payload.get("blocks"),
                attachments=payload.get("attachments"),
                thread_ts=payload.get("thread_ts"),
                reply_broadcast=bool(payload.get("reply_broadcast")),
                bot_id=payload.get("bot_id"),
                app_id=payload.get("app_id"),
                username=payload.get("username"),
                icons=payload.get("icons"),
                metadata=payload.get("metadata"),
                mrkdwn=bool(payload.get("mrkdwn", True)),
                unfurl_links=bool(payload.get("unfurl_links", True)),
                unfurl_media=bool(payload.get("unfurl_media", True)),
            )
        except ApiError as error:  # e.g. the thread was deleted meanwhile
            log.info("scheduled message %s not delivered: %s", row.id, error.code)
            return True
        row.delivered_ts = message.ts
    return True


async def deliver_due(services: Services, now: int | None = None) -> int:
    """Deliver every row due at `now`; returns how many this node delivered."""
    async with services.db.read() as session:
        due = await store.due_scheduled_ids(session, unix_now() if now is None else now)
    delivered = 0
    for scheduled_id in due:
        if await deliver_one(services, scheduled_id):
            delivered += 1
    return delivered


async def run_scheduler(services: Services) -> None:
    """The worker loop: deliver what is due, then sleep a tick; forever."""
    while True:
        try:
            await deliver_due(services)
        except asyncio.CancelledError:
            raise
        except Exception:  # a database hiccup must not stop future deliveries
            log.exception("scheduled delivery failed; retrying")
        await asyncio.sleep(TICK_SECONDS)
