"""Custom profile fields (team.profile.get): the workspace's fields and members' values

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile_fields",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("hint", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("possible_values", sa.JSON(), nullable=True),
        sa.Column("ordering", sa.Integer(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("section_id", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_profile_fields_workspace_id", "profile_fields", ["workspace_id"])
    op.create_table(
        "profile_field_values",
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("field_id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=False),
        sa.Column("alt", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["field_id"], ["profile_fields.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "field_id"),
    )


def downgrade() -> None:
    op.drop_table("profile_field_values")
    op.drop_index("ix_profile_fields_workspace_id", table_name="profile_fields")
    op.drop_table("profile_fields")
