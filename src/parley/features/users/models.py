"""User table: people and bot users of a workspace, with their profile."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base

ROLES = ("owner", "admin", "member", "guest")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("workspace_id", "email"),
        UniqueConstraint("workspace_id", "name"),
        Index("ix_users_workspace_id_id", "workspace_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(255), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    is_primary_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    bot_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    app_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    real_name: Mapped[str] = mapped_column(String(100), default="")
    display_name: Mapped[str] = mapped_column(String(80), default="")
    first_name: Mapped[str] = mapped_column(String(50), default="")
    last_name: Mapped[str] = mapped_column(String(50), default="")
    title: Mapped[str] = mapped_column(String(150), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    status_text: Mapped[str] = mapped_column(String(100), default="")
    status_emoji: Mapped[str] = mapped_column(String(100), default="")
    status_expiration: Mapped[int] = mapped_column(BigInteger, default=0)
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    avatar_url: Mapped[str] = mapped_column(String(1024), default="")
    color: Mapped[str] = mapped_column(String(6), default="9f69e7")
    manual_presence: Mapped[str] = mapped_column(String(8), default="auto")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[int] = mapped_column(BigInteger, default=0)
