"""platform/mail: the outbox is sent through a real SMTP server, failures retried with
backoff, nothing sent (and nothing lost) while email is not configured."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from parley.main import build_services
from parley.platform.clock import utc_now
from parley.platform.mail.config import UnusableSmtpUrl, parse_smtp_url
from parley.platform.mail.models import OutboundMail
from parley.platform.mail.outbox import enqueue_mail
from parley.platform.mail.worker import MAX_ATTEMPTS, retry_delay, send_due_mail
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import free_port
from tests.mail import SmtpServer


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp_server: SmtpServer) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        public_url="http://parley.test",
        smtp_url=smtp_server.url,
        mail_from="Parley <parley@x.test>",
    )


async def _queue(services: Services, to: str) -> int:
    async with services.db.write() as uow:
        mail = await enqueue_mail(
            uow, workspace_id=None, kind="test", to=to, subject="Hello", text="Body line\n"
        )
        return mail.id


async def _row(services: Services, mail_id: int) -> OutboundMail:
    async with services.db.read() as session:
        row = await session.get(OutboundMail, mail_id)
        assert row is not None
        return row


def test_smtp_url_forms() -> None:
    config = parse_smtp_url("smtp://me%40x:p%3Ass@mail.example:2525?starttls=true", "")
    assert (config.host, config.port, config.username, config.password) == (
        "mail.example",
        2525,
        "me@x",
        "p:ss",
    )
    assert config.starttls and not config.implicit_tls
    assert parse_smtp_url("smtps://mail.example", "A <a@x>").port == 465
    with pytest.raises(UnusableSmtpUrl):
        parse_smtp_url("http://mail.example", "")


async def test_queued_mail_reaches_the_smtp_server(
    services: Services, smtp_server: SmtpServer
) -> None:
    mail_id = await _queue(services, "reader@x.example")
    await send_due_mail(services)
    [received] = smtp_server.wait_for("reader@x.example")
    assert received.subject == "Hello" and "Body line" in received.text
    assert received.message["From"] == "Parley <parley@x.test>"
    row = await _row(services, mail_id)
    assert row.state == "sent" and row.attempts == 1 and row.sent_at is not None
    await send_due_mail(services)  # sent once only
    assert len(smtp_server.mails_to("reader@x.example")) == 1


async def test_a_refusing_relay_is_retried_with_backoff(
    settings: Settings, services: Services, smtp_server: SmtpServer
) -> None:
    mail_id = await _queue(services, "later@x.example")
    dead = build_services(settings.with_overrides(smtp_url=f"smtp://127.0.0.1:{free_port()}"))
    try:
        await send_due_mail(dead)
    finally:
        await dead.db.dispose()
    row = await _row(services, mail_id)
    assert row.state == "pending" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at.replace(tzinfo=None) > utc_now().replace(tzinfo=None)
    assert retry_delay(1) == timedelta(seconds=30) and retry_delay(2) == timedelta(seconds=60)
    assert retry_delay(20) == timedelta(hours=1)
    # Once due again, the working relay delivers it.
    async with services.db.write() as uow:
        await uow.session.execute(
            update(OutboundMail).where(OutboundMail.id == mail_id).values(next_attempt_at=utc_now())
        )
    await send_due_mail(services)
    smtp_server.wait_for("later@x.example")
    assert (await _row(services, mail_id)).state == "sent"


async def test_gives_up_after_the_last_attempt(settings: Settings, services: Services) -> None:
    mail_id = await _queue(services, "never@x.example")
    async with services.db.write() as uow:
        await uow.session.execute(
            update(OutboundMail).where(OutboundMail.id == mail_id).values(attempts=MAX_ATTEMPTS - 1)
        )
    dead = build_services(settings.with_overrides(smtp_url=f"smtp://127.0.0.1:{free_port()}"))
    try:
        await send_due_mail(dead)
    finally:
        await dead.db.dispose()
    assert (await _row(services, mail_id)).state == "failed"


async def test_without_smtp_mail_waits_in_the_outbox(settings: Settings) -> None:
    unconfigured = build_services(settings.with_overrides(smtp_url=""))
    try:
        mail_id = await _queue(unconfigured, "waiting@x.example")
        assert await send_due_mail(unconfigured) == 0
        async with unconfigured.db.read() as session:
            state = await session.scalar(
                select(OutboundMail.state).where(OutboundMail.id == mail_id)
            )
        assert state == "pending"
    finally:
        await unconfigured.db.dispose()
