"""SCIM Groups: a provider's groups are Parley's user groups (`@handle`, `S…`).

A group's displayName is the user group's name and its handle is made from it; its members
are the user group's members, changed through the usergroups feature's actions (so the
`subteam_*` events go out and newcomers join the group's default channels). DELETE
disables the user group: mentions of it stop notifying, and SCIM no longer lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.features.scim import store
from parley.features.scim.errors import ScimError, not_found
from parley.features.scim.models import ScimGroup
from parley.features.scim.schemas import GROUP_SCHEMA, meta
from parley.features.usergroups.interface import (
    GroupFields,
    UserGroup,
    check_name,
    do_create_group,
    do_set_enabled,
    do_set_members,
    do_update_group,
    group_named,
    handle_from_name,
)
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError

MAX_MEMBERS = 10_000


def group_resource(
    base: str, group: UserGroup, link: ScimGroup | None, members: list[str]
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": group.name,
        # Only `value` and `$ref`: members are always people, and a provider compares what
        # it sent with what it gets back (scim2-tester does).
        "members": [{"value": user_id, "$ref": f"{base}/Users/{user_id}"} for user_id in members],
        "meta": meta(
            "Group",
            f"{base}/Groups/{group.id}",
            group.date_create,
            group.date_update,
            group.date_update,
        ),
    }
    if link is not None and link.external_id:
        resource["externalId"] = link.external_id
    if not resource["members"]:
        del resource["members"]
    return resource


@dataclass(frozen=True)
class GroupInput:
    name: str
    external_id: str | None
    members: list[str]


def check_group_fields(body: Any) -> GroupInput:
    if not isinstance(body, dict):
        raise ScimError(400, "invalidSyntax", "the body is a JSON object")
    lowered = {key.lower(): value for key, value in body.items()}
    raw_name = lowered.get("displayname")
    if not isinstance(raw_name, str):
        raise ScimError(400, "invalidValue", "displayName is required")
    try:
        name = check_name(raw_name)
    except ApiError as error:
        raise ScimError(400, "invalidValue", error.code) from None
    external_id = lowered.get("externalid")
    if external_id is not None and (not isinstance(external_id, str) or len(external_id) > 255):
        raise ScimError(400, "invalidValue", "externalId is a string of at most 255 characters")
    members = lowered.get("members") or []
    if not isinstance(members, list) or not all(
        isinstance(m, dict) and isinstance(m.get("value"), str) for m in members
    ):
        raise ScimError(400, "invalidValue", "members is a list of {value: user id}")
    if len(members) > MAX_MEMBERS:
        raise ScimError(400, "invalidValue", f"at most {MAX_MEMBERS} members")
    ids = list(dict.fromkeys(member["value"] for member in members))
    return GroupInput(name=name, external_id=external_id, members=ids)


async def _check_members(uow: UnitOfWork, workspace_id: str, members: list[str]) -> list[str]:
    found = await store.people_ids(uow.session, workspace_id, members)
    unknown = [user_id for user_id in members if user_id not in found]
    if unknown:
        raise ScimError(400, "invalidValue", f"no such member: {', '.join(unknown[:5])}")
    return members


async def _free_handle(uow: UnitOfWork, workspace_id: str, name: str, group_id: str | None) -> str:
    """The handle made from the name, with a number added while another group has it."""
    base = handle_from_name(name)[:70]
    handle, n = base, 1
    while True:
        other = await group_named(uow.session, workspace_id, handle=handle)
        if other is None or other.id == group_id:
            return handle
        n += 1
        handle = f"{base}-{n}"


async def _check_name_free(
    uow: UnitOfWork, workspace_id: str, name: str, group_id: str | None
) -> None:
    other = await group_named(uow.session, workspace_id, name=name)
    if other is not None and other.id != group_id:
        raise ScimError(409, "uniqueness", "another group has this displayName")


async def do_create(uow: UnitOfWork, principal: Principal, fields: GroupInput) -> UserGroup:
    workspace_id = principal.workspace_id
    await _check_name_free(uow, workspace_id, fields.name, None)
    members = await _check_members(uow, workspace_id, fields.members)
    group = await do_create_group(
        uow,
        workspace_id,
        principal.user_id,
        name=fields.name,
        handle=await _free_handle(uow, workspace_id, fields.name, None),
        description="",
        channels=[],
    )
    uow.session.add(
        ScimGroup(usergroup_id=group.id, workspace_id=workspace_id, external_id=fields.external_id)
    )
    await do_set_members(uow, group, members, actor_id=principal.user_id)
    return group


async def do_replace(
    uow: UnitOfWork,
    principal: Principal,
    group: UserGroup,
    link: ScimGroup | None,
    fields: GroupInput,
) -> None:
    workspace_id = principal.workspace_id
    await _check_name_free(uow, workspace_id, fields.name, group.id)
    members = await _check_members(uow, workspace_id, fields.members)
    if fields.name != group.name:
        handle = await _free_handle(uow, workspace_id, fields.name, group.id)
        changes = GroupFields(name=fields.name, handle=handle)
        await do_update_group(uow, group, changes, actor_id=principal.user_id)
    if link is None:
        link = ScimGroup(usergroup_id=group.id, workspace_id=workspace_id)
        uow.session.add(link)
    link.external_id = fields.external_id
    await do_set_members(uow, group, members, actor_id=principal.user_id)


async def do_remove(uow: UnitOfWork, principal: Principal, group: UserGroup) -> None:
    await do_set_enabled(uow, group, False, actor_id=principal.user_id)


async def access_group(
    uow_or_session: Any, workspace_id: str, group_id: str
) -> tuple[UserGroup, ScimGroup | None]:
    session = getattr(uow_or_session, "session", uow_or_session)
    found = await store.get_group(session, workspace_id, group_id)
    if found is None:
        raise not_found("Group", group_id)
    return found
