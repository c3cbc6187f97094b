"""The `message` socket frame: an RTM client posts a message over its socket.

`{"id": 1, "type": "message", "channel": "C…", "text": "…"}` is posted as the socket's
user or bot through the messages feature's posting action, the one chat.postMessage uses
(same rules: membership, archived, threads, length). The answer goes to this socket only:
`{"ok": true, "reply_to": 1, "ts": "…", "text": "…"}`, or
`{"ok": false, "reply_to": 1, "error": {"code": …, "msg": …}}`.

As on Slack, RTM posts plain text only (no blocks or attachments: those need
chat.postMessage), optionally into a thread (`thread_ts`, `reply_broadcast`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from parley.features.messages.interface import Message, PostRequest, post_message
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError, RateLimited
from parley.platform.events.frames import Frame, FrameSession
from parley.platform.webapi.registry import Tier

# Error codes in the `error` object of a reply. Slack documents 2 for a missing text; the
# platform uses 1 (invalid JSON) and 3 (unsupported type). A refused post answers 4 with
# the Web API's error name as `msg` (`channel_not_found`, `not_in_channel`, `is_archived`,
# `msg_too_long`, `missing_scope`, `ratelimited`, …), so a client can act on it.
CODE_NO_TEXT = 2
CODE_REFUSED = 4

# The scopes chat.postMessage accepts (a classic bot's `bot` scope is granted as these).
WRITE_SCOPES = ("chat:write", "chat:write:user", "chat:write:bot")

# Slack: "no more than one message per second sustained" per channel, short bursts allowed.
CHANNEL_BURST = 5.0
CHANNEL_RATE = 1.0  # messages a second, sustained
MAX_TRACKED_CHANNELS = 256  # per socket; past this the oldest buckets are forgotten
STATE_KEY = "rtm.send_buckets"


class Refused(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


@dataclass
class Bucket:
    tokens: float
    stamp: float


def take_channel_token(buckets: dict[str, Bucket], channel: str, now: float) -> bool:
    """One message from the channel's bucket (refilled at CHANNEL_RATE up to CHANNEL_BURST)."""
    bucket = buckets.get(channel)
    if bucket is None:
        if len(buckets) >= MAX_TRACKED_CHANNELS:
            del buckets[next(iter(buckets))]  # forgetting a bucket only ever forgives
        bucket = buckets[channel] = Bucket(CHANNEL_BURST, now)
    bucket.tokens = min(CHANNEL_BURST, bucket.tokens + (now - bucket.stamp) * CHANNEL_RATE)
    bucket.stamp = now
    if bucket.tokens < 1.0:
        return False
    bucket.tokens -= 1.0
    return True


def _optional_str(frame: Frame, key: str) -> str | None:
    value = frame.get(key)
    if isinstance(value, float):
        return f"{value:.6f}"  # a float thread_ts, as some clients send it: Slack's 6 decimals
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value else None


def check_send_frame(principal: Principal, frame: Frame) -> PostRequest:
    """The post a frame asks for, or `Refused`: text first (Slack's code 2), then the
    channel and the credential's scopes."""
    text = frame.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Refused(CODE_NO_TEXT, "message text is missing")
    channel = frame.get("channel")
    if not isinstance(channel, str) or not channel:
        raise Refused(CODE_REFUSED, "channel_not_found")
    if not any(principal.has_scope(scope) for scope in WRITE_SCOPES):
        raise Refused(CODE_REFUSED, "missing_scope")
    return PostRequest(
        channel=channel,
        text=text,
        thread_ts=_optional_str(frame, "thread_ts"),
        reply_broadcast=frame.get("reply_broadcast") is True,
        client_msg_id=_optional_str(frame, "client_msg_id"),
    )


def _rate_key(principal: Principal) -> str:
    """The key the Web API limits this credential's calls under: RTM posts share
    chat.postMessage's budget."""
    if principal.token_id is not None:
        return f"t:{principal.token_id}"
    return f"s:{principal.session_id}"


def check_rate(session: FrameSession, channel: str) -> None:
    """`ratelimited` past chat.postMessage's budget for the credential, or past a burst in
    one channel from this socket."""
    try:
        session.services.rate_limiter.check(
            _rate_key(session.connection.principal), "chat.postMessage", Tier.SPECIAL
        )
    except RateLimited:
        raise Refused(CODE_REFUSED, "ratelimited") from None
    buckets: dict[str, Bucket] = session.connection.frame_state.setdefault(STATE_KEY, {})
    if not take_channel_token(buckets, channel, time.monotonic()):
        raise Refused(CODE_REFUSED, "ratelimited")


async def send_message(session: FrameSession, request: PostRequest) -> Message:
    """Post as the socket's user or bot, in one write unit, as chat.postMessage does."""
    principal = session.connection.principal

    async def post(uow: UnitOfWork) -> Message:
        _conversation, message = await post_message(uow, principal, request)
        return message

    try:
        return await session.services.db.write_unit(post)
    except ApiError as error:
        raise Refused(CODE_REFUSED, error.code) from None


async def on_message_frame(session: FrameSession, frame: Frame) -> None:
    reply_to = frame.get("id")
    try:
        request = check_send_frame(session.connection.principal, frame)
        check_rate(session, request.channel)
        message = await send_message(session, request)
    except Refused as refused:
        session.reply_error(reply_to, refused.code, refused.msg)
        return
    reply: dict[str, Any] = {"ok": True, "ts": message.ts, "text": message.text}
    if reply_to is not None:
        reply["reply_to"] = reply_to
    session.reply(reply)
