"""Messages, their edit history, mentions, scheduled messages."""

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
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "ts"),
        UniqueConstraint("conversation_id", "client_msg_id"),
        Index("ix_messages_conversation_id_thread_ts_ts", "conversation_id", "thread_ts", "ts"),
        Index("ix_messages_workspace_id_user_id_ts", "workspace_id", "user_id", "ts"),
        # search's `has:link`: only messages with links, newest first
        Index(
            "ix_messages_has_link",
            "id",
            postgresql_where=sql_text("has_link"),
            sqlite_where=sql_text("has_link"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    ts: Mapped[str] = mapped_column(String(17))
    user_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    bot_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    app_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    subtype: Mapped[str | None] = mapped_column(String(32), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    # Sanitised HTML rendering of text + blocks + attachments (computed on post and edit).
    html: Mapped[str] = mapped_column(Text, default="")
    blocks: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    attachments: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    # One {pretext_html, text_html, fields, footer_html} per attachment (render.py); NULL on
    # rows from before migration 0009, which are rendered on read.
    rendered_attachments: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    files: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    # Thread root: thread_ts == ts once it has replies; replies: thread_ts = root's ts.
    thread_ts: Mapped[str | None] = mapped_column(String(17), nullable=True)
    parent_user_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    # The newest distinct repliers (at most 5) and how many distinct repliers there are.
    reply_users: Mapped[list[str]] = mapped_column(JSON, default=list)
    reply_users_count: Mapped[int] = mapped_column(Integer, default=0)
    latest_reply: Mapped[str | None] = mapped_column(String(17), nullable=True)
    # Users following the thread (participants and the root's author).
    subscribers: Mapped[list[str]] = mapped_column(JSON, default=list)
    reply_broadcast: Mapped[bool] = mapped_column(Boolean, default=False)
    # A deleted root that still has replies stays as a tombstone.
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    edited_ts: Mapped[str | None] = mapped_column(String(17), nullable=True)
    edited_by: Mapped[str | None] = mapped_column(String(24), nullable=True)
    client_msg_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    username: Mapped[str | None] = mapped_column(String(80), nullable=True)
    icons: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSON, nullable=True)
    unfurl_links: Mapped[bool] = mapped_column(Boolean, default=True)
    unfurl_media: Mapped[bool] = mapped_column(Boolean, default=True)
    mrkdwn: Mapped[bool] = mapped_column(Boolean, default=True)
    # <!here>, <!channel> or <!everyone>: counts as a mention of every member.
    mentions_everyone: Mapped[bool] = mapped_column(Boolean, default=False)
    has_link: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageEdit(Base):
    """The text a message had before each edit (edit history)."""

    __tablename__ = "message_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    workspace_id: Mapped[str] = mapped_column(String(24))
    previous_text: Mapped[str] = mapped_column(Text)
    previous_blocks: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    edited_ts: Mapped[str] = mapped_column(String(17))
    edited_by: Mapped[str] = mapped_column(String(24))


class Mention(Base):
    """A user mentioned by `<@U…>` in a message, for notifications and unread-mention counts."""

    __tablename__ = "mentions"
    __table_args__ = (
        Index("ix_mentions_user_id_conversation_id_ts", "user_id", "conversation_id", "ts"),
    )

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(24))
    conversation_id: Mapped[str] = mapped_column(String(24))
    ts: Mapped[str] = mapped_column(String(17))


class ScheduledMessage(Base):
    __tablename__ = "scheduled_messages"
    __table_args__ = (Index("ix_scheduled_messages_due", "delivered", "post_at"),)

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(24))
    token_kind: Mapped[str] = mapped_column(String(8), default="user")
    post_at: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text, default="")
    # Everything else chat.postMessage would accept (blocks, thread_ts, …), replayed at post_at.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    date_created: Mapped[int] = mapped_column(BigInteger)
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered_ts: Mapped[str | None] = mapped_column(String(17), nullable=True)
