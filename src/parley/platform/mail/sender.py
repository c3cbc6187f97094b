"""Hand one message to the SMTP relay. The standard library's smtplib, in a thread: a
handful of mails a minute do not justify another dependency, and a thread keeps a slow
relay off the event loop."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from parley.platform.mail.config import SmtpConfig

TIMEOUT_SECONDS = 30


def build_message(config: SmtpConfig, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config.host)
    message.set_content(text)
    return message


def _send_blocking(config: SmtpConfig, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.implicit_tls:
        client = smtplib.SMTP_SSL(
            config.host, config.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
    with client:
        if config.starttls:
            client.starttls(context=context)
        if config.username:
            client.login(config.username, config.password)
        client.send_message(message)


async def send_mail(config: SmtpConfig, to: str, subject: str, text: str) -> None:
    """Deliver to the relay; raises OSError/smtplib.SMTPException when it refuses."""
    message = build_message(config, to, subject, text)
    await asyncio.to_thread(_send_blocking, config, message)
