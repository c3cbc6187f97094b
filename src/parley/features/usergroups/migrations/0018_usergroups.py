"""User groups (`usergroups.*`): the groups and their members

Revision ID: 0018
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usergroups",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("handle", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=24), nullable=False),
        sa.Column("updated_by", sa.String(length=24), nullable=False),
        sa.Column("deleted_by", sa.String(length=24), nullable=True),
        sa.Column("date_create", sa.BigInteger(), nullable=False),
        sa.Column("date_update", sa.BigInteger(), nullable=False),
        sa.Column("date_delete", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name", name="uq_usergroups_workspace_name"),
        sa.UniqueConstraint("workspace_id", "handle", name="uq_usergroups_workspace_handle"),
    )
    op.create_table(
        "usergroup_members",
        sa.Column("usergroup_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["usergroup_id"], ["usergroups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("usergroup_id", "user_id"),
    )
    op.create_index(
        "ix_usergroup_members_workspace_user",
        "usergroup_members",
        ["workspace_id", "user_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_usergroup_members_workspace_user", table_name="usergroup_members")
    op.drop_table("usergroup_members")
    op.drop_table("usergroups")
