"""Apps event delivery on the platform log consumer: `app_event_cursors` positions move to
`event_log_cursors` under the consumer `app-events`, and the old table goes

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The consumer's name, written out: a migration must not change when the code does
# (`parley.features.apps.models.EVENTS_CONSUMER`).
CONSUMER = "app-events"


def upgrade() -> None:
    # A cursor already there (none expected: nothing ran under this name before) wins.
    op.execute(
        sa.text(
            "INSERT INTO event_log_cursors (consumer, workspace_id, last_seq) "
            "SELECT :consumer, old.workspace_id, old.last_seq FROM app_event_cursors AS old "
            "WHERE NOT EXISTS (SELECT 1 FROM event_log_cursors AS c "
            "WHERE c.consumer = :consumer AND c.workspace_id = old.workspace_id)"
        ).bindparams(consumer=CONSUMER)
    )
    op.drop_table("app_event_cursors")


def downgrade() -> None:
    op.create_table(
        "app_event_cursors",
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("last_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id"),
    )
    op.execute(
        sa.text(
            "INSERT INTO app_event_cursors (workspace_id, last_seq) "
            "SELECT workspace_id, last_seq FROM event_log_cursors WHERE consumer = :consumer"
        ).bindparams(consumer=CONSUMER)
    )
    op.execute(
        sa.text("DELETE FROM event_log_cursors WHERE consumer = :consumer").bindparams(
            consumer=CONSUMER
        )
    )
