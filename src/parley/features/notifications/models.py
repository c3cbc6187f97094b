"""A member's notification settings, per-conversation preferences, reminders and drafts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class NotificationSettings(Base):
    """One row per member who changed anything; absent means the defaults."""

    __tablename__ = "notification_settings"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    # all | mentions | nothing: what notifies in conversations without their own level.
    level: Mapped[str] = mapped_column(String(16), default="mentions")
    # Words that count as mentions, one per line ('' for none: the notifier's index).
    keywords: Mapped[str] = mapped_column(Text, default="")
    # The daily do-not-disturb schedule, "HH:MM" in the member's time zone.
    dnd_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    dnd_start: Mapped[str] = mapped_column(String(5), default="22:00")
    dnd_end: Mapped[str] = mapped_column(String(5), default="08:00")
    # dnd.endDnd: the scheduled session ending at this time is over early (0: none).
    dnd_off_until: Mapped[int] = mapped_column(BigInteger, default=0)
    snooze_endtime: Mapped[int] = mapped_column(BigInteger, default=0)


class ConversationNotificationPref(Base):
    __tablename__ = "conversation_notification_prefs"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    # default (the member's level) | all | mentions | nothing
    level: Mapped[str] = mapped_column(String(16), default="default")
    muted: Mapped[bool] = mapped_column(Boolean, default=False)


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_workspace_user", "workspace_id", "user_id"),
        Index("ix_reminders_due", "complete_ts", "time"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    creator: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    time: Mapped[int] = mapped_column(BigInteger)  # the next (or only) firing, Unix seconds
    # Slack's {"frequency": …, "weekdays": […]} plus the local time of day ("HH:MM").
    recurrence: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    complete_ts: Mapped[int] = mapped_column(BigInteger, default=0)
    fired_time: Mapped[int] = mapped_column(BigInteger, default=0)  # the `time` last fired
    channel_id: Mapped[str | None] = mapped_column(String(24), nullable=True)  # /remind #chan
    # A message reminder (Save for later → Remind me): its conversation and ts.
    item_channel: Mapped[str | None] = mapped_column(String(24), nullable=True)
    item_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    date_created: Mapped[int] = mapped_column(BigInteger)


class Draft(Base):
    """A composer's unsent text per conversation (and thread), kept across devices."""

    __tablename__ = "drafts"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    thread_ts: Mapped[str] = mapped_column(String(32), primary_key=True)  # '' for the channel
    text: Mapped[str] = mapped_column(Text)
    date_updated: Mapped[int] = mapped_column(BigInteger)


class ThreadRead(Base):
    """How far a member has read a thread (the Threads view's unread replies)."""

    __tablename__ = "thread_reads"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    thread_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_read: Mapped[str] = mapped_column(String(32))
