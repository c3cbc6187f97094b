"""Which logged events an app receives, and the Events API envelope around each one."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from parley.features.apps.actions import event_id_for
from parley.features.apps.models import App
from parley.platform.clock import as_utc
from parley.platform.events.types import EVENT_TYPES
from parley.platform.rendering import CLIENT_FIELDS

# Message subtypes that mention an app the way a person does.
_MENTION_SUBTYPES = {None, "thread_broadcast", "file_share", "bot_message"}
_APP_MENTION_FIELDS = ("user", "text", "ts", "channel", "event_ts", "team", "blocks")
_THREAD_FIELDS = ("thread_ts", "client_msg_id", "bot_id", "files", "attachments")

IsMember = Callable[[str, str], Awaitable[bool]]  # (conversation_id, user_id) -> member?


async def may_see(app: App, audience: dict[str, Any], is_member: IsMember) -> bool:
    """The bot sees what its user may see: its conversations, workspace-wide news, itself."""
    kind = audience.get("kind")
    if kind == "workspace":
        return True
    if kind == "users":
        return app.bot_user_id in audience.get("ids", ())
    if kind == "conversation":
        return await is_member(str(audience.get("id")), app.bot_user_id)
    return False


def _app_mention(app: App, event: dict[str, Any]) -> dict[str, Any] | None:
    if event.get("subtype") not in _MENTION_SUBTYPES or event.get("is_ephemeral"):
        return None
    if f"<@{app.bot_user_id}>" not in str(event.get("text", "")):
        return None
    if event.get("user") == app.bot_user_id:
        return None  # an app mentioning itself would answer itself
    mention: dict[str, Any] = {"type": "app_mention"}
    for name in (*_APP_MENTION_FIELDS, *_THREAD_FIELDS):
        if event.get(name) is not None:
            mention[name] = event[name]
    return mention


def events_for_app(app: App, payload: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(kind, event) pairs the app subscribed to; `kind` keeps event ids distinct per type."""
    wanted = set(app.bot_events)
    found: list[tuple[str, dict[str, Any]]] = []
    if payload.get("type") == "message" and payload.get("is_ephemeral"):
        return found  # shown to one person only
    declared = EVENT_TYPES.get(str(payload.get("type")))
    subscription = declared.subscription_for(payload) if declared is not None else None
    if subscription in wanted:
        found.append((str(payload["type"]), _public_event(payload)))
    if payload.get("type") == "message" and "app_mention" in wanted:
        mention = _app_mention(app, payload)
        if mention is not None:
            found.append(("app_mention", mention))
    if _app_home_message(payload, wanted):
        found.append(("message.app_home", {**_public_event(payload), "channel_type": "app_home"}))
    return found


def _app_home_message(payload: dict[str, Any], wanted: set[str]) -> bool:
    """A message in a DM the app's bot is in (the caller checked it may see it), for an app
    subscribed to `message.app_home`. An app that also takes `message.im` gets it that way
    only: one event per message, as Slack moved App Home messages out of `message.im`."""
    return (
        payload.get("type") == "message"
        and payload.get("channel_type") == "im"
        and "message.app_home" in wanted
        and "message.im" not in wanted
    )


def _public_event(payload: dict[str, Any]) -> dict[str, Any]:
    """The event as Slack sends it: without the web client's pre-rendered HTML, also in
    the message objects it carries (`message`, `previous_message`)."""
    stripped: dict[str, Any] = CLIENT_FIELDS.strip(payload)
    return stripped


def envelope(
    app: App, event: dict[str, Any], *, seq: int, kind: str, created: datetime
) -> dict[str, Any]:
    """The `event_callback` body (SLACK_COMPAT §2.4)."""
    team_id = app.workspace_id
    return {
        "token": app.verification_token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": app.id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id_for(team_id, seq, kind),
        "event_time": int(as_utc(created).timestamp()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": app.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": event_context_for(team_id, str(event.get("channel") or "")),
    }


_CONTEXT_PREFIX = "4-"


def event_context_for(team_id: str, channel: str) -> str:
    """The opaque `event_context` of an envelope: where the event happened, so
    apps.event.authorizations.list can name who may see it."""
    encoded = base64.urlsafe_b64encode(f"{team_id}:{channel}".encode()).decode()
    return _CONTEXT_PREFIX + encoded.rstrip("=")


def parse_event_context(value: str) -> tuple[str, str] | None:
    """(team id, channel id or "") of an `event_context`, or None when it is not one."""
    if not value.startswith(_CONTEXT_PREFIX):
        return None
    body = value[len(_CONTEXT_PREFIX) :]
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    team_id, sep, channel = text.partition(":")
    if not sep or not team_id.startswith("T"):
        return None
    return team_id, channel
