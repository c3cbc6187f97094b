"""Slack OAuth scope names Parley understands; a full user token carries all user scopes."""

from __future__ import annotations

USER_SCOPES: tuple[str, ...] = (
    "admin",
    "bookmarks:read",
    "bookmarks:write",
    "channels:history",
    "channels:read",
    "channels:write",
    "chat:write",
    "emoji:read",
    "files:read",
    "files:write",
    "groups:history",
    "groups:read",
    "groups:write",
    "identity.basic",
    "identity.email",
    "identity.team",
    "im:history",
    "im:read",
    "im:write",
    "links:read",
    "links:write",
    "mpim:history",
    "mpim:read",
    "mpim:write",
    "pins:read",
    "pins:write",
    "reactions:read",
    "reactions:write",
    "search:read",
    "stars:read",
    "stars:write",
    "team:read",
    "users.profile:read",
    "users.profile:write",
    "users:read",
    "users:read.email",
    "users:write",
)

_HUMAN_ONLY = frozenset(
    {
        "admin",
        "identity.basic",
        "identity.email",
        "identity.team",
        "search:read",
        "stars:read",
        "stars:write",
        "users.profile:write",
    }
)
BOT_SCOPES: tuple[str, ...] = (
    *(s for s in USER_SCOPES if s not in _HUMAN_ONLY),
    "app_mentions:read",
    "channels:join",
    "channels:manage",
    "chat:write.customize",
    "chat:write.public",
    "commands",
    "incoming-webhook",
)

APP_SCOPES: tuple[str, ...] = ("connections:write", "authorizations:read")

KNOWN_SCOPES = frozenset(USER_SCOPES) | frozenset(BOT_SCOPES) | frozenset(APP_SCOPES)


def parse_scopes(raw: str) -> tuple[str, ...]:
    """Scopes from a comma- or space-separated string, de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for part in raw.replace(" ", ",").split(","):
        if part.strip():
            seen[part.strip()] = None
    return tuple(seen)


# Which bot scope lets a bot receive each event type (Slack's documented requirement; ""
# where Slack asks none). App manifests (Events API subscriptions) and a bot's RTM socket
# (events/fanout.py) both go by this table.
EVENT_SCOPES: dict[str, str] = {
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "reaction_added": "reactions:read",
    "reaction_removed": "reactions:read",
    "pin_added": "pins:read",
    "pin_removed": "pins:read",
    "channel_created": "channels:read",
    "channel_deleted": "channels:read",
    "channel_archive": "channels:read",
    "channel_unarchive": "channels:read",
    "channel_rename": "channels:read",
    "member_joined_channel": "channels:read",
    "member_left_channel": "channels:read",
    "team_join": "users:read",
    "user_change": "users:read",
    "file_shared": "files:read",
    "file_deleted": "files:read",
    "emoji_changed": "emoji:read",
    "link_shared": "links:read",
    "app_home_opened": "",  # Slack asks no scope for it
    "app_uninstalled": "",  # about the app itself (OAuth installs)
    "tokens_revoked": "",
}

# A message event needs the history scope of its conversation's type.
MESSAGE_HISTORY_SCOPES: dict[str, str] = {
    "channel": "channels:history",
    "group": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}
