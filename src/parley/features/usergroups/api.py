"""usergroups.create / update / list / enable / disable / users.list / users.update."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.usergroups import actions, store
from parley.features.usergroups.models import UserGroup
from parley.features.usergroups.schemas import usergroup_object
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import CsvList, Params, SlackBool
from parley.platform.webapi.registry import Tier, api_method

_MANAGE_ERRORS = ("permission_denied", "no_such_subteam")
_FIELD_ERRORS = (
    "missing_subteam_name",
    "name_too_long",
    "name_already_exists",
    "bad_handle",
    "forbidden_handle",
    "handle_already_exists",
    "description_too_long",
    "invalid_channel_provided",
    "too_many_linked_channels",
)


async def _answer(session: AsyncSession, group: UserGroup, include_count: bool) -> dict[str, Any]:
    """`{"usergroup": …}` with `user_count` when asked for."""
    count = None
    if include_count:
        count = (await store.member_counts(session, group.workspace_id, [group.id])).get(
            group.id, 0
        )
    return {"usergroup": usergroup_object(group, user_count=count)}


class _GroupParams(Params):
    """What usergroups.create and usergroups.update both take."""

    handle: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    channels: CsvList | None = None
    include_count: SlackBool = False
    team_id: str | None = Field(default=None, max_length=32)


class CreateParams(_GroupParams):
    name: str = Field(max_length=1000)


@api_method(
    "usergroups.create",
    params=CreateParams,
    scopes=("usergroups:write",),
    tier=Tier.T2,
    missing_errors={"name": "missing_subteam_name"},
    errors=("permission_denied", *_FIELD_ERRORS),
)
async def usergroups_create(call: Call, params: CreateParams) -> dict[str, Any]:
    """Creates a user group (admins and owners, or everyone if the workspace allows)."""
    async with call.services.db.write() as uow:
        group = await actions.check_create_group(
            uow,
            call.principal,
            name=params.name,
            handle=params.handle,
            description=params.description,
            channels=params.channels,
        )
        return await _answer(uow.session, group, params.include_count)


class UpdateParams(_GroupParams):
    usergroup: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=1000)


@api_method(
    "usergroups.update",
    params=UpdateParams,
    scopes=("usergroups:write",),
    tier=Tier.T2,
    errors=(*_MANAGE_ERRORS, *_FIELD_ERRORS),
)
async def usergroups_update(call: Call, params: UpdateParams) -> dict[str, Any]:
    """Changes a user group's name, handle, description or default channels."""
    async with call.services.db.write() as uow:
        group = await actions.check_update_group(
            uow,
            call.principal,
            params.usergroup,
            name=params.name,
            handle=params.handle,
            description=params.description,
            channels=params.channels,
        )
        return await _answer(uow.session, group, params.include_count)


class EnableParams(Params):
    usergroup: str | None = Field(default=None, max_length=32)
    include_count: SlackBool = False
    team_id: str | None = Field(default=None, max_length=32)


@api_method(
    "usergroups.enable",
    params=EnableParams,
    scopes=("usergroups:write",),
    tier=Tier.T2,
    errors=_MANAGE_ERRORS,
)
async def usergroups_enable(call: Call, params: EnableParams) -> dict[str, Any]:
    """Enables a disabled user group."""
    async with call.services.db.write() as uow:
        group = await actions.check_set_enabled(uow, call.principal, params.usergroup, True)
        return await _answer(uow.session, group, params.include_count)


@api_method(
    "usergroups.disable",
    params=EnableParams,
    scopes=("usergroups:write",),
    tier=Tier.T2,
    errors=_MANAGE_ERRORS,
)
async def usergroups_disable(call: Call, params: EnableParams) -> dict[str, Any]:
    """Disables a user group: its mentions notify nobody until it is enabled again."""
    async with call.services.db.write() as uow:
        group = await actions.check_set_enabled(uow, call.principal, params.usergroup, False)
        return await _answer(uow.session, group, params.include_count)


class ListParams(Params):
    include_users: SlackBool = False
    include_count: SlackBool = False
    include_disabled: SlackBool = False
    team_id: str | None = Field(default=None, max_length=32)


@api_method(
    "usergroups.list",
    params=ListParams,
    scopes=("usergroups:read",),
    tier=Tier.T2,
    errors=("user_is_restricted",),
)
async def usergroups_list(call: Call, params: ListParams) -> dict[str, Any]:
    """Lists the workspace's user groups (with members and counts when asked for)."""
    actions.check_reader(call.principal)
    workspace_id = call.principal.workspace_id
    async with call.services.db.read() as session:
        groups = await store.list_groups(
            session, workspace_id, include_disabled=params.include_disabled
        )
        ids = [group.id for group in groups]
        members = (
            await store.members_by_group(session, workspace_id, ids) if params.include_users else {}
        )
        counts = (
            await store.member_counts(session, workspace_id, ids) if params.include_count else {}
        )
    return {
        "usergroups": [
            usergroup_object(
                group,
                users=members.get(group.id, []) if params.include_users else None,
                user_count=counts.get(group.id, 0) if params.include_count else None,
            )
            for group in groups
        ]
    }


class UsersListParams(Params):
    usergroup: str | None = Field(default=None, max_length=32)
    include_disabled: SlackBool = False
    team_id: str | None = Field(default=None, max_length=32)


@api_method(
    "usergroups.users.list",
    params=UsersListParams,
    scopes=("usergroups:read",),
    tier=Tier.T2,
    errors=("no_such_subteam", "user_is_restricted"),
)
async def usergroups_users_list(call: Call, params: UsersListParams) -> dict[str, Any]:
    """The members of a user group (none for a disabled one unless include_disabled)."""
    actions.check_reader(call.principal)
    async with call.services.db.read() as session:
        group = await actions.access_group(session, call.principal, params.usergroup)
        if group.date_delete and not params.include_disabled:
            return {"users": []}
        return {"users": await store.member_ids(session, group.id)}


class UsersUpdateParams(Params):
    usergroup: str | None = Field(default=None, max_length=32)
    users: CsvList = Field(default_factory=list)
    include_count: SlackBool = False
    team_id: str | None = Field(default=None, max_length=32)


@api_method(
    "usergroups.users.update",
    params=UsersUpdateParams,
    scopes=("usergroups:write",),
    tier=Tier.T2,
    errors=(
        *_MANAGE_ERRORS,
        "no_users_provided",
        "invalid_users",
        "failed_for_some_users",
        "subteam_max_users_exceeded",
    ),
)
async def usergroups_users_update(call: Call, params: UsersUpdateParams) -> dict[str, Any]:
    """Replaces a user group's members; newcomers join its default channels."""
    async with call.services.db.write() as uow:
        group = await actions.check_set_members(uow, call.principal, params.usergroup, params.users)
        members = await store.member_ids(uow.session, group.id)
    return {
        "usergroup": usergroup_object(
            group, users=members, user_count=len(members) if params.include_count else None
        )
    }
