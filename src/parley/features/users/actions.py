"""User writes: create, profile, presence, role, deactivation. The only writers of `users`."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.accounts.interface import do_account_for_member
from parley.features.audit.interface import LoginRow, login_summary, record
from parley.features.users import store
from parley.features.users.fields_actions import check_field_values, do_set_field_values
from parley.features.users.hooks import member_created, member_deactivated
from parley.features.users.models import ROLES, User
from parley.features.users.schemas import user_object
from parley.platform.auth.principal import Principal
from parley.platform.clock import event_ts, unix_now, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, workspace_audience
from parley.platform.ids import looks_like, new_id
from parley.platform.origin import Origin
from parley.platform.tenancy import Workspace

EMAIL_RE = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,190}\.[^@\s<>.]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256
_COLORS = ("9f69e7", "4bbe2e", "e7392d", "3c989f", "674b1b", "e96699", "e0a729", "684b6c")
_NAME_CHARS = re.compile(r"[^a-z0-9._-]+")

# Profile fields a user may set, with Slack's length limits.
PROFILE_LIMITS: dict[str, int] = {
    "real_name": 100,
    "display_name": 80,
    "first_name": 50,
    "last_name": 50,
    "title": 150,
    "phone": 50,
    "status_text": 100,
    "status_emoji": 100,
    "tz": 64,
    "avatar_url": 1024,
}
_EMOJI_RE = re.compile(r"^:[a-z0-9_+'-]{1,98}:$")


def check_email(email: str) -> str:
    """The address without surrounding spaces, or `invalid_email`."""
    email = email.strip()
    if not EMAIL_RE.match(email):
        raise ApiError("invalid_email")
    return email


def check_password(password: str) -> str:
    """A new password of an allowed length, or `password_too_short` / `password_too_long`."""
    if len(password) < MIN_PASSWORD:
        raise ApiError("password_too_short", minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise ApiError("password_too_long")
    return password


def check_role(role: str) -> str:
    """One of the member roles (`ROLES`), or `invalid_role`."""
    if role not in ROLES:
        raise ApiError("invalid_role")
    return role


async def check_user_in_workspace(
    session: AsyncSession, principal: Principal, user_id: str | None
) -> str:
    """The member a request names (the caller when none is named); anyone else must exist in
    the caller's workspace, else `user_not_found`. What of theirs the caller may then see is
    the calling feature's rule (reactions.list, users.conversations)."""
    if not user_id or user_id == principal.user_id:
        return principal.user_id
    # A malformed id is answered like an unknown one, without a query.
    if not looks_like(user_id, "U", "W"):
        raise ApiError("user_not_found")
    if await store.get_user(session, principal.workspace_id, user_id) is None:
        raise ApiError("user_not_found")
    return user_id


async def access_user(session: AsyncSession, principal: Principal, user_id: str | None) -> User:
    """A member of the caller's workspace, deactivated ones included, else `user_not_found`
    (also for another workspace's id: the same answer as an unknown one)."""
    if not user_id or not looks_like(user_id, "U", "W"):
        raise ApiError("user_not_found")
    user = await store.get_user(session, principal.workspace_id, user_id)
    if user is None:
        raise ApiError("user_not_found")
    return user


async def access_user_by_email(session: AsyncSession, principal: Principal, email: str) -> User:
    """users.lookupByEmail: the member of the caller's workspace with that email, else
    Slack's `users_not_found` (another workspace's members are never found)."""
    user = await store.get_user_by_email(session, principal.workspace_id, email)
    if user is None:
        raise ApiError("users_not_found")
    return user


async def access_identity(session: AsyncSession, principal: Principal) -> tuple[User, Workspace]:
    """users.identity: the signed-in member and their workspace; a credential whose member
    or workspace is gone identifies nobody (`invalid_auth`)."""
    user = await store.get_user(session, principal.workspace_id, principal.user_id)
    workspace = await store.get_workspace(session, principal.workspace_id)
    if user is None or workspace is None:
        raise ApiError("invalid_auth")
    return user, workspace


async def _unique_name(uow: UnitOfWork, workspace_id: str, wanted: str) -> str:
    base = _NAME_CHARS.sub("", wanted.lower())[:70] or "user"
    name = base
    while await store.name_in_use(uow.session, workspace_id, name):
        name = f"{base}{secrets.randbelow(10_000)}"
    return name


async def do_create_user(
    uow: UnitOfWork,
    workspace_id: str,
    *,
    email: str | None,
    password: str | None,
    real_name: str = "",
    role: str = "member",
    is_primary_owner: bool = False,
    is_bot: bool = False,
    bot_id: str | None = None,
    app_id: str | None = None,
    name: str | None = None,
) -> User:
    """Create a member (person or bot) and announce `team_join`. A person with an email
    signs in with the account of that email, made or found here (see accounts.actions for
    the password rule); features above hear of the member through `hooks.on_member_created`."""
    if email is not None and await store.get_user_by_email(uow.session, workspace_id, email):
        raise ApiError("already_in_team")
    account = await do_account_for_member(uow, email, password) if email and not is_bot else None
    handle = await _unique_name(uow, workspace_id, name or (email or real_name).split("@")[0])
    user = User(
        id=new_id("U"),
        workspace_id=workspace_id,
        name=handle,
        email=email,
        account_id=account.id if account is not None else None,
        role=check_role(role),
        is_primary_owner=is_primary_owner,
        is_bot=is_bot,
        bot_id=bot_id,
        app_id=app_id,
        deleted=False,
        real_name=real_name or handle,
        display_name="",
        first_name="",
        last_name="",
        title="",
        phone="",
        status_text="",
        status_emoji="",
        status_expiration=0,
        tz="UTC",
        avatar_url="",
        color=secrets.choice(_COLORS),
        manual_presence="auto",
        created=utc_now(),
        updated=unix_now(),
    )
    uow.session.add(user)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise ApiError("already_in_team") from None
    await emit(
        uow,
        workspace_id,
        {"type": "team_join", "user": user_object(user, include_email=False)},
        workspace_audience(),
    )
    await member_created(uow, user)
    return user


def check_profile_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate a `users.profile.set` profile: known fields, Slack's limits, emoji syntax."""
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "status_expiration":
            if not isinstance(value, int | str) or not str(value).lstrip("-").isdigit():
                raise ApiError("invalid_profile")
            clean[key] = max(0, int(value))
            continue
        if key not in PROFILE_LIMITS:
            continue  # Slack ignores fields it does not know (custom fields are not modelled)
        if not isinstance(value, str):
            raise ApiError("invalid_profile")
        if "\x00" in value or len(value) > PROFILE_LIMITS[key]:
            raise ApiError("invalid_profile", field=key)
        clean[key] = value.strip()
    emoji = clean.get("status_emoji")
    if emoji and not _EMOJI_RE.match(emoji):
        raise ApiError("profile_status_set_failed_not_valid_emoji")
    tz = clean.get("tz")
    if tz and tz not in _timezones():
        raise ApiError("invalid_profile", field="tz")
    return clean


_TZ_CACHE: set[str] = set()


def _timezones() -> set[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.update(available_timezones() | {"UTC"})
    return _TZ_CACHE


STATUS_FIELDS = frozenset({"status_text", "status_emoji", "status_expiration"})


async def do_update_profile(uow: UnitOfWork, user: User, changes: dict[str, Any]) -> User:
    """Apply validated profile changes and announce `user_change`; when a profile field
    changed value, also `user_profile_changed`, and `user_status_changed` when the status
    did (Slack's events for apps, sent at the same moment)."""
    changed = {key for key, value in changes.items() if getattr(user, key) != value}
    for key, value in changes.items():
        setattr(user, key, value)
    user.updated = unix_now()
    await uow.session.flush()
    body = user_object(user, include_email=False)
    types = ["user_change"]
    if changed:
        types.append("user_profile_changed")
    if changed & STATUS_FIELDS:
        types.append("user_status_changed")
    for kind in types:
        payload: dict[str, Any] = {"type": kind, "user": body}
        if kind != "user_change":
            payload.update(cache_ts=user.updated, event_ts=event_ts())
        await emit(uow, user.workspace_id, payload, workspace_audience())
    return user


async def do_set_email(uow: UnitOfWork, user: User, email: str | None) -> User:
    """Change (or clear) a member's address, as provisioning does; another member's address
    is `already_in_team`. The sign-in account keeps its own address: signing in by
    password uses the account's, single sign-on matches the member's (docs/scim.md)."""
    if email is not None:
        email = check_email(email)
        other = await store.get_user_by_email(uow.session, user.workspace_id, email)
        if other is not None and other.id != user.id:
            raise ApiError("already_in_team")
    if email == user.email:
        return user
    user.email = email
    return await do_update_profile(uow, user, {})


async def do_set_manual_presence(uow: UnitOfWork, user: User, presence: str) -> None:
    if presence not in {"auto", "away"}:
        raise ApiError("invalid_presence")
    user.manual_presence = presence
    await uow.session.flush()


async def do_set_role(uow: UnitOfWork, user: User, role: str) -> User:
    if user.is_primary_owner and role != "owner":
        raise ApiError("cant_change_primary_owner")
    user.role = check_role(role)
    return await do_update_profile(uow, user, {})


async def check_set_presence(uow: UnitOfWork, actor: Principal, presence: str) -> User:
    """users.setPresence: the caller sets their own manual presence (a caller whose member
    row is gone is `user_not_found`, then `invalid_presence`)."""
    user = await store.get_user(uow.session, actor.workspace_id, actor.user_id)
    if user is None:
        raise ApiError("user_not_found")
    await do_set_manual_presence(uow, user, presence)
    return user


async def do_set_deactivated(uow: UnitOfWork, user: User, deactivated: bool) -> User:
    """Deactivate (or reactivate) a member and announce the change as `user_change`; the
    primary owner cannot be deactivated (`cant_deactivate_primary_owner`)."""
    if user.is_primary_owner and deactivated:
        raise ApiError("cant_deactivate_primary_owner")
    user.deleted = deactivated
    changed = await do_update_profile(uow, user, {})
    if deactivated:
        await member_deactivated(uow, user)
    return changed


async def check_set_profile(
    uow: UnitOfWork, actor: Principal, target_id: str, changes: dict[str, Any]
) -> User:
    """users.profile.set: your own profile, or (admins) anyone's below you; custom field
    values come in `fields` (see `fields_actions`)."""
    changes = dict(changes)
    raw_fields = changes.pop("fields", None)
    if not changes and raw_fields is None:
        raise ApiError("invalid_profile")
    clean = check_profile_changes(changes)
    field_values = (
        await check_field_values(uow.session, actor.workspace_id, raw_fields)
        if raw_fields is not None
        else None
    )
    user = await store.get_user(uow.session, actor.workspace_id, target_id)
    if user is None:
        raise ApiError("user_not_found")
    if user.id != actor.user_id:
        if not actor.is_admin:
            raise ApiError("not_admin")
        if user.role == "owner" and not actor.is_owner:
            raise ApiError("cannot_update_admin_user")
    if field_values:
        await do_set_field_values(uow, user, field_values)
    return await do_update_profile(uow, user, clean)


async def do_set_avatar(uow: UnitOfWork, user: User, avatar_url: str) -> User:
    """A new (or no: "") profile photo, announced as `user_change` (users.setPhoto,
    users.deletePhoto: the photo's bytes are the files feature's)."""
    return await do_update_profile(uow, user, {"avatar_url": avatar_url})


async def _admin_target(uow: UnitOfWork, actor: Principal, user_id: str) -> User:
    """A member an admin may manage: owners are managed by owners only."""
    if not actor.is_admin:
        raise ApiError("not_an_admin")
    user = await store.get_user(uow.session, actor.workspace_id, user_id)
    if user is None:
        raise ApiError("user_not_found")
    if user.role == "owner" and not actor.is_owner:
        raise ApiError("cannot_update_admin_user")
    return user


async def check_set_role(
    uow: UnitOfWork, actor: Principal, user_id: str, role: str, origin: Origin
) -> User:
    """admin.users.setRole: owners alone make owners; audited with the previous role."""
    if role == "owner" and not actor.is_owner:
        raise ApiError("not_an_owner")
    user = await _admin_target(uow, actor, user_id)
    previous = user.role
    await do_set_role(uow, user, role)
    await record(
        uow,
        user.workspace_id,
        "role_changed",
        actor_id=actor.user_id,
        entity_type="user",
        entity_id=user.id,
        origin=origin,
        details={"previous_role": previous, "new_role": role},
    )
    return user


async def check_set_active(
    uow: UnitOfWork,
    actor: Principal,
    user_id: str,
    active: bool,
    origin: Origin,
    *,
    reason: str | None = None,
) -> User:
    """admin.users.setActive: deactivate or reactivate a member (not yourself); audited,
    with the admin's `reason` (shown to the person when they come back)."""
    if user_id == actor.user_id and not active:
        raise ApiError("cant_deactivate_self")
    user = await _admin_target(uow, actor, user_id)
    await do_set_deactivated(uow, user, not active)
    await record(
        uow,
        user.workspace_id,
        "user_reactivated" if active else "user_deactivated",
        actor_id=actor.user_id,
        entity_type="user",
        entity_id=user.id,
        origin=origin,
        details={"reason": reason.strip()} if reason and reason.strip() and not active else None,
    )
    return user


async def access_logins(
    session: AsyncSession, principal: Principal, *, before: int | None, limit: int, offset: int
) -> tuple[Sequence[LoginRow], dict[str, User]]:
    """team.accessLogs: who signed in from where is for admins (`not_an_admin`); the rows,
    and the members they name by id."""
    if not principal.is_admin:
        raise ApiError("not_an_admin")
    rows = await login_summary(
        session, principal.workspace_id, before=before, limit=limit, offset=offset
    )
    named = [r.actor_id for r in rows if r.actor_id]
    users = await store.get_users(session, principal.workspace_id, named)
    return rows, {u.id: u for u in users}
