"""Emoji reactions on messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class Reaction(Base):
    __tablename__ = "reactions"
    __table_args__ = (Index("ix_reactions_workspace_id_user_id", "workspace_id", "user_id"),)

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(24))
    conversation_id: Mapped[str] = mapped_column(String(24))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Order of first use of each name on a message is kept by this sequence.
    position: Mapped[int] = mapped_column(Integer, default=0)
