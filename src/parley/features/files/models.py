"""Uploaded files and where they are shared."""

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


class File(Base):
    """One uploaded file. `state`: `pending` (upload URL issued), `uploaded` (bytes stored),
    `complete` (files.completeUploadExternal done: visible, listable, shareable)."""

    __tablename__ = "files"
    __table_args__ = (
        Index("ix_files_workspace_id_created", "workspace_id", "created"),
        Index("ix_files_preview_state", "preview_state"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(24))
    bot_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(128), default="application/octet-stream")
    filetype: Mapped[str] = mapped_column(String(32), default="binary")
    size: Mapped[int] = mapped_column(BigInteger)  # declared length until the upload, then real
    alt_txt: Mapped[str | None] = mapped_column(Text, nullable=True)
    snippet_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    storage_key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the upload URL's secret; cleared once the bytes have arrived.
    upload_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    # The secret in `permalink_public` while the public link is shared (None = not shared).
    public_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Previews: `pending` → `done` | `none` (nothing to preview) | `failed`.
    preview_state: Mapped[str] = mapped_column(String(16), default="none")
    # {"thumbs": {"64": {"key", "w", "h"}, …}, "original_w", "original_h", "duration_ms", …}
    preview: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_unix: Mapped[int] = mapped_column(BigInteger)


class FileShare(Base):
    """A file shared into a conversation by a message (`ts`)."""

    __tablename__ = "file_shares"
    __table_args__ = (
        UniqueConstraint("file_id", "conversation_id", "ts"),
        Index("ix_file_shares_conversation_id", "conversation_id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[str] = mapped_column(String(24))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    ts: Mapped[str] = mapped_column(String(17))
    user_id: Mapped[str] = mapped_column(String(24))
    created_unix: Mapped[int] = mapped_column(BigInteger)


class RemoteFile(Base):
    """A file stored elsewhere (files.remote.add): a titled link owned by the app that added
    it, which only that app reads, changes and shares (decision 0016)."""

    __tablename__ = "remote_files"
    __table_args__ = (
        UniqueConstraint("workspace_id", "app_id", "external_id"),
        Index("ix_remote_files_app_created", "workspace_id", "app_id", "created_unix"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    app_id: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[str] = mapped_column(String(24))  # the app's bot user (or the user) adding
    external_id: Mapped[str] = mapped_column(String(255))
    external_url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(255))
    filetype: Mapped[str] = mapped_column(String(32), default="remote")
    # The text search may match (indexable_file_contents); never shown.
    indexable_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    has_rich_preview: Mapped[bool] = mapped_column(Boolean, default=False)
    created_unix: Mapped[int] = mapped_column(BigInteger)
    updated_unix: Mapped[int] = mapped_column(BigInteger)


class RemoteFileShare(Base):
    """A remote file shared into a conversation by a message (`ts`), files.remote.share."""

    __tablename__ = "remote_file_shares"
    __table_args__ = (
        UniqueConstraint("remote_file_id", "conversation_id", "ts"),
        Index("ix_remote_file_shares_conversation_id", "conversation_id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    remote_file_id: Mapped[str] = mapped_column(
        ForeignKey("remote_files.id", ondelete="CASCADE"), index=True
    )
    workspace_id: Mapped[str] = mapped_column(String(24))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    ts: Mapped[str] = mapped_column(String(17))
    user_id: Mapped[str] = mapped_column(String(24))
    created_unix: Mapped[int] = mapped_column(BigInteger)
