"""Slack-shaped search results: matches, the two paging blocks, highlight markers."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from parley.features.messages.interface import Message
from parley.features.search.query import Term
from parley.features.search.store import Hit
from parley.features.users.interface import User
from parley.platform.spaces import Conversation

# Slack wraps each hit in these private-use characters when `highlight=true`.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_END = "\ue001"
_IID_NAMESPACE = uuid.UUID("6b1d3c52-8a4e-4f5e-9a53-0c1b5d7e2f10")


@dataclass(frozen=True)
class Page:
    """Where a page sits in the whole result: Slack pages are 1-based, `count` per page."""

    page: int
    count: int
    offset: int
    total: int
    returned: int


def highlighter(terms: tuple[Term, ...]) -> re.Pattern[str] | None:
    """A pattern for the words and phrases a query looks for, as whole words."""
    parts = []
    for term in terms:
        words = r"\W+".join(re.escape(token) for token in term.tokens)
        parts.append(rf"(?<!\w){words}\w*" if term.prefix else rf"(?<!\w){words}(?!\w)")
    if not parts:
        return None
    # Longest first, so that a phrase wins over one of its own words.
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return text
    return pattern.sub(lambda hit: f"{HIGHLIGHT_START}{hit.group(0)}{HIGHLIGHT_END}", text)


def permalink(base_url: str, message: Message) -> str:
    """Slack's permalink shape: /archives/<channel>/p<ts digits>, thread replies with context."""
    link = f"{base_url}/archives/{message.conversation_id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={message.conversation_id}"
    return link


def conversation_name(
    conversation: Conversation, viewer_id: str, members: list[str], users: dict[str, User]
) -> str:
    """Channels by name; an IM by the other person's id and a group DM as `mpdm-a--b-1`,
    as Slack names them in search results."""
    if conversation.kind == "im":
        others = [member for member in members if member != viewer_id]
        return others[0] if others else viewer_id
    if conversation.kind == "mpim":
        handles = [users[m].name if m in users else m for m in members]
        return "mpdm-" + "--".join(handles) + "-1"
    return conversation.name or conversation.id


def channel_object(
    conversation: Conversation, viewer_id: str, members: list[str], users: dict[str, User]
) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "id": conversation.id,
        "name": conversation_name(conversation, viewer_id, members, users),
        "is_channel": conversation.kind == "channel",
        "is_group": conversation.kind == "group",
        "is_im": conversation.kind == "im",
        "is_mpim": conversation.kind == "mpim",
        "is_private": conversation.kind != "channel",
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
    }
    if conversation.kind == "im":
        channel["user"] = channel["name"]
    return channel


def match_object(
    hit: Hit,
    *,
    channel: dict[str, Any],
    author: User | None,
    base_url: str,
    pattern: re.Pattern[str] | None,
) -> dict[str, Any]:
    message = hit.message
    match: dict[str, Any] = {
        "iid": str(uuid.uuid5(_IID_NAMESPACE, f"{message.conversation_id}/{message.ts}")),
        "team": message.workspace_id,
        "channel": channel,
        "type": "message",
        "user": message.user_id or "",
        "username": author.name if author else (message.username or ""),
        "ts": message.ts,
        "text": highlight(message.text, pattern),
        "permalink": permalink(base_url, message),
        "score": hit.score,
    }
    optional = {
        "bot_id": message.bot_id,
        "thread_ts": message.thread_ts,
        "blocks": message.blocks,
        "attachments": message.attachments,
        "files": message.files,
    }
    match.update({key: value for key, value in optional.items() if value})
    return match


def result_block(matches: list[dict[str, Any]], page: Page) -> dict[str, Any]:
    """`messages` (or `files`): the matches with Slack's `pagination` and older `paging`."""
    pages = math.ceil(page.total / page.count) if page.count else 0
    return {
        "total": page.total,
        "matches": matches,
        "pagination": {
            "total_count": page.total,
            "page": page.page,
            "per_page": page.count,
            "page_count": pages,
            "first": page.offset + 1,
            "last": page.offset + page.returned,
        },
        "paging": {"count": page.count, "total": page.total, "page": page.page, "pages": pages},
    }
