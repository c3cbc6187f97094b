"""Slack-shaped user and profile objects."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UserFields(Protocol):
    """What a user object is built from: an ORM `User` or a Core row of `USER_OBJECT_COLUMNS`
    (users.list reads rows, not ORM objects: building 200 ORM objects cost more than the page)."""

    @property
    def id(self) -> str: ...
    @property
    def workspace_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def role(self) -> str: ...
    @property
    def is_primary_owner(self) -> bool: ...
    @property
    def is_bot(self) -> bool: ...
    @property
    def bot_id(self) -> str | None: ...
    @property
    def app_id(self) -> str | None: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def real_name(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def status_text(self) -> str: ...
    @property
    def status_emoji(self) -> str: ...
    @property
    def status_expiration(self) -> int: ...
    @property
    def tz(self) -> str: ...
    @property
    def avatar_url(self) -> str: ...
    @property
    def color(self) -> str: ...
    @property
    def updated(self) -> int: ...


# The columns UserFields names, in that order: a row of these is everything a user object shows.
USER_OBJECT_COLUMNS = (
    "id",
    "workspace_id",
    "name",
    "email",
    "role",
    "is_primary_owner",
    "is_bot",
    "bot_id",
    "app_id",
    "deleted",
    "real_name",
    "display_name",
    "first_name",
    "last_name",
    "title",
    "phone",
    "status_text",
    "status_emoji",
    "status_expiration",
    "tz",
    "avatar_url",
    "color",
    "updated",
)


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def tz_offset_seconds(tz: str) -> int:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset else 0


def _avatar_hash(user: UserFields) -> str:
    return hashlib.sha256((user.avatar_url or user.id).encode()).hexdigest()[:12]


# An uploaded photo (users.setPhoto) is stored at every size under one folder; its
# `avatar_url` names the original, `…/<token>/original`, and each size sits beside it.
PHOTO_SIZES = (24, 32, 48, 72, 192, 512)
_UPLOADED_PHOTO = re.compile(r"^(?P<base>.*/avatars/[A-Za-z0-9_-]{16,64})/original$")


def photo_url(base_url: str, token: str, size: int | str) -> str:
    """Where an uploaded photo's `size` ("original" or a number of pixels) is served."""
    return f"{base_url}/avatars/{token}/{size}"


def photo_token(avatar_url: str) -> str | None:
    """The storage token of an uploaded photo's URL, else None (an external URL or none)."""
    found = _UPLOADED_PHOTO.match(avatar_url or "")
    return found["base"].rsplit("/", 1)[1] if found else None


def image_urls(avatar_url: str) -> dict[str, str]:
    """Slack's `image_24` … `image_512` and `image_original`: an uploaded photo's sizes,
    else the one external URL at every size."""
    found = _UPLOADED_PHOTO.match(avatar_url or "")
    images = {
        f"image_{size}": f"{found['base']}/{size}" if found else avatar_url for size in PHOTO_SIZES
    }
    images["image_original"] = avatar_url
    return images


def profile_object(user: UserFields, *, include_email: bool) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "title": user.title,
        "phone": user.phone,
        "skype": "",
        "real_name": user.real_name,
        "real_name_normalized": _normalize(user.real_name),
        "display_name": user.display_name,
        "display_name_normalized": _normalize(user.display_name),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "fields": {},
        "status_text": user.status_text,
        "status_emoji": user.status_emoji,
        "status_expiration": user.status_expiration,
        "avatar_hash": _avatar_hash(user),
        "team": user.workspace_id,
    }
    profile.update(image_urls(user.avatar_url))
    if include_email and user.email:
        profile["email"] = user.email
    if user.is_bot:
        profile["bot_id"] = user.bot_id
        profile["api_app_id"] = user.app_id or ""
        profile["always_active"] = True
    return profile


def user_object(user: UserFields, *, include_email: bool) -> dict[str, Any]:
    return {
        "id": user.id,
        "team_id": user.workspace_id,
        "name": user.name,
        "deleted": user.deleted,
        "color": user.color,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": user.tz,
        "tz_offset": tz_offset_seconds(user.tz),
        "profile": profile_object(user, include_email=include_email),
        "is_admin": user.role in {"owner", "admin"},
        "is_owner": user.role == "owner",
        "is_primary_owner": user.is_primary_owner,
        "is_restricted": user.role == "guest",
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": user.updated,
        "is_email_confirmed": bool(user.email),
    }


def bot_icons(user: UserFields) -> dict[str, str]:
    """A bot's `icons` (bots.info, `bot_profile`): its avatar at Slack's three sizes."""
    images = image_urls(user.avatar_url)
    return {"image_36": images["image_48"], **{k: images[k] for k in ("image_48", "image_72")}}


def bot_profile_object(user: UserFields) -> dict[str, Any]:
    """Slack's `bot_profile`, sent beside `bot_id` on a bot's messages and events."""
    return {
        "id": user.bot_id,
        "deleted": user.deleted,
        "name": user.real_name or user.name,
        "updated": user.updated,
        "app_id": user.app_id,
        "icons": bot_icons(user),
        "team_id": user.workspace_id,
    }
