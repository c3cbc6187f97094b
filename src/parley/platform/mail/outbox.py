"""Queue a mail inside the caller's transaction: it is sent after commit, or not at all."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.clock import utc_now
from parley.platform.db import UnitOfWork
from parley.platform.mail.models import OutboundMail


async def enqueue_mail(
    uow: UnitOfWork,
    *,
    workspace_id: str | None,
    kind: str,
    to: str,
    subject: str,
    text: str,
) -> OutboundMail:
    """A pending outbox row; the mail worker picks it up once the transaction commits."""
    now = utc_now()
    mail = OutboundMail(
        workspace_id=workspace_id,
        kind=kind,
        to_address=to,
        subject=subject[:255],
        body_text=text,
        state="pending",
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created=now,
    )
    uow.session.add(mail)
    await uow.session.flush()
    return mail


async def recent_mail_count(session: AsyncSession, *, kind: str, to: str, within: timedelta) -> int:
    """How many mails of `kind` went (or are going) to `to` lately: for rate limits."""
    rows = await session.execute(
        select(OutboundMail.id).where(
            OutboundMail.kind == kind,
            OutboundMail.to_address == to,
            OutboundMail.created > utc_now() - within,
        )
    )
    return len(rows.all())
