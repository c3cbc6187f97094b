"""Slack OAuth scope names Parley understands; a full user token carries all user scopes."""

from __future__ import annotations

USER_SCOPES: tuple[str, ...] = (
    "admin",
    "bookmarks:read",
    "bookmarks:write",
    "calls:read",
    "calls:write",
    "channels:history",
    "channels:read",
    "channels:write",
    "chat:write",
    "dnd:read",
    "dnd:write",
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
    "reminders:read",
    "reminders:write",
    "remote_files:read",
    "remote_files:share",
    "search:read",
    "stars:read",
    "stars:write",
    "team:read",
    "team.billing:read",
    "team.preferences:read",
    "usergroups:read",
    "usergroups:write",
    "users.profile:read",
    "users.profile:write",
    "users:read",
    "users:read.email",
    "users:write",
)

_HUMAN_ONLY = frozenset(
    {
        "admin",
        "dnd:write",
        "identity.basic",
        "identity.email",
        "identity.team",
        "reminders:read",
        "reminders:write",
        "search:read",
        "stars:read",
        "stars:write",
        "team.billing:read",
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
    "remote_files:write",
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
