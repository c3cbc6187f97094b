"""The event log (transactional outbox): every state change appends one row, same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class EventLog(Base):
    __tablename__ = "event_log"
    __table_args__ = (
        Index("ix_event_log_unpublished", "published", "workspace_id"),
        Index("ix_event_log_created", "created"),  # the retention prune (migration 0004)
    )

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Who may see it: {"kind": "workspace"} | {"kind": "conversation", "id": "C…"} |
    # {"kind": "users", "ids": [...]}. Resolved to sockets at delivery time.
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published: Mapped[bool] = mapped_column(Boolean, default=False)


class EventLogCursor(Base):
    """How far a log consumer (`events/consumer.py`) has handled a workspace's event log."""

    __tablename__ = "event_log_cursors"

    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(BigInteger)


class EventLogConsumerLease(Base):
    """Which node runs a log consumer, until when (renewed while it runs)."""

    __tablename__ = "event_log_consumer_leases"

    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))
