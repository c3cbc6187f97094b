"""Slack's bookmark object."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from parley.features.bookmarks.models import Bookmark


def icon_url(link: str) -> str | None:
    """The site's conventional favicon address, as Slack shows beside a link bookmark."""
    parts = urlsplit(link)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/favicon.ico"


def bookmark_object(bookmark: Bookmark) -> dict[str, Any]:
    return {
        "id": bookmark.id,
        "channel_id": bookmark.conversation_id,
        "title": bookmark.title,
        "link": bookmark.link,
        "emoji": bookmark.emoji or None,
        "icon_url": icon_url(bookmark.link),
        "type": bookmark.type,
        "entity_id": None,
        "date_created": bookmark.date_created,
        "date_updated": bookmark.date_updated,
        "rank": bookmark.rank,
        "last_updated_by_user_id": bookmark.updated_by or bookmark.created_by,
        "last_updated_by_team_id": bookmark.workspace_id,
        "shortcut_id": None,
        "app_id": None,
    }
