"""users.* and admin.users.* methods."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.users import actions, store
from parley.features.users.fields_actions import fields_of_user
from parley.features.users.rendered import RENDERED_USERS
from parley.features.users.schemas import profile_object, user_object
from parley.features.users.wire import (
    PresenceResponse,
    ProfileResponse,
    UsersInfoResponse,
    UsersListResponse,
)
from parley.platform.clock import unix_now
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import clamp_limit, decode_cursor, page_metadata
from parley.platform.webapi.params import JsonObject, Params, SlackBool, SlackInt
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


def _can_read_email(call: Call) -> bool:
    return call.principal.has_scope("users:read.email")


class UsersListParams(Params):
    limit: SlackInt = Field(default=0, ge=0)
    cursor: str | None = None
    include_locale: SlackBool = False


@api_method(
    "users.list",
    params=UsersListParams,
    scopes=("users:read",),
    tier=Tier.T2,
    response=UsersListResponse,
)
async def users_list(call: Call, params: UsersListParams) -> dict[str, Any]:
    """Lists all users in the workspace, deactivated ones included, a page at a time."""
    limit = clamp_limit(params.limit, default=1000, maximum=1000)
    after = decode_cursor(params.cursor)
    async with call.services.db.read() as session:
        versions = await store.list_user_versions_page(
            session, call.principal.workspace_id, after_id=after, limit=limit
        )
        page, more = versions[:limit], len(versions) > limit
        members = await RENDERED_USERS.members(
            session, call.principal.workspace_id, page, include_email=_can_read_email(call)
        )
    return {
        "members": members,
        "cache_ts": unix_now(),
        "response_metadata": page_metadata(page[-1].id if more else None),
    }


class UserParams(Params):
    user: str = Field(max_length=32)
    include_locale: SlackBool = False


@api_method(
    "users.info",
    params=UserParams,
    scopes=("users:read",),
    tier=Tier.T4,
    missing_errors={"user": "user_not_found"},
    errors=("user_not_found",),
    response=UsersInfoResponse,
)
async def users_info(call: Call, params: UserParams) -> dict[str, Any]:
    """Gets information about a user."""
    async with call.services.db.read() as session:
        user = await actions.access_user(session, call.principal, params.user)
    return {"user": user_object(user, include_email=_can_read_email(call))}


class LookupByEmailParams(Params):
    email: str = Field(max_length=255)


@api_method(
    "users.lookupByEmail",
    params=LookupByEmailParams,
    scopes=("users:read.email",),
    tier=Tier.T3,
    missing_errors={"email": "users_not_found"},
    errors=("users_not_found",),
)
async def users_lookup_by_email(call: Call, params: LookupByEmailParams) -> dict[str, Any]:
    """Finds a user by email address."""
    async with call.services.db.read() as session:
        user = await actions.access_user_by_email(session, call.principal, params.email)
    return {"user": user_object(user, include_email=True)}


class ProfileGetParams(Params):
    user: str | None = Field(default=None, max_length=32)
    include_labels: SlackBool = False


@api_method(
    "users.profile.get",
    params=ProfileGetParams,
    scopes=("users.profile:read", "users:read"),
    tier=Tier.T4,
    errors=("user_not_found",),
    response=ProfileResponse,
)
async def users_profile_get(call: Call, params: ProfileGetParams) -> dict[str, Any]:
    """Gets a user's profile (the caller's by default)."""
    async with call.services.db.read() as session:
        user = await actions.access_user(
            session, call.principal, params.user or call.principal.user_id
        )
        fields = await fields_of_user(session, user.workspace_id, user.id)
    email = _can_read_email(call) or user.id == call.principal.user_id
    return {"profile": {**profile_object(user, include_email=email), "fields": fields}}


class ProfileSetParams(Params):
    user: str | None = Field(default=None, max_length=32)
    profile: JsonObject = None
    name: str | None = Field(default=None, max_length=64)
    value: str | None = Field(default=None, max_length=1024)


@api_method(
    "users.profile.set",
    params=ProfileSetParams,
    scopes=("users.profile:write",),
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=("invalid_profile", "not_admin", "cannot_update_admin_user"),
    response=ProfileResponse,
)
async def users_profile_set(call: Call, params: ProfileSetParams) -> dict[str, Any]:
    """Sets profile fields (your own, or anyone's below you if you are an admin)."""
    changes: dict[str, Any] = dict(params.profile or {})
    if params.name is not None:
        changes[params.name] = params.value or ""
    target_id = params.user or call.principal.user_id
    async with call.services.db.write() as uow:
        user = await actions.check_set_profile(uow, call.principal, target_id, changes)
        fields = await fields_of_user(uow.session, user.workspace_id, user.id)
    return {"profile": {**profile_object(user, include_email=True), "fields": fields}}


class SetPresenceParams(Params):
    presence: str = Field(max_length=16)


@api_method(
    "users.setPresence",
    params=SetPresenceParams,
    scopes=("users:write",),
    tier=Tier.T2,
    missing_errors={"presence": "invalid_presence"},
    errors=("invalid_presence",),
)
async def users_set_presence(call: Call, params: SetPresenceParams) -> dict[str, Any]:
    """Manually sets presence to `auto` or `away`."""
    async with call.services.db.write() as uow:
        user = await actions.check_set_presence(uow, call.principal, params.presence)
    # presence_change is ephemeral (not in the outbox): announced after the commit.
    view = await call.services.realtime.presence_view(user.id, params.presence)
    await call.services.realtime.announce_presence(user.workspace_id, user.id, view.presence)
    return {}


class GetPresenceParams(Params):
    user: str | None = Field(default=None, max_length=32)


@api_method(
    "users.getPresence",
    params=GetPresenceParams,
    scopes=("users:read",),
    tier=Tier.T3,
    errors=("user_not_found",),
    response=PresenceResponse,
)
async def users_get_presence(call: Call, params: GetPresenceParams) -> dict[str, Any]:
    """Gets a user's presence; the caller gets the detailed view of their own."""
    async with call.services.db.read() as session:
        user = await actions.access_user(
            session, call.principal, params.user or call.principal.user_id
        )
    view = await call.services.realtime.presence_view(user.id, user.manual_presence)
    if user.is_bot:
        return {"presence": "active" if not user.deleted else "away"}
    if user.id != call.principal.user_id:
        return {"presence": view.presence}
    return {
        "presence": view.presence,
        "online": view.online,
        "auto_away": view.auto_away,
        "manual_away": view.manual_away,
        "connection_count": view.connection_count,
        "last_activity": view.last_activity,
    }


@api_method(
    "users.identity", scopes=("identity.basic",), tier=Tier.T4, token_kinds=HUMAN_TOKEN_KINDS
)
async def users_identity(call: Call, params: Params) -> dict[str, Any]:
    """Gets the identity of the signed-in user ("Sign in with Parley")."""
    principal = call.principal
    async with call.services.db.read() as session:
        user, workspace = await actions.access_identity(session, principal)
    body_user: dict[str, Any] = {"name": user.real_name or user.name, "id": user.id}
    if principal.has_scope("identity.email") and user.email:
        body_user["email"] = user.email
    team: dict[str, Any] = {"id": workspace.id}
    if principal.has_scope("identity.team"):
        team.update(name=workspace.name, domain=workspace.domain)
    return {"user": body_user, "team": team}


class AdminUserParams(Params):
    user_id: str = Field(max_length=32)


class SetRoleParams(AdminUserParams):
    role: str = Field(max_length=16)


@api_method(
    "admin.users.setRole",
    params=SetRoleParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"user_id": "user_not_found"},
    errors=("not_an_admin", "user_not_found", "invalid_role"),
)
async def admin_users_set_role(call: Call, params: SetRoleParams) -> dict[str, Any]:
    """Changes a member's role (owner, admin, member, guest); owners alone make owners."""
    async with call.services.db.write() as uow:
        user = await actions.check_set_role(
            uow, call.principal, params.user_id, params.role, call.origin
        )
    call.services.credentials.forget_user(user.workspace_id, user.id)
    return {}


class SetActiveParams(AdminUserParams):
    active: SlackBool
    # Why (deactivating): shown to the person when they come back to sign in.
    reason: str | None = Field(default=None, max_length=500)


@api_method(
    "admin.users.setActive",
    params=SetActiveParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"user_id": "user_not_found"},
    errors=("not_an_admin", "user_not_found", "cant_deactivate_primary_owner"),
)
async def admin_users_set_active(call: Call, params: SetActiveParams) -> dict[str, Any]:
    """Deactivates (active=false) or reactivates a user; deactivated users cannot sign in.

    Deactivating ends their browser sessions and closes their sockets at once; the optional
    `reason` is recorded and shown to them (`account_inactive` carries it)."""
    async with call.services.db.write() as uow:
        user = await actions.check_set_active(
            uow, call.principal, params.user_id, params.active, call.origin, reason=params.reason
        )
    call.services.credentials.forget_user(user.workspace_id, user.id)
    return {}
