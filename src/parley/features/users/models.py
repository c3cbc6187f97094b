"""User table: the members of a workspace (people and bots), with what Slack shows of them.

A person's login lives on their account (`features/accounts`); `account_id` links the
member to it, so one account can be a member of several workspaces. Bots have no account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
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
        UniqueConstraint("workspace_id", "account_id"),
        Index("ix_users_workspace_id_id", "workspace_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(255), nullable=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True, index=True
    )
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
    # Moved by a database trigger on every UPDATE of the row (migration 0013): users.list
    # keys its rendered JSON on it. Never written by the application.
    render_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


# Custom profile fields (Slack's team.profile): the workspace defines them, members fill them.
FIELD_TYPES = ("text", "long_text", "date", "link", "options_list", "user")


class ProfileField(Base):
    """A field every member's profile may show (team.profile.get), defined by admins."""

    __tablename__ = "profile_fields"
    __table_args__ = (Index("ix_profile_fields_workspace_id", "workspace_id"),)

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(255))
    hint: Mapped[str] = mapped_column(String(255), default="")
    type: Mapped[str] = mapped_column(String(16), default="text")
    possible_values: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    ordering: Mapped[int] = mapped_column(Integer, default=0)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    section_id: Mapped[str] = mapped_column(String(24), default="")


class ProfileFieldValue(Base):
    """One member's value of one custom field (`profile.fields` in users.profile.*)."""

    __tablename__ = "profile_field_values"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[str] = mapped_column(
        ForeignKey("profile_fields.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(2048), default="")
    alt: Mapped[str] = mapped_column(String(255), default="")
