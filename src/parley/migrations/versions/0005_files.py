"""files and file_shares

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _big_id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("bot_id", sa.String(24), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("mimetype", sa.String(128), nullable=False),
        sa.Column("filetype", sa.String(32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("alt_txt", sa.Text(), nullable=True),
        sa.Column("snippet_type", sa.String(32), nullable=True),
        sa.Column("storage_key", sa.String(255), nullable=False),
        sa.Column("upload_token_hash", sa.String(64), nullable=True),
        sa.Column("public_secret", sa.String(64), nullable=True),
        sa.Column("preview_state", sa.String(16), nullable=False),
        sa.Column("preview", sa.JSON(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_unix", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name="fk_files_workspace_id_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_files"),
        sa.UniqueConstraint("upload_token_hash", name="uq_files_upload_token_hash"),
    )
    op.create_index("ix_files_workspace_id_created", "files", ["workspace_id", "created"])
    op.create_index("ix_files_preview_state", "files", ["preview_state"])
    op.create_table(
        "file_shares",
        sa.Column("id", _big_id(), autoincrement=True, nullable=False),
        sa.Column("file_id", sa.String(24), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("conversation_id", sa.String(24), nullable=False),
        sa.Column("ts", sa.String(17), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("created_unix", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["files.id"], name="fk_file_shares_file_id_files", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_file_shares_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_file_shares"),
        sa.UniqueConstraint(
            "file_id", "conversation_id", "ts", name="uq_file_shares_file_id_conversation_id_ts"
        ),
    )
    op.create_index("ix_file_shares_file_id", "file_shares", ["file_id"])
    op.create_index("ix_file_shares_conversation_id", "file_shares", ["conversation_id"])


def downgrade() -> None:
    op.drop_table("file_shares")
    op.drop_table("files")
