"""The mail outbox: one row per message to send. A feature's "we emailed you" is a row
written in the same transaction as the change it reports, so it is never lost; the mail
worker sends it afterwards and retries with backoff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base

# pending: waiting for (another) attempt; sent: accepted by the relay; failed: gave up.
MAIL_STATES = ("pending", "sent", "failed")


class OutboundMail(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The workspace the mail is about (None: instance-wide); no foreign key, so a mail
    # about a workspace being deleted can still go out.
    workspace_id: Mapped[str | None] = mapped_column(String(24), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(32))  # invite, password_reset… (for operators)
    to_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
