"""Bookmark writes: the only writers of `bookmarks`; each emits its event to the conversation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from parley.features.bookmarks import store
from parley.features.bookmarks.models import Bookmark
from parley.features.bookmarks.schemas import bookmark_object
from parley.features.conversations.interface import (
    Access,
    access_conversation,
    require_not_archived,
)
from parley.platform.auth.principal import Principal
from parley.platform.clock import event_ts, unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import conversation_audience, emit
from parley.platform.ids import new_id
from parley.platform.spaces import Conversation

MAX_BOOKMARKS = 100  # Slack: "Conversations are limited to 100 bookmarks."
MAX_TITLE = 255
MAX_LINK = 2048
_EMOJI = re.compile(r"^:?(?P<name>[a-z0-9_+'-]{1,90}(::skin-tone-[2-6])?):?$")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]")


@dataclass(frozen=True)
class BookmarkFields:
    """Validated changes; None means "leave as it is"."""

    title: str | None = None
    link: str | None = None
    emoji: str | None = None


def check_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > MAX_TITLE or "\x00" in title:
        raise ApiError("invalid_title")
    return title


def check_link(link: str) -> str:
    """Only absolute http(s) links: anything else (javascript:, data:, relative) is refused."""
    link = link.strip()
    parts = urlsplit(link)
    if (
        parts.scheme.lower() not in {"http", "https"}
        or not parts.hostname
        or len(link) > MAX_LINK
        or _UNSAFE.search(link)
    ):
        raise ApiError("invalid_link")
    return link


def check_emoji(emoji: str) -> str:
    """`:name:` (colons optional on input); empty clears it."""
    emoji = emoji.strip()
    if not emoji:
        return ""
    match = _EMOJI.match(emoji)
    if match is None:
        raise ApiError("invalid_emoji")
    return f":{match.group('name')}:"


def check_type(kind: str) -> str:
    if kind != "link":
        raise ApiError("invalid_bookmark_type")
    return kind


def _next_rank(count: int, top: str | None) -> str:
    """Fixed-width ranks sort as strings; a new bookmark goes after the others."""
    after = int(top) + 1 if top and top.isdigit() else count
    return f"{after:06d}"


async def _announce(uow: UnitOfWork, kind: str, bookmark: Bookmark) -> None:
    payload: dict[str, Any] = {
        "type": kind,
        "channel_id": bookmark.conversation_id,
        "bookmark": bookmark_object(bookmark),
        "event_ts": event_ts(),
    }
    await emit(uow, bookmark.workspace_id, payload, conversation_audience(bookmark.conversation_id))


async def do_add_bookmark(
    uow: UnitOfWork, user_id: str, conversation: Conversation, *, title: str, link: str, emoji: str
) -> Bookmark:
    """Add a link bookmark at the end of the conversation's bookmarks."""
    require_not_archived(conversation)
    count, top = await store.bookmark_stats(uow.session, conversation.id)
    if count >= MAX_BOOKMARKS:
        raise ApiError("too_many_bookmarks")
    bookmark = Bookmark(
        id=new_id("Bk"),
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        title=title,
        link=link,
        emoji=emoji,
        type="link",
        rank=_next_rank(count, top),
        created_by=user_id,
        date_created=unix_now(),
        date_updated=0,
        updated_by=user_id,
    )
    uow.session.add(bookmark)
    await uow.session.flush()
    await _announce(uow, "bookmark_added", bookmark)
    return bookmark


async def do_edit_bookmark(
    uow: UnitOfWork,
    user_id: str,
    conversation: Conversation,
    bookmark: Bookmark,
    fields: BookmarkFields,
) -> Bookmark:
    require_not_archived(conversation)
    if fields.title is not None:
        bookmark.title = fields.title
    if fields.link is not None:
        bookmark.link = fields.link
    if fields.emoji is not None:
        bookmark.emoji = fields.emoji
    bookmark.date_updated = unix_now()
    bookmark.updated_by = user_id
    await uow.session.flush()
    await _announce(uow, "bookmark_updated", bookmark)
    return bookmark


async def do_remove_bookmark(
    uow: UnitOfWork, conversation: Conversation, bookmark: Bookmark
) -> None:
    require_not_archived(conversation)
    await uow.session.delete(bookmark)
    await uow.session.flush()
    await _announce(uow, "bookmark_removed", bookmark)


# --- the rules of the bookmarks.* methods (check_*: decide, then call do_*) ------------------


async def access_for_change(
    uow: UnitOfWork, principal: Principal, channel_id: str | None
) -> Access:
    """Members change bookmarks (`permission_denied`); others who can see the conversation
    may only list them."""
    access = await access_conversation(uow.session, principal, channel_id, for_update=True)
    if not access.is_member:
        raise ApiError("permission_denied")
    return access


async def _bookmark_in(uow: UnitOfWork, access: Access, bookmark_id: str | None) -> Bookmark:
    """The bookmark `bookmark_id` of this conversation (`not_found` in any other)."""
    bookmark = (
        await store.get_bookmark(uow.session, access.conversation.id, bookmark_id)
        if bookmark_id
        else None
    )
    if bookmark is None:
        raise ApiError("not_found")
    return bookmark


async def check_add_bookmark(
    uow: UnitOfWork,
    principal: Principal,
    channel_id: str | None,
    *,
    kind: str,
    title: str,
    link: str,
    emoji: str,
) -> Bookmark:
    """The bookmark's fields first (type, title, link, emoji), then a member adds it."""
    check_type(kind)
    title, link, emoji = check_title(title), check_link(link), check_emoji(emoji)
    access = await access_for_change(uow, principal, channel_id)
    return await do_add_bookmark(
        uow, principal.user_id, access.conversation, title=title, link=link, emoji=emoji
    )


def _check_fields(title: str | None, link: str | None, emoji: str | None) -> BookmarkFields:
    """The changes an edit asks for, each checked; None leaves a field as it is."""
    return BookmarkFields(
        title=check_title(title) if title is not None else None,
        link=check_link(link) if link is not None else None,
        emoji=check_emoji(emoji) if emoji is not None else None,
    )


async def check_edit_bookmark(
    uow: UnitOfWork,
    principal: Principal,
    channel_id: str | None,
    bookmark_id: str | None,
    *,
    title: str | None = None,
    link: str | None = None,
    emoji: str | None = None,
) -> Bookmark:
    """The changes first (title, link, emoji; None leaves one as it is), then a member
    changes a bookmark of the conversation."""
    fields = _check_fields(title, link, emoji)
    access = await access_for_change(uow, principal, channel_id)
    bookmark = await _bookmark_in(uow, access, bookmark_id)
    return await do_edit_bookmark(uow, principal.user_id, access.conversation, bookmark, fields)


async def check_remove_bookmark(
    uow: UnitOfWork, principal: Principal, channel_id: str | None, bookmark_id: str | None
) -> None:
    """A member removes a bookmark of the conversation."""
    access = await access_for_change(uow, principal, channel_id)
    bookmark = await _bookmark_in(uow, access, bookmark_id)
    await do_remove_bookmark(uow, access.conversation, bookmark)
