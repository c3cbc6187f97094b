"""Workspace (Slack "team") table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    domain: Mapped[str] = mapped_column(String(64), unique=True)
    email_domain: Mapped[str] = mapped_column(String(255), default="")
    icon_url: Mapped[str] = mapped_column(String(1024), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Last event sequence number handed out in this workspace. Incremented inside each write
    # transaction (a row lock on PostgreSQL), so sequence numbers commit in order.
    event_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
