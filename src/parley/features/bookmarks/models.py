"""Channel bookmarks (links pinned to a conversation's header)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class Bookmark(Base):
    __tablename__ = "bookmarks"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(255))
    link: Mapped[str] = mapped_column(Text)
    emoji: Mapped[str] = mapped_column(String(100), default="")
    type: Mapped[str] = mapped_column(String(16), default="link")
    rank: Mapped[str] = mapped_column(String(16), default="")
    created_by: Mapped[str] = mapped_column(String(24))
    date_created: Mapped[int] = mapped_column(BigInteger)
    date_updated: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str] = mapped_column(String(24), default="")
