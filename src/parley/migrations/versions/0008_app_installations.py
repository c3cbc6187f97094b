"""OAuth v2 installs: app installations in other workspaces, authorization codes

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_installations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("app_id", sa.String(24), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("bot_user_id", sa.String(24), nullable=False),
        sa.Column("bot_id", sa.String(24), nullable=False),
        sa.Column("bot_scopes", sa.Text(), nullable=False),
        sa.Column("installed_by", sa.String(24), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("app_id", "workspace_id"),
    )
    op.create_index("ix_app_installations_workspace_id", "app_installations", ["workspace_id"])
    op.create_table(
        "app_oauth_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("app_id", sa.String(24), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=True),
        sa.Column("bot_scopes", sa.Text(), nullable=False),
        sa.Column("user_scopes", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_hash"),
    )


def downgrade() -> None:
    op.drop_table("app_oauth_codes")
    op.drop_index("ix_app_installations_workspace_id", table_name="app_installations")
    op.drop_table("app_installations")
