"""Conversations (public/private channels, DMs, group DMs) and their members' read state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base

KINDS = ("channel", "group", "im", "mpim")  # group = private channel
ZERO_TS = "0000000000.000000"


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        UniqueConstraint("workspace_id", "dm_key"),
        Index("ix_conversations_workspace_id_kind", "workspace_id", "kind"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    # Channel name (unique per workspace); NULL for DMs and group DMs, which use dm_key.
    name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # Sorted member ids joined by ",", so opening the same DM twice finds the same row.
    dm_key: Mapped[str | None] = mapped_column(String(400), nullable=True)
    is_general: Mapped[bool] = mapped_column(Boolean, default=False)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    creator: Mapped[str] = mapped_column(String(24))
    created: Mapped[int] = mapped_column(BigInteger)
    updated: Mapped[int] = mapped_column(BigInteger, default=0)
    topic: Mapped[str] = mapped_column(Text, default="")
    topic_creator: Mapped[str] = mapped_column(String(24), default="")
    topic_last_set: Mapped[int] = mapped_column(BigInteger, default=0)
    purpose: Mapped[str] = mapped_column(Text, default="")
    purpose_creator: Mapped[str] = mapped_column(String(24), default="")
    purpose_last_set: Mapped[int] = mapped_column(BigInteger, default=0)
    previous_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The newest `ts` handed out here; new messages get a strictly greater one (row lock).
    last_ts: Mapped[str] = mapped_column(String(17), default=ZERO_TS)
    # Messages shown in the channel view (top level or broadcast, not deleted), those of them
    # that mention everyone, and the newest one's ts: kept on write by the messages feature so
    # that unread counts are a subtraction (ConversationMember.seen_*), not a scan (issue 14).
    shown_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    shown_everyone_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    latest_shown_ts: Mapped[str | None] = mapped_column(String(17), nullable=True)
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def is_private(self) -> bool:
        return self.kind != "channel"

    @property
    def is_dm(self) -> bool:
        return self.kind in {"im", "mpim"}


class ConversationMember(Base):
    __tablename__ = "conversation_members"
    __table_args__ = (
        Index("ix_conversation_members_workspace_id_user_id", "workspace_id", "user_id"),
    )

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(String(24))
    joined: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_read: Mapped[str] = mapped_column(String(17), default=ZERO_TS)
    # Of the conversation's shown messages, how many this member does not count as unread:
    # those up to last_read and their own. unread = shown_count - seen_count (same for the
    # `<!here>`-style ones), maintained with the conversation's counters.
    seen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seen_everyone_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # DMs can be closed (hidden from the sidebar) without leaving them.
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
