"""partial index on messages with links (search's `has:link`)

Without it, `has:link` with few or no matches walks every message of the workspace: 3.5 s
on the 5,000,000-message benchmark workspace (docs/benchmarks.md).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_messages_has_link",
        "messages",
        ["id"],
        postgresql_where=sa.text("has_link"),
        sqlite_where=sa.text("has_link"),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_has_link", table_name="messages")
