"""Event log consumers: a persisted cursor per (consumer, workspace) and a leadership lease

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_log_cursors",
        sa.Column("consumer", sa.String(64), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("consumer", "workspace_id"),
    )
    op.create_table(
        "event_log_consumer_leases",
        sa.Column("consumer", sa.String(64), nullable=False),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer"),
    )


def downgrade() -> None:
    op.drop_table("event_log_consumer_leases")
    op.drop_table("event_log_cursors")
