"""Remote files (files.remote.*): links to files stored elsewhere, owned by the app that
added them, and where they were shared (decision 0016)

Revision ID: 0019
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def _big_id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "remote_files",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column(
            "workspace_id",
            sa.String(24),
            sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("app_id", sa.String(24), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("external_url", sa.Text(), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("filetype", sa.String(32), nullable=False),
        sa.Column("indexable_text", sa.Text(), nullable=True),
        sa.Column("has_rich_preview", sa.Boolean(), nullable=False),
        sa.Column("created_unix", sa.BigInteger(), nullable=False),
        sa.Column("updated_unix", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("workspace_id", "app_id", "external_id"),
    )
    op.create_index(
        "ix_remote_files_app_created", "remote_files", ["workspace_id", "app_id", "created_unix"]
    )
    op.create_table(
        "remote_file_shares",
        sa.Column("id", _big_id(), primary_key=True, autoincrement=True),
        sa.Column(
            "remote_file_id",
            sa.String(24),
            sa.ForeignKey("remote_files.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column(
            "conversation_id",
            sa.String(24),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ts", sa.String(17), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("created_unix", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("remote_file_id", "conversation_id", "ts"),
    )
    op.create_index(
        "ix_remote_file_shares_remote_file_id", "remote_file_shares", ["remote_file_id"]
    )
    op.create_index(
        "ix_remote_file_shares_conversation_id", "remote_file_shares", ["conversation_id"]
    )


def downgrade() -> None:
    op.drop_table("remote_file_shares")
    op.drop_table("remote_files")
