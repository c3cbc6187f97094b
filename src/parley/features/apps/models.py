"""The app platform's tables: apps (from a Slack manifest), their slash commands, Events API
deliveries, response_url capabilities and incoming webhooks. The delivery ingest's position
in each workspace's log is a platform cursor (`event_log_cursors`, consumer `EVENTS_CONSUMER`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base

_BigId = BigInteger().with_variant(Integer(), "sqlite")

# The log consumer that turns events into deliveries: its cursors and lease are named so
# (migration 0012 moved the old `app_event_cursors` positions there).
EVENTS_CONSUMER = "app-events"


class App(Base):
    """An app installed in `workspace_id`, with its bot user and delivery settings."""

    __tablename__ = "apps"
    __table_args__ = (Index("ix_apps_workspace_id", "workspace_id"),)

    id: Mapped[str] = mapped_column(String(24), primary_key=True)  # A…
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    bot_user_id: Mapped[str] = mapped_column(String(24))
    bot_id: Mapped[str] = mapped_column(String(24))
    created_by: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # Signing needs the plaintext; the OAuth client secret is only ever compared (hashed).
    signing_secret: Mapped[str] = mapped_column(String(64))
    verification_token: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_secret_hash: Mapped[str] = mapped_column(String(64))
    # Events API: where and what; `events_disabled_reason` is set when delivery gave up.
    request_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    interactivity_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    socket_mode: Mapped[bool] = mapped_column(Boolean, default=False)
    bot_events: Mapped[list[str]] = mapped_column(JSON)
    events_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    events_disabled_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # Events older than this (seconds since logged) are dropped, not sent: an app that would
    # rather miss a replay than act on it late (decision 0015). None: no limit.
    max_event_age: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AppCommand(Base):
    """A slash command an app registered (unique per workspace)."""

    __tablename__ = "app_commands"
    __table_args__ = (UniqueConstraint("workspace_id", "command"),)

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    command: Mapped[str] = mapped_column(String(40))  # with the leading slash
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    usage_hint: Mapped[str] = mapped_column(Text, default="")


class AppDelivery(Base):
    """One event for one app: retried with the same `event_id` until delivered or given up."""

    __tablename__ = "app_deliveries"
    __table_args__ = (
        UniqueConstraint("app_id", "event_id"),
        Index("ix_app_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(32))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending | delivered | failed | expired (older than the app's max_event_age)
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_reason: Mapped[str] = mapped_column(String(32), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ResponseUrl(Base):
    """A `response_url` capability: the secret is the URL, stored hashed (5 uses, 30 min)."""

    __tablename__ = "app_response_urls"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[str] = mapped_column(String(24))
    message_ts: Mapped[str | None] = mapped_column(String(24), nullable=True)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IncomingWebhook(Base):
    """`POST /services/T…/B…/<secret>` posts into `channel_id` (secret stored hashed)."""

    __tablename__ = "incoming_webhooks"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)  # B…, the URL's middle part
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    app_id: Mapped[str | None] = mapped_column(
        ForeignKey("apps.id", ondelete="CASCADE"), nullable=True
    )
    channel_id: Mapped[str] = mapped_column(String(24))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(24))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AppTrigger(Base):
    """A `trigger_id` handed to an app with an interaction; `views.open`/`push` redeem it once."""

    __tablename__ = "app_triggers"

    trigger_id: Mapped[str] = mapped_column(String(96), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(24))
    view_id: Mapped[str | None] = mapped_column(String(24), nullable=True)  # from inside a modal
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AppView(Base):
    """A modal (in a stack per user and app) or an App Home tab, as an app defined it."""

    __tablename__ = "app_views"
    __table_args__ = (Index("ix_app_views_app_id_user_id", "app_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(24), primary_key=True)  # V…
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(24))
    type: Mapped[str] = mapped_column(String(8))  # modal | home
    view: Mapped[dict[str, Any]] = mapped_column(JSON)
    hash: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    root_view_id: Mapped[str] = mapped_column(String(24))
    previous_view_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AppInstallation(Base):
    """An app installed by OAuth into a workspace other than the one it was created in:
    its bot user there and the bot scopes people in that workspace granted."""

    __tablename__ = "app_installations"
    __table_args__ = (
        UniqueConstraint("app_id", "workspace_id"),
        Index("ix_app_installations_workspace_id", "workspace_id"),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    bot_user_id: Mapped[str] = mapped_column(String(24))
    bot_id: Mapped[str] = mapped_column(String(24))
    bot_scopes: Mapped[str] = mapped_column(Text, default="")
    installed_by: Mapped[str] = mapped_column(String(24))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OAuthCode(Base):
    """An OAuth v2 authorization code (stored hashed): single use, short-lived, bound to
    its app and the redirect URI it was issued for."""

    __tablename__ = "app_oauth_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(24))
    # As the authorize request named it; None when it relied on the registered default.
    redirect_uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    bot_scopes: Mapped[str] = mapped_column(Text, default="")
    user_scopes: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
