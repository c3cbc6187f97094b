"""Custom emoji of a workspace (standard emoji are built in)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class CustomEmoji(Base):
    __tablename__ = "custom_emoji"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str] = mapped_column(Text, default="")
    alias_for: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_by: Mapped[str] = mapped_column(String(24))
    created: Mapped[int] = mapped_column(BigInteger)
