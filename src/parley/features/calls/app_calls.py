"""Slack's Calls API rules (`calls.*`): calls that a third-party call app registers.

An app registers its call (`calls.add`), keeps its participants current
(`calls.participants.add` / `remove`) and ends it (`calls.end`); it posts the call into a
conversation itself, as a message with a `{"type": "call", "call_id": …}` block. Only the
app (or member) that registered a call may change it; Parley's own huddles are read through
`calls.info` but changed through `huddles.*`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from parley.features.calls import store
from parley.features.calls.actions import access_call
from parley.features.calls.models import Call, CallParticipant
from parley.features.users.interface import existing_user_ids
from parley.platform.auth.principal import Principal
from parley.platform.clock import unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.ids import looks_like, new_id

MAX_USERS = 100
MAX_URL = 2048


@dataclass(frozen=True)
class CallUser:
    """A member (`slack_id`) or someone the app knows outside Parley (`external_id`)."""

    slack_id: str | None = None
    external_id: str | None = None
    display_name: str = ""
    avatar_url: str = ""


def check_url(value: str, *, web_only: bool = True) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if (
        not value
        or len(value) > MAX_URL
        or any(c.isspace() for c in value)
        or not parts.scheme
        or (web_only and (parts.scheme.lower() not in {"http", "https"} or not parts.hostname))
        or parts.scheme.lower() in {"javascript", "data", "vbscript"}
    ):
        raise ApiError("invalid_arguments")
    return value


def parse_users(raw: list[Any] | None) -> list[CallUser]:
    """Slack's users argument: `[{"slack_id": "U…"}, {"external_id": …, "display_name": …,
    "avatar_url": …}]`; anything else is `invalid_arguments`."""
    if raw is None:
        return []
    if len(raw) > MAX_USERS:
        raise ApiError("invalid_arguments")
    users: list[CallUser] = []
    for item in raw:
        if not isinstance(item, dict):
            raise ApiError("invalid_arguments")
        slack_id, external_id = item.get("slack_id"), item.get("external_id")
        if isinstance(slack_id, str) and slack_id:
            users.append(CallUser(slack_id=slack_id))
        elif isinstance(external_id, str) and external_id and len(external_id) <= 255:
            name, avatar = item.get("display_name", ""), item.get("avatar_url", "")
            if not isinstance(name, str) or not isinstance(avatar, str) or len(name) > 255:
                raise ApiError("invalid_arguments")
            users.append(
                CallUser(
                    external_id=external_id,
                    display_name=name,
                    avatar_url=check_url(avatar) if avatar else "",
                )
            )
        else:
            raise ApiError("invalid_arguments")
    return users


async def _check_members(uow: UnitOfWork, workspace_id: str, users: list[CallUser]) -> None:
    wanted = [u.slack_id for u in users if u.slack_id]
    if not wanted:
        return
    if any(not looks_like(u, "U", "W") for u in wanted):
        raise ApiError("user_not_found")
    found = set(await existing_user_ids(uow.session, workspace_id, wanted))
    if set(wanted) - found:
        raise ApiError("user_not_found")


def _participant(call: Call, user: CallUser) -> CallParticipant:
    return CallParticipant(
        call_id=call.id,
        workspace_id=call.workspace_id,
        user_id=user.slack_id,
        external_id=user.external_id,
        display_name=user.display_name,
        avatar_url=user.avatar_url,
        device_id="",
        joined_at=unix_now(),
        left_at=0,
        leave_reason="",
        feed=0,
        muted=False,
        camera=False,
        screen=False,
        hand_raised_at=0,
        gone_deadline=0,
        gone_cause="",
    )


async def check_add_call(
    uow: UnitOfWork,
    principal: Principal,
    *,
    external_unique_id: str,
    join_url: str,
    created_by: str | None,
    date_start: int | None,
    desktop_app_join_url: str,
    external_display_id: str,
    title: str,
    users: list[Any] | None,
) -> Call:
    """calls.add: a bot token must name `created_by`; a user token defaults to itself."""
    external_unique_id = external_unique_id.strip()
    if not external_unique_id or len(external_unique_id) > 255:
        raise ApiError("invalid_arguments")
    join_url = check_url(join_url)
    desktop = check_url(desktop_app_join_url, web_only=False) if desktop_app_join_url else ""
    if date_start is not None and date_start < 0:
        raise ApiError("invalid_start_time")
    creator = created_by or (None if principal.is_bot else principal.user_id)
    if not creator or not looks_like(creator, "U", "W"):
        raise ApiError("invalid_created_by")
    if not await existing_user_ids(uow.session, principal.workspace_id, [creator]):
        raise ApiError("invalid_created_by")
    people = parse_users(users)
    await _check_members(uow, principal.workspace_id, people)
    existing = await store.get_by_external_id(
        uow.session, principal.workspace_id, principal.app_id, external_unique_id
    )
    if existing is not None:
        return existing  # the same call registered twice is one call
    call = Call(
        id=new_id("R"),
        workspace_id=principal.workspace_id,
        conversation_id=None,
        kind="app",
        state="active",
        started_by=creator,
        date_start=date_start if date_start else unix_now(),
        date_end=0,
        end_reason="",
        node_id=None,
        room=None,
        next_feed=1,
        ring_deadline=0,
        external_unique_id=external_unique_id,
        join_url=join_url,
        desktop_app_join_url=desktop,
        external_display_id=external_display_id.strip()[:255],
        title=title.strip()[:255],
        created_by_app=principal.app_id,
    )
    uow.session.add(call)
    await uow.session.flush()
    for person in _unique(people):
        uow.session.add(_participant(call, person))
    await uow.session.flush()
    return call


def _unique(users: list[CallUser]) -> list[CallUser]:
    seen: set[tuple[str | None, str | None]] = set()
    unique = []
    for user in users:
        key = (user.slack_id, user.external_id)
        if key not in seen:
            seen.add(key)
            unique.append(user)
    return unique


async def access_own_call(uow: UnitOfWork, principal: Principal, call_id: str | None) -> Call:
    """An app call the caller registered (its app, or the member who created it)."""
    call = await access_call(uow.session, principal, call_id, for_update=True)
    if call.kind != "app":
        raise ApiError("not_authorized")
    mine = (
        call.created_by_app == principal.app_id
        if call.created_by_app
        else call.started_by == principal.user_id
    )
    if not mine and not principal.is_admin:
        raise ApiError("not_authorized")
    return call


async def check_update_call(
    uow: UnitOfWork,
    principal: Principal,
    call_id: str | None,
    *,
    title: str | None,
    join_url: str | None,
    desktop_app_join_url: str | None,
) -> Call:
    """calls.update: the title and join URLs (the fields Slack lets change)."""
    call = await access_own_call(uow, principal, call_id)
    if join_url:
        call.join_url = check_url(join_url)
    if desktop_app_join_url:
        call.desktop_app_join_url = check_url(desktop_app_join_url, web_only=False)
    if title is not None:
        call.title = title.strip()[:255]
    await uow.session.flush()
    return call


async def check_end_call(
    uow: UnitOfWork, principal: Principal, call_id: str | None, *, duration: int | None
) -> Call:
    """calls.end: the call is over (`duration` seconds after it started, when given)."""
    call = await access_own_call(uow, principal, call_id)
    if call.state == "ended":
        raise ApiError("inactive_call")
    if duration is not None and duration < 0:
        raise ApiError("invalid_arguments")
    now = unix_now()
    call.state, call.end_reason = "ended", "ended"
    call.date_end = call.date_start + duration if duration is not None else now
    for participant in await store.participants(uow.session, call.id):
        participant.left_at, participant.leave_reason = now, "ended"
    await uow.session.flush()
    return call


async def check_participants(
    uow: UnitOfWork,
    principal: Principal,
    call_id: str | None,
    users: list[Any] | None,
    *,
    add: bool,
) -> Call:
    """calls.participants.add / remove: `bad_users` when someone to add is already in the
    call (or someone to remove is not)."""
    call = await access_own_call(uow, principal, call_id)
    if call.state == "ended":
        raise ApiError("inactive_call")
    people = _unique(parse_users(users))
    if not people:
        raise ApiError("invalid_arguments")
    await _check_members(uow, principal.workspace_id, people)
    present = [
        await store.present_participant(
            uow.session, call.id, user_id=p.slack_id, external_id=p.external_id
        )
        if p.slack_id
        else await store.present_participant(uow.session, call.id, external_id=p.external_id)
        for p in people
    ]
    if add:
        if any(row is not None for row in present):
            raise ApiError("bad_users")
        for person in people:
            uow.session.add(_participant(call, person))
    else:
        if any(row is None for row in present):
            raise ApiError("bad_users")
        now = unix_now()
        for row in present:
            if row is not None:
                row.left_at, row.leave_reason = now, "removed"
    await uow.session.flush()
    return call
