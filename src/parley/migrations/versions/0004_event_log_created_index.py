"""event log: index on `created`, for the relay's retention prune

The relay deletes published events older than the retention window
(`parley.platform.events.relay.prune`); without this index that is a scan of the whole log.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_event_log_created", "event_log", ["created"])


def downgrade() -> None:
    op.drop_index("ix_event_log_created", table_name="event_log")
