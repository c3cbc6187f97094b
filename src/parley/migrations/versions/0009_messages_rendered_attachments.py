"""messages.rendered_attachments: each attachment's sanitised HTML parts, for the web client

The web client drew attachment cards by parsing the message's HTML for CSS classes. The
server now stores, next to `html` (the body only, for new messages), one object per
attachment: `{pretext_html, text_html, fields: [{title, value_html, short}], footer_html}`.
Rows from before stay NULL; `message_object` renders them on read (see messages/schemas.py).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (nullable, no default) on both engines: no table rebuild on SQLite.
    op.add_column("messages", sa.Column("rendered_attachments", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("rendered_attachments")
