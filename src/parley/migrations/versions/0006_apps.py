"""app platform: apps, slash commands, event deliveries, response_urls, incoming webhooks

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _big_id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _workspace_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE")


def _app_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["app_id"], ["apps.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "apps",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("bot_user_id", sa.String(24), nullable=False),
        sa.Column("bot_id", sa.String(24), nullable=False),
        sa.Column("created_by", sa.String(24), nullable=True),
        sa.Column("signing_secret", sa.String(64), nullable=False),
        sa.Column("verification_token", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("client_secret_hash", sa.String(64), nullable=False),
        sa.Column("request_url", sa.Text(), nullable=True),
        sa.Column("interactivity_url", sa.Text(), nullable=True),
        sa.Column("socket_mode", sa.Boolean(), nullable=False),
        sa.Column("bot_events", sa.JSON(), nullable=False),
        sa.Column("events_enabled", sa.Boolean(), nullable=False),
        sa.Column("events_disabled_reason", sa.Text(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id"),
    )
    op.create_index("ix_apps_workspace_id", "apps", ["workspace_id"])
    op.create_table(
        "app_commands",
        sa.Column("id", _big_id(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("app_id", sa.String(24), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("usage_hint", sa.Text(), nullable=False),
        _workspace_fk(),
        _app_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "command"),
    )
    op.create_table(
        "app_event_cursors",
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("last_seq", _big_id(), nullable=False),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("workspace_id"),
    )
    op.create_table(
        "app_deliveries",
        sa.Column("id", _big_id(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("app_id", sa.String(24), nullable=False),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_reason", sa.String(32), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        _workspace_fk(),
        _app_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("app_id", "event_id"),
    )
    op.create_index(
        "ix_app_deliveries_state_next_attempt_at", "app_deliveries", ["state", "next_attempt_at"]
    )
    op.create_table(
        "app_response_urls",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("app_id", sa.String(24), nullable=False),
        sa.Column("channel_id", sa.String(24), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("message_ts", sa.String(24), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _workspace_fk(),
        _app_fk(),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "incoming_webhooks",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("app_id", sa.String(24), nullable=True),
        sa.Column("channel_id", sa.String(24), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(24), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        _workspace_fk(),
        _app_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "app_triggers",
        sa.Column("trigger_id", sa.String(96), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("app_id", sa.String(24), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("view_id", sa.String(24), nullable=True),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _workspace_fk(),
        _app_fk(),
        sa.PrimaryKeyConstraint("trigger_id"),
    )
    op.create_table(
        "app_views",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("workspace_id", sa.String(24), nullable=False),
        sa.Column("app_id", sa.String(24), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("view", sa.JSON(), nullable=False),
        sa.Column("hash", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("root_view_id", sa.String(24), nullable=False),
        sa.Column("previous_view_id", sa.String(24), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        _workspace_fk(),
        _app_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_app_views_app_id_user_id", "app_views", ["app_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_app_views_app_id_user_id", table_name="app_views")
    op.drop_table("app_views")
    op.drop_table("app_triggers")
    op.drop_table("incoming_webhooks")
    op.drop_table("app_response_urls")
    op.drop_index("ix_app_deliveries_state_next_attempt_at", table_name="app_deliveries")
    op.drop_table("app_deliveries")
    op.drop_table("app_event_cursors")
    op.drop_table("app_commands")
    op.drop_index("ix_apps_workspace_id", table_name="apps")
    op.drop_table("apps")
