"""SCIM provisioning: the identity provider's userName and externalId beside members and groups

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scim_users",
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("user_name_key", sa.String(length=255), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("removed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("contact", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index(
        "uq_scim_users_workspace_user_name",
        "scim_users",
        ["workspace_id", "user_name_key"],
        unique=True,
    )
    op.create_index(
        "ix_scim_users_workspace_external", "scim_users", ["workspace_id", "external_id"]
    )
    op.create_table(
        "scim_groups",
        sa.Column("usergroup_id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["usergroup_id"], ["usergroups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("usergroup_id"),
    )
    op.create_index(
        "ix_scim_groups_workspace_external", "scim_groups", ["workspace_id", "external_id"]
    )


def downgrade() -> None:
    op.drop_table("scim_groups")
    op.drop_table("scim_users")
