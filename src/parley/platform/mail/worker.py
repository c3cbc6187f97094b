"""The mail worker: sends due outbox rows, retrying failures with exponential backoff.

Each row is claimed before it is sent (its next attempt pushed past the send timeout by a
guarded update), so two nodes never send one mail twice in the normal case; a node that
dies mid-send leaves the row to be retried when the claim runs out (at least once).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from datetime import timedelta

from sqlalchemy import select, update

from parley.platform.clock import utc_now
from parley.platform.mail.config import SmtpConfig, UnusableSmtpUrl, smtp_config
from parley.platform.mail.models import OutboundMail
from parley.platform.mail.sender import TIMEOUT_SECONDS, send_mail
from parley.platform.services import Services

log = logging.getLogger("parley.platform.mail")

POLL_SECONDS = 1.0
BATCH = 20
MAX_ATTEMPTS = 8  # 30 s doubling: the last try is about an hour after the first
FIRST_RETRY = timedelta(seconds=30)
CLAIM = timedelta(seconds=TIMEOUT_SECONDS * 3)


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    delay: timedelta = FIRST_RETRY * (2 ** min(attempts - 1, 10))
    return min(delay, timedelta(hours=1))


async def _due(services: Services) -> list[OutboundMail]:
    async with services.db.read() as session:
        rows = await session.execute(
            select(OutboundMail)
            .where(OutboundMail.state == "pending", OutboundMail.next_attempt_at <= utc_now())
            .order_by(OutboundMail.id)
            .limit(BATCH)
        )
        return list(rows.scalars().all())


async def _claim(services: Services, mail: OutboundMail) -> bool:
    async with services.db.write() as uow:
        claimed = await uow.session.execute(
            update(OutboundMail)
            .where(
                OutboundMail.id == mail.id,
                OutboundMail.state == "pending",
                OutboundMail.attempts == mail.attempts,
            )
            .values(next_attempt_at=utc_now() + CLAIM, attempts=mail.attempts + 1)
        )
        return getattr(claimed, "rowcount", 0) == 1


async def _record(services: Services, mail_id: int, attempts: int, error: str | None) -> None:
    values: dict[str, object]
    if error is None:
        values = {"state": "sent", "sent_at": utc_now(), "last_error": ""}
    elif attempts >= MAX_ATTEMPTS:
        values = {"state": "failed", "last_error": error[:500]}
    else:
        values = {"next_attempt_at": utc_now() + retry_delay(attempts), "last_error": error[:500]}
    async with services.db.write() as uow:
        await uow.session.execute(
            update(OutboundMail).where(OutboundMail.id == mail_id).values(**values)
        )


async def _deliver(services: Services, config: SmtpConfig, mail: OutboundMail) -> None:
    if not await _claim(services, mail):
        return  # another node has it
    error: str | None = None
    try:
        await send_mail(config, mail.to_address, mail.subject, mail.body_text)
    except (OSError, smtplib.SMTPException) as failure:
        error = f"{type(failure).__name__}: {failure}"
        log.warning(
            "mail %s to the relay failed (attempt %s): %s", mail.id, mail.attempts + 1, error
        )
    await _record(services, mail.id, mail.attempts + 1, error)


async def send_due_mail(services: Services) -> int:
    """One pass: send what is due; returns how many rows were looked at."""
    config = smtp_config(services.settings)
    if config is None:
        return 0  # rows wait: configuring SMTP later sends them
    due = await _due(services)
    for mail in due:
        await _deliver(services, config, mail)
    return len(due)


async def run_mail_worker(services: Services) -> None:
    """Worker loop (started by `platform/workers/runner.py` on every node and shard)."""
    try:
        smtp_config(services.settings)
    except UnusableSmtpUrl as error:
        log.error("%s; no email will be sent", error)
        return
    if services.settings.smtp_url == "":
        log.info("email is not configured (PARLEY_SMTP_URL): mails wait in the outbox")
    while True:
        handled = await send_due_mail(services)
        if handled < BATCH:
            await asyncio.sleep(POLL_SECONDS)
