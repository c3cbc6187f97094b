"""User group writes: the only writers of `usergroups` and `usergroup_members`.

Who may manage groups follows Slack's workspace setting "who can create, disable or modify
user groups", kept simple: admins and owners always; everyone else (members, and bots,
which Slack allows only then) when the workspace's `usergroups_managed_by` setting is
`"everyone"`. Guests never. Everyone in the workspace may list groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations.interface import (
    do_add_members,
    get_conversation,
    get_conversation_by_name,
)
from parley.features.usergroups import store
from parley.features.usergroups.models import UserGroup
from parley.features.usergroups.schemas import MAX_USERS_IN_EVENT, usergroup_object
from parley.features.users.interface import get_users, users_by_name
from parley.platform import visibility
from parley.platform.auth.principal import Principal
from parley.platform.clock import unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, workspace_audience
from parley.platform.ids import new_id
from parley.platform.tenancy import Workspace

MAX_NAME = 255
MAX_DESCRIPTION = 1000
MAX_CHANNELS = 100  # default channels per group (`too_many_linked_channels`)
MAX_MEMBERS = 10_000  # `subteam_max_users_exceeded`
# A handle is what `@handle` names in a message: the characters `link_names` recognises.
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
# Words a message already gives a meaning to (`@here`…), or Slack's own.
FORBIDDEN_HANDLES = frozenset({"here", "channel", "everyone", "group", "slackbot", "admins"})
MANAGED_BY_SETTING = "usergroups_managed_by"  # "admins" (the default) or "everyone"


@dataclass(frozen=True)
class GroupFields:
    """Validated changes; None means "leave as it is"."""

    name: str | None = None
    handle: str | None = None
    description: str | None = None
    channels: list[str] | None = None


# --- validation (check_*) -------------------------------------------------------------------


def check_name(name: str) -> str:
    name = name.replace("\x00", "").strip()
    if not name:
        raise ApiError("missing_subteam_name")
    if len(name) > MAX_NAME:
        raise ApiError("name_too_long")
    return name


def check_handle(handle: str) -> str:
    handle = handle.strip().removeprefix("@")
    if not _HANDLE.match(handle):
        raise ApiError("bad_handle")
    if handle in FORBIDDEN_HANDLES:
        raise ApiError("forbidden_handle")
    return handle


def handle_from_name(name: str) -> str:
    """The handle a group gets when none is given: its name, lowercased, words joined by -."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "-".join(words)[:80].strip("-") or "group"


def check_description(description: str) -> str:
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise ApiError("description_too_long")
    return description


async def check_channels(session: AsyncSession, principal: Principal, ids: list[str]) -> list[str]:
    """Default channels: unarchived channels of this workspace; a private one only if the
    caller is in it (`invalid_channel_provided` otherwise, as for an unknown id)."""
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    if len(wanted) > MAX_CHANNELS:
        raise ApiError("too_many_linked_channels")
    for channel_id in wanted:
        conversation = await get_conversation(session, principal.workspace_id, channel_id)
        if (
            conversation is None
            or conversation.kind not in {"channel", "group"}
            or conversation.is_archived
            or (
                conversation.kind == "group"
                and principal.user_id not in await visibility.member_ids(session, channel_id)
            )
        ):
            raise ApiError("invalid_channel_provided")
    return wanted


async def check_manager(session: AsyncSession, principal: Principal) -> None:
    """Admins and owners manage groups; others only where the workspace lets everyone."""
    if principal.is_admin:
        return
    if principal.is_guest:
        raise ApiError("permission_denied")
    workspace = await session.get(Workspace, principal.workspace_id)
    settings: dict[str, Any] = (workspace.settings if workspace else None) or {}
    if settings.get(MANAGED_BY_SETTING) != "everyone":
        raise ApiError("permission_denied")


async def check_unique(
    session: AsyncSession,
    workspace_id: str,
    fields: GroupFields,
    *,
    group_id: str | None = None,
) -> None:
    """Names are unique among groups; handles among groups, members and channels."""
    if fields.name is not None:
        same = await store.group_named(session, workspace_id, name=fields.name)
        if same is not None and same.id != group_id:
            raise ApiError("name_already_exists")
    if fields.handle is not None:
        same = await store.group_named(session, workspace_id, handle=fields.handle)
        if (
            (same is not None and same.id != group_id)
            or await users_by_name(session, workspace_id, [fields.handle])
            or await get_conversation_by_name(session, workspace_id, fields.handle) is not None
        ):
            raise ApiError("handle_already_exists")


async def check_users(session: AsyncSession, workspace_id: str, ids: list[str]) -> list[str]:
    """A group's new member list: people of this workspace; not bots, guests or the
    deactivated (`invalid_users`); an id from elsewhere is `failed_for_some_users`."""
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    if not wanted:
        raise ApiError("no_users_provided")
    if len(wanted) > MAX_MEMBERS:
        raise ApiError("subteam_max_users_exceeded")
    found = {user.id: user for user in await get_users(session, workspace_id, wanted)}
    if any(user_id not in found for user_id in wanted):
        raise ApiError("failed_for_some_users")
    if any(u.is_bot or u.role == "guest" or u.deleted for u in found.values()):
        raise ApiError("invalid_users")
    return wanted


# --- writes (do_*) --------------------------------------------------------------------------


async def _flush_unique(uow: UnitOfWork, group: UserGroup) -> None:
    """Write the group's row; a concurrent create or rename that took the name or handle
    first (the unique constraints are the arbiter) is Slack's "already exists" error."""
    try:
        async with uow.session.begin_nested():
            uow.session.add(group)
            await uow.session.flush()
    except IntegrityError as error:
        taken = "handle" if "handle" in str(error.orig) else "name"
        raise ApiError(f"{taken}_already_exists") from None


async def _announce(uow: UnitOfWork, kind: str, group: UserGroup) -> None:
    """subteam_created / subteam_updated with the group as it is now (users up to 500)."""
    members = await store.member_ids(uow.session, group.id)
    subteam = usergroup_object(
        group,
        users=members[:MAX_USERS_IN_EVENT],
        user_count=len(members),
        count_as_text=False,
    )
    await emit(uow, group.workspace_id, {"type": kind, "subteam": subteam}, workspace_audience())


async def _join_default_channels(
    uow: UnitOfWork, group: UserGroup, user_ids: list[str], channel_ids: list[str], actor_id: str
) -> None:
    """People added to an enabled group join its default channels (those still open)."""
    if not user_ids or group.date_delete:
        return
    for channel_id in channel_ids:
        conversation = await get_conversation(
            uow.session, group.workspace_id, channel_id, for_update=True
        )
        if conversation is None or conversation.is_archived:
            continue
        present = set(await visibility.member_ids(uow.session, conversation.id))
        joining = [user_id for user_id in user_ids if user_id not in present]
        await do_add_members(uow, conversation, joining, actor_id=actor_id)


async def do_create_group(
    uow: UnitOfWork,
    workspace_id: str,
    actor_id: str,
    *,
    name: str,
    handle: str,
    description: str,
    channels: list[str],
) -> UserGroup:
    now = unix_now()
    group = UserGroup(
        id=new_id("S"),
        workspace_id=workspace_id,
        name=name,
        handle=handle,
        description=description,
        channels=channels,
        created_by=actor_id,
        updated_by=actor_id,
        deleted_by=None,
        date_create=now,
        date_update=now,
        date_delete=0,
    )
    await _flush_unique(uow, group)
    await _announce(uow, "subteam_created", group)
    return group


async def do_update_group(
    uow: UnitOfWork, group: UserGroup, fields: GroupFields, *, actor_id: str
) -> UserGroup:
    """Change what is given; the members join default channels the change added."""
    added_channels: list[str] = []
    if fields.name is not None:
        group.name = fields.name
    if fields.handle is not None:
        group.handle = fields.handle
    if fields.description is not None:
        group.description = fields.description
    if fields.channels is not None:
        added_channels = [c for c in fields.channels if c not in (group.channels or [])]
        group.channels = fields.channels
    group.updated_by = actor_id
    group.date_update = unix_now()
    await _flush_unique(uow, group)
    members = await store.member_ids(uow.session, group.id)
    await _join_default_channels(uow, group, members, added_channels, actor_id)
    await _announce(uow, "subteam_updated", group)
    return group


async def do_set_enabled(
    uow: UnitOfWork, group: UserGroup, enabled: bool, *, actor_id: str
) -> UserGroup:
    """Disable (mentions stop notifying; `date_delete` set) or enable again. Slack sends
    subteam_updated for both; asking for the state a group is in changes nothing."""
    if enabled == (group.date_delete == 0):
        return group
    now = unix_now()
    group.date_delete = 0 if enabled else now
    group.deleted_by = None if enabled else actor_id
    group.updated_by = actor_id
    group.date_update = now
    await uow.session.flush()
    await _announce(uow, "subteam_updated", group)
    return group


async def do_set_members(
    uow: UnitOfWork, group: UserGroup, user_ids: list[str], *, actor_id: str
) -> UserGroup:
    """Replace the member list; newcomers join the default channels. Sends
    subteam_members_changed (the difference) and subteam_updated (the group), as Slack."""
    before = await store.member_ids(uow.session, group.id)
    added = [user_id for user_id in user_ids if user_id not in set(before)]
    removed = [user_id for user_id in before if user_id not in set(user_ids)]
    if not added and not removed:
        return group
    await store.remove_members(uow.session, group, removed)
    await store.add_members(uow.session, group, added)
    previous_update, group.date_update = group.date_update, unix_now()
    group.updated_by = actor_id
    await uow.session.flush()
    await _join_default_channels(uow, group, added, list(group.channels or []), actor_id)
    changed = {
        "type": "subteam_members_changed",
        "subteam_id": group.id,
        "team_id": group.workspace_id,
        "date_previous_update": previous_update,
        "date_update": group.date_update,
        "added_users": added,
        "added_users_count": str(len(added)),
        "removed_users": removed,
        "removed_users_count": str(len(removed)),
    }
    await emit(uow, group.workspace_id, changed, workspace_audience())
    await _announce(uow, "subteam_updated", group)
    return group


# --- the rules of the usergroups.* methods (check_*: decide, then call do_*) ----------------


async def access_group(
    session: AsyncSession, principal: Principal, group_id: str | None, *, for_update: bool = False
) -> UserGroup:
    """The workspace's group `group_id` (`no_such_subteam` for any other, as for none)."""
    group = (
        await store.get_group(session, principal.workspace_id, group_id, for_update=for_update)
        if group_id
        else None
    )
    if group is None:
        raise ApiError("no_such_subteam")
    return group


async def check_create_group(
    uow: UnitOfWork,
    principal: Principal,
    *,
    name: str,
    handle: str | None,
    description: str | None,
    channels: list[str] | None,
) -> UserGroup:
    """Who may manage first, then the fields, then uniqueness."""
    await check_manager(uow.session, principal)
    clean_name = check_name(name)
    clean_handle = check_handle(handle) if handle else handle_from_name(clean_name)
    clean_description = check_description(description or "")
    clean_channels = await check_channels(uow.session, principal, channels or [])
    await check_unique(
        uow.session, principal.workspace_id, GroupFields(name=clean_name, handle=clean_handle)
    )
    return await do_create_group(
        uow,
        principal.workspace_id,
        principal.user_id,
        name=clean_name,
        handle=clean_handle,
        description=clean_description,
        channels=clean_channels,
    )


async def check_update_group(
    uow: UnitOfWork,
    principal: Principal,
    group_id: str | None,
    *,
    name: str | None = None,
    handle: str | None = None,
    description: str | None = None,
    channels: list[str] | None = None,
) -> UserGroup:
    await check_manager(uow.session, principal)
    group = await access_group(uow.session, principal, group_id, for_update=True)
    fields = GroupFields(
        name=check_name(name) if name is not None else None,
        handle=check_handle(handle) if handle is not None else None,
        description=check_description(description) if description is not None else None,
        channels=(
            await check_channels(uow.session, principal, channels) if channels is not None else None
        ),
    )
    await check_unique(uow.session, principal.workspace_id, fields, group_id=group.id)
    return await do_update_group(uow, group, fields, actor_id=principal.user_id)


async def check_set_enabled(
    uow: UnitOfWork, principal: Principal, group_id: str | None, enabled: bool
) -> UserGroup:
    await check_manager(uow.session, principal)
    group = await access_group(uow.session, principal, group_id, for_update=True)
    return await do_set_enabled(uow, group, enabled, actor_id=principal.user_id)


async def check_set_members(
    uow: UnitOfWork, principal: Principal, group_id: str | None, user_ids: list[str]
) -> UserGroup:
    await check_manager(uow.session, principal)
    group = await access_group(uow.session, principal, group_id, for_update=True)
    members = await check_users(uow.session, principal.workspace_id, user_ids)
    return await do_set_members(uow, group, members, actor_id=principal.user_id)


def check_reader(principal: Principal) -> None:
    """Guests do not see the workspace's groups (Slack: `user_is_restricted`)."""
    if principal.is_guest:
        raise ApiError("user_is_restricted")
