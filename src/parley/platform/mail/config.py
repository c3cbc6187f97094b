"""SMTP settings: `PARLEY_SMTP_URL` (smtp://user:pass@host:port?starttls=true, or
smtps://… for implicit TLS) and `PARLEY_MAIL_FROM`."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from parley.platform.settings import Settings


class UnusableSmtpUrl(ValueError):
    """PARLEY_SMTP_URL cannot be used; the message is one line for the operator."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    implicit_tls: bool
    sender: str


def _flag(query: dict[str, list[str]], name: str) -> bool:
    return query.get(name, ["false"])[-1].strip().lower() in {"1", "true", "yes", "on"}


def parse_smtp_url(url: str, sender: str) -> SmtpConfig:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise UnusableSmtpUrl("PARLEY_SMTP_URL must look like smtp://user:pass@host:port")
    implicit = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if implicit else 25)
    except ValueError:
        raise UnusableSmtpUrl("PARLEY_SMTP_URL has an invalid port") from None
    query = parse_qs(parts.query)
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        starttls=_flag(query, "starttls"),
        implicit_tls=implicit,
        sender=sender or f"Parley <parley@{parts.hostname}>",
    )


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """The relay to send through, or None when email is not configured."""
    if not settings.smtp_url:
        return None
    return parse_smtp_url(settings.smtp_url, settings.mail_from)


def mail_configured(settings: Settings) -> bool:
    """Whether Parley can send email (the admin screens say so when it cannot)."""
    return bool(settings.smtp_url)
