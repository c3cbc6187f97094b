"""Modals and App Home: trigger ids, the view stack per (app, user), view objects and the
events that tell the person's clients to show, update or close a view."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.apps import store
from parley.features.apps.actions import access_app_here
from parley.features.apps.models import App, AppTrigger, AppView
from parley.features.conversations.interface import do_open_dm
from parley.features.users.interface import get_user
from parley.platform.auth.principal import Principal
from parley.platform.clock import as_utc, event_ts, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, users_audience
from parley.platform.ids import new_id

# Slack's triggers expire after about 3 seconds; Parley allows a little more for slow links.
TRIGGER_LIFETIME = timedelta(seconds=30)
MAX_BLOCKS = 100
MAX_STACK = 3
_VIEW_FIELDS = (
    "title",
    "blocks",
    "close",
    "submit",
    "private_metadata",
    "callback_id",
    "clear_on_close",
    "notify_on_close",
    "external_id",
    "submit_disabled",
)


async def do_create_trigger(
    uow: UnitOfWork, app: App, user_id: str, *, view_id: str | None = None
) -> str:
    trigger_id = f"{int(time.time() * 1000)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
    uow.session.add(
        AppTrigger(
            trigger_id=trigger_id,
            workspace_id=app.workspace_id,
            app_id=app.id,
            user_id=user_id,
            view_id=view_id,
            used=False,
            expires_at=utc_now() + TRIGGER_LIFETIME,
        )
    )
    await uow.session.flush()
    return trigger_id


async def redeem_trigger(uow: UnitOfWork, app_id: str, trigger_id: str) -> AppTrigger:
    """Single use: `invalid_trigger_id` for unknown/other apps', `expired_trigger_id` else."""
    row = await uow.session.get(AppTrigger, trigger_id or "")
    if row is None or row.app_id != app_id:
        raise ApiError("invalid_trigger_id")
    if row.used or as_utc(row.expires_at) <= utc_now():
        raise ApiError("expired_trigger_id")
    row.used = True
    return row


def check_view(view: Any, *, kind: str | None = None) -> dict[str, Any]:
    """Slack's `invalid_arguments` for a malformed view; returns the kept fields."""
    if not isinstance(view, dict):
        raise ApiError("invalid_arguments", response_metadata={"messages": ["view: not an object"]})
    view_type = view.get("type")
    problems = []
    if view_type not in ("modal", "home") or (kind is not None and view_type != kind):
        problems.append(f"[ERROR] must be {kind or 'modal or home'} [json-pointer:/view/type]")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        problems.append("[ERROR] blocks must be a list of at most 100 [json-pointer:/view/blocks]")
    if view_type == "modal" and not isinstance(view.get("title"), dict):
        problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
    if problems:
        raise ApiError("invalid_arguments", response_metadata={"messages": problems})
    kept = {name: view[name] for name in _VIEW_FIELDS if name in view}
    kept["type"] = view_type
    return kept


def _hash(view: dict[str, Any]) -> str:
    digest = hashlib.sha256(orjson.dumps(view, option=orjson.OPT_SORT_KEYS)).hexdigest()[:20]
    return f"{int(time.time())}.{digest}"


def view_object(row: AppView, app: App, state: dict[str, Any] | None = None) -> dict[str, Any]:
    view = row.view
    return {
        "id": row.id,
        "team_id": row.workspace_id,
        "type": row.type,
        "title": view.get("title"),
        "blocks": view.get("blocks", []),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": state or {"values": {}},
        "hash": row.hash,
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": row.root_view_id,
        "previous_view_id": row.previous_view_id,
        "app_id": app.id,
        "external_id": row.external_id or "",
        "app_installed_team_id": app.workspace_id,
        "bot_id": app.bot_id,
    }


async def _emit_view(uow: UnitOfWork, app: App, row: AppView, kind: str) -> None:
    """`view_opened` / `view_updated` / `view_closed` / `app_home_updated` to the viewer."""
    await emit(
        uow,
        row.workspace_id,
        {"type": kind, "view": view_object(row, app)},
        users_audience([row.user_id]),
    )


async def top_modal(uow: UnitOfWork, app_id: str, user_id: str) -> AppView | None:
    rows = await uow.session.execute(
        select(AppView)
        .where(
            AppView.app_id == app_id,
            AppView.user_id == user_id,
            AppView.type == "modal",
            AppView.is_open.is_(True),
        )
        .order_by(AppView.updated.desc(), AppView.id.desc())
        .limit(1)
    )
    return rows.scalar_one_or_none()


async def _check_external_id(uow: UnitOfWork, app: App, external_id: Any) -> str | None:
    if not external_id:
        return None
    taken = await uow.session.execute(
        select(AppView.id).where(AppView.app_id == app.id, AppView.external_id == external_id)
    )
    if taken.first() is not None:
        raise ApiError("duplicate_external_id")
    return str(external_id)


async def do_open_view(
    uow: UnitOfWork, app: App, user_id: str, view: dict[str, Any], *, parent: AppView | None
) -> AppView:
    """A new modal: the root of a stack, or pushed on `parent`'s stack (at most 3 deep)."""
    if parent is not None:
        depth = await uow.session.execute(
            select(AppView.id).where(
                AppView.root_view_id == parent.root_view_id, AppView.is_open.is_(True)
            )
        )
        if len(depth.all()) >= MAX_STACK:
            raise ApiError("push_limit_reached")
    view_id = new_id("V")
    row = AppView(
        id=view_id,
        workspace_id=app.workspace_id,
        app_id=app.id,
        user_id=user_id,
        type="modal",
        view=view,
        hash=_hash(view),
        external_id=await _check_external_id(uow, app, view.get("external_id")),
        root_view_id=parent.root_view_id if parent is not None else view_id,
        previous_view_id=parent.id if parent is not None else None,
        is_open=True,
        updated=utc_now(),
    )
    uow.session.add(row)
    await uow.session.flush()
    await _emit_view(uow, app, row, "view_opened")
    return row


async def do_update_view(
    uow: UnitOfWork, app: App, row: AppView, view: dict[str, Any], expected_hash: str | None
) -> AppView:
    if expected_hash and expected_hash != row.hash:
        raise ApiError("hash_conflict")
    row.view = view
    row.hash = _hash(view)
    row.updated = utc_now()
    await uow.session.flush()
    await _emit_view(uow, app, row, "view_updated" if row.type == "modal" else "app_home_updated")
    return row


async def do_publish_home(
    uow: UnitOfWork, app: App, user_id: str, view: dict[str, Any], expected_hash: str | None
) -> AppView:
    rows = await uow.session.execute(
        select(AppView).where(
            AppView.app_id == app.id, AppView.user_id == user_id, AppView.type == "home"
        )
    )
    row = rows.scalar_one_or_none()
    if row is not None:
        return await do_update_view(uow, app, row, view, expected_hash)
    view_id = new_id("V")
    row = AppView(
        id=view_id,
        workspace_id=app.workspace_id,
        app_id=app.id,
        user_id=user_id,
        type="home",
        view=view,
        hash=_hash(view),
        external_id=None,
        root_view_id=view_id,
        previous_view_id=None,
        is_open=True,
        updated=utc_now(),
    )
    uow.session.add(row)
    await uow.session.flush()
    await _emit_view(uow, app, row, "app_home_updated")
    return row


async def do_close_views(uow: UnitOfWork, app: App, row: AppView, *, whole_stack: bool) -> None:
    """Close `row` (or its whole stack): the person's clients drop them."""
    query = update(AppView).where(AppView.is_open.is_(True))
    if whole_stack:
        query = query.where(AppView.root_view_id == row.root_view_id)
    else:
        query = query.where(AppView.id == row.id)
    await uow.session.execute(query.values(is_open=False))
    row.is_open = False
    await _emit_view(uow, app, row, "view_closed")


async def get_view(
    uow: UnitOfWork, app_id: str, view_id: str | None, external_id: str | None
) -> AppView:
    if view_id:
        row = await uow.session.get(AppView, view_id)
    elif external_id:
        found = await uow.session.execute(
            select(AppView).where(AppView.app_id == app_id, AppView.external_id == external_id)
        )
        row = found.scalar_one_or_none()
    else:
        raise ApiError("not_found")
    if row is None or row.app_id != app_id:
        raise ApiError("not_found")
    return row


# --- the rules of views.*: which app calls, whose view, which trigger -----------------------


@dataclass(frozen=True)
class ViewElement:
    """An interactive element of a view the caller has open."""

    view: AppView
    app: App
    block_id: str
    element: dict[str, Any]


@dataclass(frozen=True)
class OpenedHome:
    channel_id: str  # the DM with the app's bot (the Messages tab)
    view: dict[str, Any] | None  # the Home view published for the caller, if any


async def access_calling_app(session: AsyncSession, principal: Principal) -> App:
    """The app whose bot token calls: views belong to an app, so any other credential (or
    an app no longer here) is `not_allowed_token_type`."""
    app = await store.get_app(session, principal.workspace_id, principal.app_id or "")
    if app is None:
        raise ApiError("not_allowed_token_type")
    return app


async def access_own_view(
    session: AsyncSession, principal: Principal, view_id: str | None
) -> tuple[AppView, App]:
    """The caller's open view (a modal on screen or their App Home) and its app; anyone
    else's view, a closed one or one of an app gone from here is `not_found`."""
    row = await session.get(AppView, view_id or "")
    app = await store.get_app(session, principal.workspace_id, row.app_id) if row else None
    if row is None or app is None or row.user_id != principal.user_id or not row.is_open:
        raise ApiError("not_found")
    return row, app


def find_view_element(
    blocks: Any, action_id: str, block_id: str | None
) -> tuple[str, dict[str, Any]] | None:
    """(block_id, element) of `action_id` in a view: actions/context elements, a section's
    accessory or an input block's element."""
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict) or (block_id and block.get("block_id") != block_id):
            continue
        candidates = [e for e in block.get("elements") or [] if isinstance(e, dict)]
        for single in ("accessory", "element"):
            if isinstance(block.get(single), dict):
                candidates.append(block[single])
        for element in candidates:
            if element.get("action_id") == action_id:
                return str(block.get("block_id") or ""), element
    return None


async def access_view_element(
    session: AsyncSession,
    principal: Principal,
    view_id: str | None,
    action_id: str | None,
    block_id: str | None,
    *,
    types: tuple[str, ...] | None = None,
) -> ViewElement:
    """An element of the caller's open view (`not_found`, then `action_not_found`, also
    when it is not one of `types`, e.g. only external selects load options)."""
    row, app = await access_own_view(session, principal, view_id)
    found = find_view_element(row.view.get("blocks"), action_id or "", block_id)
    if found is None or (types is not None and found[1].get("type") not in types):
        raise ApiError("action_not_found")
    return ViewElement(row, app, found[0], found[1])


async def check_open_view(
    uow: UnitOfWork, principal: Principal, raw_view: Any, trigger_id: str | None
) -> tuple[AppView, App]:
    """views.open: the calling app opens a modal for the person whose interaction gave it
    `trigger_id` (the app, then the view, then the trigger, which is used up)."""
    app = await access_calling_app(uow.session, principal)
    view = check_view(raw_view, kind="modal")
    trigger = await redeem_trigger(uow, app.id, trigger_id or "")
    return await do_open_view(uow, app, trigger.user_id, view, parent=None), app


async def check_push_view(
    uow: UnitOfWork, principal: Principal, raw_view: Any, trigger_id: str | None
) -> tuple[AppView, App]:
    """views.push: like views.open, on top of the modal the trigger came from (or the
    person's top modal); with no open modal there the trigger is `invalid_trigger_id`."""
    app = await access_calling_app(uow.session, principal)
    view = check_view(raw_view, kind="modal")
    trigger = await redeem_trigger(uow, app.id, trigger_id or "")
    parent = (
        await uow.session.get(AppView, trigger.view_id)
        if trigger.view_id
        else await top_modal(uow, app.id, trigger.user_id)
    )
    if parent is None or not parent.is_open:
        raise ApiError("invalid_trigger_id")
    return await do_open_view(uow, app, trigger.user_id, view, parent=parent), app


async def check_update_view(
    uow: UnitOfWork,
    principal: Principal,
    view_id: str | None,
    external_id: str | None,
    raw_view: Any,
    expected_hash: str | None,
) -> tuple[AppView, App]:
    """views.update: the calling app replaces one of its own views, checked against the
    view's type; `hash` guards against a race with another update."""
    app = await access_calling_app(uow.session, principal)
    row = await get_view(uow, app.id, view_id, external_id)
    view = check_view(raw_view, kind=row.type)
    return await do_update_view(uow, app, row, view, expected_hash), app


async def check_publish_home(
    uow: UnitOfWork,
    principal: Principal,
    user_id: str | None,
    raw_view: Any,
    expected_hash: str | None,
) -> tuple[AppView, App]:
    """views.publish: the calling app's Home tab for a member of the workspace it works in
    (`user_not_found` for anyone else)."""
    app = await access_calling_app(uow.session, principal)
    view = check_view(raw_view, kind="home")
    user = await get_user(uow.session, app.workspace_id, user_id or "")
    if user is None:
        raise ApiError("user_not_found")
    return await do_publish_home(uow, app, user.id, view, expected_hash), app


async def check_open_home(
    uow: UnitOfWork, principal: Principal, app_id: str | None, tab: str
) -> OpenedHome:
    """apps.home.open: the caller opened an app's Home or Messages tab (`invalid_tab`, then
    `app_not_found`); the app's bot alone hears `app_home_opened`, with the Home view."""
    if tab not in ("home", "messages"):
        raise ApiError("invalid_tab")
    app = await access_app_here(uow.session, principal, app_id)
    dm = await do_open_dm(uow, app.workspace_id, principal.user_id, app.bot_user_id)
    home = next(
        (
            row
            for row in await store.open_views_of_user(
                uow.session, app.workspace_id, principal.user_id
            )
            if row.app_id == app.id and row.type == "home"
        ),
        None,
    )
    view = view_object(home, app) if home is not None else None
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": principal.user_id,
        "channel": dm.id,
        "tab": tab,
        "event_ts": event_ts(),
    }
    if view is not None and tab == "home":
        event["view"] = view
    # Only this app's bot is in the audience: no other app or person receives it.
    await emit(uow, app.workspace_id, event, users_audience([app.bot_user_id]))
    return OpenedHome(dm.id, view)
