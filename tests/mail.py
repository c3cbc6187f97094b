"""A real SMTP server for tests (aiosmtpd, on a free loopback port) that keeps what it
receives, so tests read the mail Parley sent the way a person would."""

from __future__ import annotations

import email
import re
import threading
import time
from dataclasses import dataclass
from email.message import Message
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",)) if hasattr(self.message, "get_body") else None
        return str(part.get_content() if part is not None else self.message.get_payload())

    def link(self, path_prefix: str) -> str:
        """The first URL in the body whose path starts with `path_prefix`."""
        found = re.search(r"https?://[^\s/]+" + re.escape(path_prefix) + r"\S+", self.text)
        assert found, f"no {path_prefix} link in: {self.text}"
        return found.group(0)


class _Collector:
    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.mails.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.collector = _Collector()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def mails_to(self, address: str) -> list[ReceivedMail]:
        with self.collector.lock:
            return [m for m in self.collector.mails if address.lower() in m.recipients]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15.0) -> list[ReceivedMail]:
        """Block until `count` mails reached `address` (the worker sends within seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mails = self.mails_to(address)
            if len(mails) >= count:
                return mails
            time.sleep(0.1)
        raise AssertionError(
            f"{count} mail(s) to {address} did not arrive: {self.mails_to(address)}"
        )
