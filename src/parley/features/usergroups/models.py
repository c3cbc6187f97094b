"""User groups (Slack's "subteams", `S…`) and who is in them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class UserGroup(Base):
    __tablename__ = "usergroups"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name", name="uq_usergroups_workspace_name"),
        UniqueConstraint("workspace_id", "handle", name="uq_usergroups_workspace_handle"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    handle: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(1000), default="")
    # Default channels (`prefs.channels`): members added to the group join them.
    channels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(24))
    updated_by: Mapped[str] = mapped_column(String(24))
    deleted_by: Mapped[str | None] = mapped_column(String(24), nullable=True, default=None)
    date_create: Mapped[int] = mapped_column(BigInteger)
    date_update: Mapped[int] = mapped_column(BigInteger)
    # 0 while enabled; the time it was disabled otherwise (Slack's shape).
    date_delete: Mapped[int] = mapped_column(BigInteger, default=0)


class UserGroupMember(Base):
    __tablename__ = "usergroup_members"
    __table_args__ = (Index("ix_usergroup_members_workspace_user", "workspace_id", "user_id"),)

    usergroup_id: Mapped[str] = mapped_column(
        ForeignKey("usergroups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
