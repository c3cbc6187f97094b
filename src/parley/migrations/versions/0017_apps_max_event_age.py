"""Apps may opt out of old events: `apps.max_event_age` (seconds; NULL keeps every event
until delivery gives up), set with apps.event_delivery.update (decision 0015)

Revision ID: 0017
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("apps") as batch:
        batch.add_column(sa.Column("max_event_age", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("apps") as batch:
        batch.drop_column("max_event_age")
