"""Workspace settings an admin changes: name, icon, default channels, and who may create
channels or invite. The policies live in `settings["preferences"]` (so
`team.preferences.list` shows them); the features that act on them read them there:
conversations.create (`who_can_create_channels`) and admin.invites.create
(`who_can_invite`, features/auth/actions.py)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.audit.interface import record
from parley.features.workspaces import store
from parley.features.workspaces.actions import check_workspace_fields
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.origin import Origin
from parley.platform.spaces import Conversation
from parley.platform.tenancy import Workspace

POLICIES = ("who_can_create_channels", "who_can_invite")
POLICY_VALUES = ("everyone", "admins")
DEFAULT_POLICIES = {"who_can_create_channels": "everyone", "who_can_invite": "admins"}
MAX_DEFAULT_CHANNELS = 20
ICON_MAX_BYTES = 256 * 1024
ICON_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
ICON_PREFIX = "/team-icon/"


def workspace_policy(workspace: Workspace, name: str) -> str:
    """A policy's value ("everyone" or "admins"), the default until an admin sets it."""
    stored = ((workspace.settings or {}).get("preferences") or {}).get(name)
    return stored if stored in POLICY_VALUES else DEFAULT_POLICIES[name]


def default_channel_ids(workspace: Workspace) -> list[str]:
    channels = (workspace.settings or {}).get("default_channels") or []
    return [c for c in channels if isinstance(c, str)]


async def access_admin_team(
    session: AsyncSession, actor: Principal, team_id: str | None
) -> Workspace:
    """The caller's workspace, for its admins (`not_an_admin`); another one is
    `team_not_found`."""
    if not actor.is_admin:
        raise ApiError("not_an_admin")
    if team_id and team_id != actor.workspace_id:
        raise ApiError("team_not_found")
    workspace = await store.get_workspace(session, actor.workspace_id)
    if workspace is None:
        raise ApiError("team_not_found")
    return workspace


def _changed_settings(workspace: Workspace, **changes: Any) -> None:
    # A new dict: SQLAlchemy sees a JSON column change only when the value is replaced.
    workspace.settings = {**(workspace.settings or {}), **changes}


async def _audit(
    uow: UnitOfWork, actor: Principal, what: str, origin: Origin, **details: Any
) -> None:
    await record(
        uow,
        actor.workspace_id,
        "team_settings_changed",
        actor_id=actor.user_id,
        entity_type="team",
        entity_id=actor.workspace_id,
        origin=origin,
        details={"setting": what, **details},
    )


async def do_set_name(
    uow: UnitOfWork, actor: Principal, team_id: str | None, name: str, origin: Origin
) -> Workspace:
    workspace = await access_admin_team(uow.session, actor, team_id)
    name, _ = check_workspace_fields(name, workspace.domain)
    previous = workspace.name
    workspace.name = name
    await uow.session.flush()
    await _audit(uow, actor, "name", origin, previous=previous, new=name)
    return workspace


def check_icon_url(image_url: str) -> str:
    if not image_url.startswith(("https://", "http://")) or len(image_url) > 1024:
        raise ApiError("invalid_url")
    return image_url


def check_icon_image(data_url: str) -> tuple[str, bytes]:
    """An uploaded icon as a `data:image/…;base64,…` URL: (mimetype, bytes), or
    `invalid_image`."""
    head, sep, payload = data_url.partition(",")
    mimetype = head.removeprefix("data:").removesuffix(";base64")
    if not sep or not head.endswith(";base64") or mimetype not in ICON_TYPES:
        raise ApiError("invalid_image")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError("invalid_image") from None
    if not data or len(data) > ICON_MAX_BYTES or not _looks_like(mimetype, data):
        raise ApiError("invalid_image")
    return mimetype, data


def _looks_like(mimetype: str, data: bytes) -> bool:
    magic = {
        "image/png": (b"\x89PNG\r\n\x1a\n",),
        "image/jpeg": (b"\xff\xd8\xff",),
        "image/gif": (b"GIF87a", b"GIF89a"),
        "image/webp": (b"RIFF",),
    }[mimetype]
    return data.startswith(magic)


async def do_set_icon(
    uow: UnitOfWork,
    actor: Principal,
    team_id: str | None,
    image_url: str,
    *,
    base_url: str,
    origin: Origin,
) -> Workspace:
    """Slack's `image_url`, or an uploaded image as a data URL (kept in the workspace's
    settings, at most 256 KB, and served at /team-icon/<team>/<hash>)."""
    workspace = await access_admin_team(uow.session, actor, team_id)
    if image_url.startswith("data:"):
        mimetype, data = check_icon_image(image_url)
        digest = hashlib.sha256(data).hexdigest()[:16]
        icon = {"mimetype": mimetype, "data": base64.b64encode(data).decode(), "hash": digest}
        _changed_settings(workspace, icon=icon)
        workspace.icon_url = f"{base_url}{ICON_PREFIX}{workspace.id}/{digest}"
    elif image_url == "":
        _changed_settings(workspace, icon=None)
        workspace.icon_url = ""
    else:
        _changed_settings(workspace, icon=None)
        workspace.icon_url = check_icon_url(image_url)
    await uow.session.flush()
    await _audit(uow, actor, "icon", origin)
    return workspace


async def do_set_default_channels(
    uow: UnitOfWork, actor: Principal, team_id: str | None, channel_ids: list[str], origin: Origin
) -> Workspace:
    """New members join these public channels (besides #general)."""
    workspace = await access_admin_team(uow.session, actor, team_id)
    wanted = list(dict.fromkeys(channel_ids))
    if len(wanted) > MAX_DEFAULT_CHANNELS:
        raise ApiError("one_or_more_invalid_channels")
    if wanted:
        found = await uow.session.scalars(
            select(Conversation.id).where(
                Conversation.workspace_id == workspace.id,
                Conversation.id.in_(wanted),
                Conversation.kind == "channel",
                Conversation.is_archived.is_(False),
            )
        )
        if set(found.all()) != set(wanted):
            raise ApiError("one_or_more_invalid_channels")
    _changed_settings(workspace, default_channels=wanted)
    await uow.session.flush()
    await _audit(uow, actor, "default_channels", origin, channels=wanted)
    return workspace


async def do_set_policies(
    uow: UnitOfWork,
    actor: Principal,
    team_id: str | None,
    policies: dict[str, str | None],
    origin: Origin,
) -> Workspace:
    """who_can_create_channels / who_can_invite: "everyone" or "admins"."""
    workspace = await access_admin_team(uow.session, actor, team_id)
    preferences = dict((workspace.settings or {}).get("preferences") or {})
    for name, value in policies.items():
        if value is None:
            continue
        if value not in POLICY_VALUES:
            raise ApiError("invalid_value", setting=name)
        preferences[name] = value
    _changed_settings(workspace, preferences=preferences)
    await uow.session.flush()
    await _audit(uow, actor, "permissions", origin, **{k: v for k, v in policies.items() if v})
    return workspace


def settings_object(workspace: Workspace) -> dict[str, Any]:
    """admin.teams.settings.info's `team`: Slack's fields plus the policies."""
    icon = workspace.icon_url
    return {
        "id": workspace.id,
        "name": workspace.name,
        "domain": workspace.domain,
        "email_domain": workspace.email_domain,
        "icon": {
            "image_default": not icon,
            **{f"image_{size}": icon for size in (34, 44, 68, 88, 102, 132, 230)},
        },
        "default_channels": default_channel_ids(workspace),
        **{name: workspace_policy(workspace, name) for name in POLICIES},
    }


async def stored_icon(
    session: AsyncSession, workspace_id: str, digest: str
) -> tuple[str, bytes] | None:
    """An uploaded icon's (mimetype, bytes) when `digest` is the current one."""
    workspace = await store.get_workspace(session, workspace_id)
    icon = ((workspace.settings or {}).get("icon") if workspace else None) or {}
    if icon.get("hash") != digest:
        return None
    return str(icon["mimetype"]), base64.b64decode(icon["data"])
