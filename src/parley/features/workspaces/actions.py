"""Workspace writes: creating a workspace with its primary owner, and signing up (a new
workspace whose owner is signed straight in)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.audit.interface import record
from parley.features.auth.interface import NewSession, do_issue_token, do_start_session
from parley.features.users.interface import User, check_email, check_password, do_create_user
from parley.features.workspaces import store
from parley.features.workspaces.hooks import workspace_created
from parley.platform.auth.principal import Principal
from parley.platform.clock import utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.ids import new_id
from parley.platform.origin import Origin
from parley.platform.tenancy import Workspace

DOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class NewWorkspace:
    workspace: Workspace
    owner: User
    owner_token: str


def check_workspace_fields(name: str, domain: str) -> tuple[str, str]:
    name = name.strip()
    if not name or len(name) > 100 or "\x00" in name:
        raise ApiError("invalid_name")
    domain = domain.strip().lower()
    if not DOMAIN_RE.match(domain):
        raise ApiError("invalid_domain")
    return name, domain


async def check_create_workspace(
    uow: UnitOfWork,
    *,
    name: str,
    domain: str,
    owner_email: str,
    owner_password: str,
    owner_name: str = "",
    workspace_id: str | None = None,
) -> NewWorkspace:
    """Create a workspace and its primary owner (with a full-scope user token). With
    shards, `uow` is on the shard `workspace_id` was placed on (`new_workspace_write`)."""
    name, domain = check_workspace_fields(name, domain)
    owner_email = check_email(owner_email)
    check_password(owner_password)
    if await store.get_workspace_by_domain(uow.session, domain):
        raise ApiError("domain_taken")
    workspace = Workspace(
        id=workspace_id or new_id("T"),
        name=name,
        domain=domain,
        email_domain="",
        icon_url="",
        created=utc_now(),
        event_seq=0,
        settings={},
    )
    uow.session.add(workspace)
    await uow.session.flush()
    owner = await do_create_user(
        uow,
        workspace.id,
        email=owner_email,
        password=owner_password,
        real_name=owner_name,
        role="owner",
        is_primary_owner=True,
    )
    token = await do_issue_token(uow, owner, kind="user", label="owner")
    await workspace_created(uow, workspace, owner)
    return NewWorkspace(workspace=workspace, owner=owner, owner_token=token)


async def check_sign_up(
    uow: UnitOfWork,
    *,
    name: str,
    domain: str,
    owner_email: str,
    owner_password: str,
    owner_name: str,
    origin: Origin,
    workspace_id: str | None = None,
    session_lifetime: timedelta | None = None,
) -> NewSession:
    """auth.signup: a new workspace, its owner signed in by a browser session (lasting
    `session_lifetime`, else the default); audited."""
    created = await check_create_workspace(
        uow,
        name=name,
        domain=domain,
        owner_email=owner_email,
        owner_password=owner_password,
        owner_name=owner_name,
        workspace_id=workspace_id,
    )
    new = await (
        do_start_session(uow, created.owner, lifetime=session_lifetime)
        if session_lifetime
        else do_start_session(uow, created.owner)
    )
    await record(
        uow,
        created.workspace.id,
        "workspace_created",
        actor_id=created.owner.id,
        entity_type="workspace",
        entity_id=created.workspace.id,
        origin=origin,
    )
    return new


async def access_team(
    session: AsyncSession, principal: Principal, team_id: str | None, domain: str | None
) -> Workspace:
    """team.info: the caller's own workspace; naming another one (by id or domain) is
    `team_not_found`, so other workspaces cannot be probed."""
    if team_id and team_id != principal.workspace_id:
        raise ApiError("team_not_found")
    workspace = await store.get_workspace(session, principal.workspace_id)
    if workspace is None or (domain and domain != workspace.domain):
        raise ApiError("team_not_found")
    return workspace


async def access_own_team(session: AsyncSession, principal: Principal) -> Workspace:
    """The caller's workspace; a credential whose workspace is gone is `invalid_auth`."""
    workspace = await store.get_workspace(session, principal.workspace_id)
    if workspace is None:
        raise ApiError("invalid_auth")
    return workspace


# team.preferences.list: Slack's answer for a workspace nobody changed; a workspace's
# `settings["preferences"]` (set by admins) overrides any of them.
DEFAULT_PREFERENCES: dict[str, Any] = {
    "msg_edit_window_mins": -1,
    "allow_message_deletion": True,
    "display_real_names": False,
    "disable_file_uploads": "allow_all",
    "who_can_post_general": "everyone",
}


def team_preferences(workspace: Workspace) -> dict[str, Any]:
    stored = (workspace.settings or {}).get("preferences") or {}
    return {name: stored.get(name, default) for name, default in DEFAULT_PREFERENCES.items()}


def team_plan(workspace: Workspace) -> str:
    """The billing plan's name as Slack spells it ("" free, "std", "plus", "compliance",
    "enterprise"). Parley has no plans yet: `settings["plan"]` is where the plans feature
    will record it, and every workspace without one is on the free plan."""
    plan = (workspace.settings or {}).get("plan")
    return plan if isinstance(plan, str) else ""
