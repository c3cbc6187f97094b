"""Call state: calls, who took part (with join/leave history), rings, quality samples.

Everything a node needs to answer about a call lives here (not in one node's memory), so
two Parley nodes over one database see the same calls.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base


class Call(Base):
    """One call: a huddle in a conversation, a DM call that rings, or an app's call
    registered through Slack's `calls.add`."""

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_workspace_state", "workspace_id", "state"),
        Index("ix_calls_conversation_state", "conversation_id", "state"),
        Index("ix_calls_node_state", "node_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # huddle | dm | app
    state: Mapped[str] = mapped_column(String(16))  # ringing | active | ended
    started_by: Mapped[str] = mapped_column(String(24))
    date_start: Mapped[int] = mapped_column(BigInteger)
    date_end: Mapped[int] = mapped_column(BigInteger, default=0)
    end_reason: Mapped[str] = mapped_column(String(32), default="")
    # Where the media runs (None: not placed, e.g. an app's call or no media node).
    node_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    room: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    next_feed: Mapped[int] = mapped_column(Integer, default=1)
    # The message announcing the call (its `call` block) and its thread for chat.
    message_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # A ringing DM call stops ringing at this Unix time (the sweeper's durable timer).
    ring_deadline: Mapped[int] = mapped_column(BigInteger, default=0)
    # Slack's app-call fields (calls.add).
    external_unique_id: Mapped[str] = mapped_column(String(255), default="")
    join_url: Mapped[str] = mapped_column(Text, default="")
    desktop_app_join_url: Mapped[str] = mapped_column(Text, default="")
    external_display_id: Mapped[str] = mapped_column(String(255), default="")
    title: Mapped[str] = mapped_column(String(255), default="")
    created_by_app: Mapped[str | None] = mapped_column(String(24), nullable=True)


class CallParticipant(Base):
    """One stay in a call: a member's device (or an app's external user) from join to
    leave. Rejoining adds a row, so the rows are the join/leave history."""

    __tablename__ = "call_participants"
    __table_args__ = (
        Index("ix_call_participants_call", "call_id", "left_at"),
        Index("ix_call_participants_user", "workspace_id", "user_id", "left_at"),
        Index("ix_call_participants_gone", "gone_deadline"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    avatar_url: Mapped[str] = mapped_column(Text, default="")
    device_id: Mapped[str] = mapped_column(String(64), default="")
    joined_at: Mapped[int] = mapped_column(BigInteger)
    left_at: Mapped[int] = mapped_column(BigInteger, default=0)  # 0: still in the call
    leave_reason: Mapped[str] = mapped_column(String(32), default="")
    feed: Mapped[int] = mapped_column(Integer, default=0)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    camera: Mapped[bool] = mapped_column(Boolean, default=False)
    screen: Mapped[bool] = mapped_column(Boolean, default=False)
    # Microseconds when the hand went up (0: down): orders the raised hands.
    hand_raised_at: Mapped[int] = mapped_column(BigInteger, default=0)
    # Set when the media endpoint went down: gone at this Unix time unless it comes back.
    gone_deadline: Mapped[int] = mapped_column(BigInteger, default=0)
    gone_cause: Mapped[str] = mapped_column(String(16), default="")  # media | socket
    publisher: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    subscriber: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class CallRing(Base):
    """A DM call ringing one callee's devices: ringing → accepted | declined | missed |
    cancelled; `device_id` is the device that answered (the others were told
    "answered elsewhere")."""

    __tablename__ = "call_rings"

    call_id: Mapped[str] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16))
    device_id: Mapped[str] = mapped_column(String(64), default="")
    updated: Mapped[int] = mapped_column(BigInteger)


class CallQuality(Base):
    """A connection-quality sample a client reported (from getStats) for the admin view."""

    __tablename__ = "call_quality"
    __table_args__ = (Index("ix_call_quality_call", "call_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[str] = mapped_column(String(24))
    device_id: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[int] = mapped_column(BigInteger)
    loss: Mapped[float] = mapped_column(Float, default=0.0)  # fraction of packets lost, 0..1
    jitter_ms: Mapped[float] = mapped_column(Float, default=0.0)
    rtt_ms: Mapped[float] = mapped_column(Float, default=0.0)
