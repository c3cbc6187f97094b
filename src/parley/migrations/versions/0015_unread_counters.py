"""Unread counters kept on write: shown-message counts per conversation and the part of them
each member has seen (issue 14, client.counts), backfilled from the messages

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# A message is shown in the channel view when it is top level, a thread root or a broadcast
# reply, and not deleted (messages/counters.py says the same in SQLAlchemy).
_SHOWN = "NOT m.is_deleted AND (m.thread_ts IS NULL OR m.thread_ts = m.ts OR m.reply_broadcast)"
_CONVERSATIONS = f"""
UPDATE conversations SET
  shown_count = (SELECT count(*) FROM messages m
                 WHERE m.conversation_id = conversations.id AND {_SHOWN}),
  shown_everyone_count = (SELECT count(*) FROM messages m
                 WHERE m.conversation_id = conversations.id AND {_SHOWN}
                 AND m.mentions_everyone),
  latest_shown_ts = (SELECT max(m.ts) FROM messages m
                 WHERE m.conversation_id = conversations.id AND {_SHOWN})
"""
_SEEN = f"""m.conversation_id = conversation_members.conversation_id AND {_SHOWN}
  AND (m.ts <= conversation_members.last_read OR m.user_id = conversation_members.user_id)"""
_MEMBERS = f"""
UPDATE conversation_members SET
  seen_count = (SELECT count(*) FROM messages m WHERE {_SEEN}),
  seen_everyone_count = (SELECT count(*) FROM messages m WHERE {_SEEN} AND m.mentions_everyone)
"""


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("shown_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("shown_everyone_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("latest_shown_ts", sa.String(17), nullable=True))
    with op.batch_alter_table("conversation_members") as batch:
        batch.add_column(sa.Column("seen_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("seen_everyone_count", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(_CONVERSATIONS)
    op.execute(_MEMBERS)


def downgrade() -> None:
    with op.batch_alter_table("conversation_members") as batch:
        batch.drop_column("seen_everyone_count")
        batch.drop_column("seen_count")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("latest_shown_ts")
        batch.drop_column("shown_everyone_count")
        batch.drop_column("shown_count")
