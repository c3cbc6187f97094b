"""Custom emoji writes (admin.emoji.*): the only writers of `custom_emoji`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import delete

from parley.features.emoji import store
from parley.features.emoji.models import CustomEmoji
from parley.features.emoji.schemas import emoji_value
from parley.features.emoji.standard import is_standard, strip_colons
from parley.platform.auth.principal import Principal
from parley.platform.clock import event_ts, unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, workspace_audience

MAX_NAME = 100
_NAME = re.compile(r"^[a-z0-9_+'-]+$")


def check_emoji_name(raw: str | None) -> str:
    """A custom emoji name: colons and whitespace trimmed, lower-case letters, digits, `-_+'`."""
    name = strip_colons(raw or "")
    if not name:
        raise ApiError("error_missing_name")
    if name != name.lower():
        raise ApiError("error_lower_case_names_only")
    if len(name) > MAX_NAME:
        raise ApiError("error_bad_name_length")
    if not _NAME.match(name):
        raise ApiError("error_bad_name_i18n")
    return name


def check_image_url(url: str | None) -> str:
    """Only absolute http(s) URLs: the image is shown by every client that lists the emoji."""
    url = (url or "").strip()
    if not url:
        raise ApiError("error_no_image")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or len(url) > 2048:
        raise ApiError("error_bad_upload")
    return url


async def _check_name_free(uow: UnitOfWork, workspace_id: str, name: str) -> None:
    if is_standard(name):
        raise ApiError("error_name_taken_i18n")
    if await store.get_custom_emoji(uow.session, workspace_id, name) is not None:
        raise ApiError("error_name_taken")


async def _announce_added(uow: UnitOfWork, emoji: CustomEmoji) -> None:
    payload = {
        "type": "emoji_changed",
        "subtype": "add",
        "name": emoji.name,
        "value": emoji_value(emoji),
        "event_ts": event_ts(),
    }
    await emit(uow, emoji.workspace_id, payload, workspace_audience())


async def do_add_emoji(
    uow: UnitOfWork, workspace_id: str, *, name: str, url: str, user_id: str
) -> CustomEmoji:
    """Add a custom emoji and announce `emoji_changed` (subtype `add`)."""
    await _check_name_free(uow, workspace_id, name)
    emoji = CustomEmoji(
        workspace_id=workspace_id,
        name=name,
        url=url,
        alias_for=None,
        created_by=user_id,
        created=unix_now(),
    )
    uow.session.add(emoji)
    await uow.session.flush()
    await _announce_added(uow, emoji)
    return emoji


async def do_add_alias(
    uow: UnitOfWork, workspace_id: str, *, name: str, alias_for: str, user_id: str
) -> CustomEmoji:
    """Add `name` as another name for an existing emoji (standard or custom)."""
    target = strip_colons(alias_for)
    if not target:
        raise ApiError("no_alias_selected")
    existing = await store.get_custom_emoji(uow.session, workspace_id, target)
    if existing is None and not is_standard(target):
        raise ApiError("error_invalid_alias")
    await _check_name_free(uow, workspace_id, name)
    # An alias of an alias points at the original, so that resolving takes one step.
    resolved = existing.alias_for if existing is not None and existing.alias_for else target
    emoji = CustomEmoji(
        workspace_id=workspace_id,
        name=name,
        url="",
        alias_for=resolved,
        created_by=user_id,
        created=unix_now(),
    )
    uow.session.add(emoji)
    await uow.session.flush()
    await _announce_added(uow, emoji)
    return emoji


async def do_remove_emoji(uow: UnitOfWork, workspace_id: str, name: str) -> list[str]:
    """Remove a custom emoji with its aliases; announce `emoji_changed` (subtype `remove`)."""
    emoji = await store.get_custom_emoji(uow.session, workspace_id, name)
    if emoji is None:
        raise ApiError("emoji_not_found")
    names = [
        emoji.name,
        *(alias.name for alias in await store.aliases_of(uow.session, workspace_id, name)),
    ]
    await uow.session.execute(
        delete(CustomEmoji).where(
            CustomEmoji.workspace_id == workspace_id, CustomEmoji.name.in_(names)
        )
    )
    payload = {"type": "emoji_changed", "subtype": "remove", "names": names, "event_ts": event_ts()}
    await emit(uow, workspace_id, payload, workspace_audience())
    return names


# --- the rules of the admin.emoji.* methods (check_*: decide, then call do_*) ----------------


def _require_admin(principal: Principal) -> None:
    """A workspace's custom emoji are its admins' and owners' to manage."""
    if not principal.is_admin:
        raise ApiError("not_an_admin")


async def check_add_emoji(uow: UnitOfWork, principal: Principal, name: str, url: str) -> None:
    """An admin adds a custom emoji: a free, well-formed name and an image URL."""
    _require_admin(principal)
    name, url = check_emoji_name(name), check_image_url(url)
    await do_add_emoji(uow, principal.workspace_id, name=name, url=url, user_id=principal.user_id)


async def check_upload_emoji(uow: UnitOfWork, principal: Principal, raw_name: str) -> str:
    """An admin may upload an image as emoji `raw_name`: the clean name, once it is well-formed
    and free (checked before the image is stored; `do_add_emoji` checks again on insert)."""
    _require_admin(principal)
    name = check_emoji_name(raw_name)
    await _check_name_free(uow, principal.workspace_id, name)
    return name


async def check_add_alias(uow: UnitOfWork, principal: Principal, name: str, alias_for: str) -> None:
    """An admin adds another name for an existing (standard or custom) emoji."""
    _require_admin(principal)
    name = check_emoji_name(name)
    await do_add_alias(
        uow, principal.workspace_id, name=name, alias_for=alias_for, user_id=principal.user_id
    )


async def check_remove_emoji(uow: UnitOfWork, principal: Principal, name: str) -> list[str]:
    """An admin removes a custom emoji with its aliases; returns the names removed."""
    _require_admin(principal)
    return await do_remove_emoji(uow, principal.workspace_id, strip_colons(name))
