"""Workspace (Slack "team") table, and the directory of which shard each one lives on."""

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
    # Set on the shard a workspace moved away from, in the move's final switch: the fence
    # every write checks (`db.check_fence`, `events.emit.take_event_seqs`). Decision 0010.
    moved_to: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)


class WorkspaceShard(Base):
    """The directory (on the primary database only): which shard holds a workspace, and
    its domain, unique across shards (sign-in by domain finds the shard here). A workspace
    with no row lives on the primary: an unsharded instance never writes here."""

    __tablename__ = "workspace_shards"

    workspace_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    shard: Mapped[str] = mapped_column(String(64), index=True)
    domain: Mapped[str] = mapped_column(String(64), unique=True)
    placed: Mapped[datetime] = mapped_column(DateTime(timezone=True))
