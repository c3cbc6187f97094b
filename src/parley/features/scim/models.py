"""What SCIM knows that the member and group rows do not: the identity provider's names.

`userName` is the provider's login for a person (often an email address) and `externalId`
its own id; Parley's handle is derived from the userName but is not it (handles have rules
of their own), so both are kept here, one row per provisioned member or group.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class ScimUser(Base):
    __tablename__ = "scim_users"
    __table_args__ = (
        Index("uq_scim_users_workspace_user_name", "workspace_id", "user_name_key", unique=True),
        Index("ix_scim_users_workspace_external", "workspace_id", "external_id"),
    )

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_name: Mapped[str] = mapped_column(String(255))
    # userName compares case-insensitively (RFC 7643 §4.1.1): the lower-cased form is unique.
    user_name_key: Mapped[str] = mapped_column(String(255))
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # DELETE deactivates the member and hides them from SCIM (RFC 7644 §3.6: a deleted
    # resource answers 404), while their messages and membership history stay.
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The provider's `emails` and `phoneNumbers` as it sent them (types, primary flags,
    # further addresses): the member keeps one address and one number, the primary ones,
    # and answers with the provider's list while that primary is still theirs.
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class ScimGroup(Base):
    __tablename__ = "scim_groups"
    __table_args__ = (Index("ix_scim_groups_workspace_external", "workspace_id", "external_id"),)

    usergroup_id: Mapped[str] = mapped_column(
        ForeignKey("usergroups.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
