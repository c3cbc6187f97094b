"""Calls (`calls.*`, huddles): calls, participants, rings, quality samples

Revision ID: 0025
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("conversation_id", sa.String(length=24), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_by", sa.String(length=24), nullable=False),
        sa.Column("date_start", sa.BigInteger(), nullable=False),
        sa.Column("date_end", sa.BigInteger(), nullable=False),
        sa.Column("end_reason", sa.String(length=32), nullable=False),
        sa.Column("node_id", sa.String(length=64), nullable=True),
        sa.Column("room", sa.BigInteger(), nullable=True),
        sa.Column("next_feed", sa.Integer(), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("ring_deadline", sa.BigInteger(), nullable=False),
        sa.Column("external_unique_id", sa.String(length=255), nullable=False),
        sa.Column("join_url", sa.Text(), nullable=False),
        sa.Column("desktop_app_join_url", sa.Text(), nullable=False),
        sa.Column("external_display_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("created_by_app", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_calls_workspace_state", "calls", ["workspace_id", "state"])
    op.create_index("ix_calls_conversation_state", "calls", ["conversation_id", "state"])
    op.create_index("ix_calls_node_state", "calls", ["node_id", "state"])
    op.create_table(
        "call_participants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=True),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("avatar_url", sa.Text(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("joined_at", sa.BigInteger(), nullable=False),
        sa.Column("left_at", sa.BigInteger(), nullable=False),
        sa.Column("leave_reason", sa.String(length=32), nullable=False),
        sa.Column("feed", sa.Integer(), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("camera", sa.Boolean(), nullable=False),
        sa.Column("screen", sa.Boolean(), nullable=False),
        sa.Column("hand_raised_at", sa.BigInteger(), nullable=False),
        sa.Column("gone_deadline", sa.BigInteger(), nullable=False),
        sa.Column("gone_cause", sa.String(length=16), nullable=False),
        sa.Column("publisher", sa.JSON(), nullable=True),
        sa.Column("subscriber", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_call_participants_call", "call_participants", ["call_id", "left_at"])
    op.create_index(
        "ix_call_participants_user", "call_participants", ["workspace_id", "user_id", "left_at"]
    )
    op.create_index("ix_call_participants_gone", "call_participants", ["gone_deadline"])
    op.create_table(
        "call_rings",
        sa.Column("call_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("updated", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("call_id", "user_id"),
    )
    op.create_table(
        "call_quality",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(length=24), nullable=False),
        sa.Column("workspace_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.String(length=24), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("loss", sa.Float(), nullable=False),
        sa.Column("jitter_ms", sa.Float(), nullable=False),
        sa.Column("rtt_ms", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_call_quality_call", "call_quality", ["call_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_call_quality_call", table_name="call_quality")
    op.drop_table("call_quality")
    op.drop_table("call_rings")
    op.drop_index("ix_call_participants_gone", table_name="call_participants")
    op.drop_index("ix_call_participants_user", table_name="call_participants")
    op.drop_index("ix_call_participants_call", table_name="call_participants")
    op.drop_table("call_participants")
    op.drop_index("ix_calls_node_state", table_name="calls")
    op.drop_index("ix_calls_conversation_state", table_name="calls")
    op.drop_index("ix_calls_workspace_state", table_name="calls")
    op.drop_table("calls")
