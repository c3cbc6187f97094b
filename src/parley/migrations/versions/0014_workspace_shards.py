"""Workspace sharding: the directory of workspace -> shard (used on the primary database)
and the move fence on each shard's workspace row (decision 0010)

Revision ID: 0014
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("moved_to", sa.String(64), nullable=True))
    op.create_table(
        "workspace_shards",
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("shard", sa.String(64), nullable=False),
        sa.Column("domain", sa.String(64), nullable=False),
        sa.Column("placed", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_workspace_shards")),
        sa.UniqueConstraint("domain", name=op.f("uq_workspace_shards_domain")),
    )
    op.create_index(op.f("ix_workspace_shards_shard"), "workspace_shards", ["shard"])


def downgrade() -> None:
    op.drop_index(op.f("ix_workspace_shards_shard"), table_name="workspace_shards")
    op.drop_table("workspace_shards")
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("moved_to")
