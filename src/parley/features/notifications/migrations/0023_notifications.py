"""Notifications, reminders and drafts: notification_settings, conversation_notification_prefs,
reminders, drafts, thread_reads

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _workspace_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "notification_settings",
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("dnd_enabled", sa.Boolean(), nullable=False),
        sa.Column("dnd_start", sa.String(length=5), nullable=False),
        sa.Column("dnd_end", sa.String(length=5), nullable=False),
        sa.Column("dnd_off_until", sa.BigInteger(), nullable=False),
        sa.Column("snooze_endtime", sa.BigInteger(), nullable=False),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("workspace_id", "user_id"),
    )
    op.create_table(
        "conversation_notification_prefs",
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("conversation_id", sa.String(length=24), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", "conversation_id"),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("creator", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("recurrence", sa.JSON(), nullable=True),
        sa.Column("complete_ts", sa.BigInteger(), nullable=False),
        sa.Column("fired_time", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.String(length=24), nullable=True),
        sa.Column("item_channel", sa.String(length=24), nullable=True),
        sa.Column("item_ts", sa.String(length=32), nullable=True),
        sa.Column("date_created", sa.BigInteger(), nullable=False),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reminders_workspace_user", "reminders", ["workspace_id", "user_id"])
    op.create_index("ix_reminders_due", "reminders", ["complete_ts", "time"])
    op.create_table(
        "drafts",
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("conversation_id", sa.String(length=24), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("date_updated", sa.BigInteger(), nullable=False),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", "conversation_id", "thread_ts"),
    )
    op.create_table(
        "thread_reads",
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("conversation_id", sa.String(length=24), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("last_read", sa.String(length=32), nullable=False),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", "conversation_id", "thread_ts"),
    )


def downgrade() -> None:
    op.drop_table("thread_reads")
    op.drop_table("drafts")
    op.drop_index("ix_reminders_due", table_name="reminders")
    op.drop_index("ix_reminders_workspace_user", table_name="reminders")
    op.drop_table("reminders")
    op.drop_table("conversation_notification_prefs")
    op.drop_table("notification_settings")
