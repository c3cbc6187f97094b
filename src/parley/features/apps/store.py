"""Queries for the app platform (no commits, no events)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.apps.models import (
    App,
    AppCommand,
    AppDelivery,
    AppInstallation,
    AppView,
    IncomingWebhook,
    OAuthCode,
    ResponseUrl,
)
from parley.features.auth.models import Token
from parley.platform.security import hash_secret


def installed_view(app: App, installation: AppInstallation) -> App:
    """The app as seen from a workspace it was installed into by OAuth: the same app id,
    secrets and settings, with that workspace's id and bot user. Detached (never added to
    a session): code that works on "the app in this workspace" takes it unchanged, and
    writes to the app itself always load the stored row."""
    return App(
        id=app.id,
        workspace_id=installation.workspace_id,
        name=app.name,
        manifest=app.manifest,
        bot_user_id=installation.bot_user_id,
        bot_id=installation.bot_id,
        created_by=app.created_by,
        signing_secret=app.signing_secret,
        verification_token=app.verification_token,
        client_id=app.client_id,
        client_secret_hash=app.client_secret_hash,
        request_url=app.request_url,
        interactivity_url=app.interactivity_url,
        socket_mode=app.socket_mode,
        bot_events=list(app.bot_events),
        events_enabled=app.events_enabled,
        events_disabled_reason=app.events_disabled_reason,
        consecutive_failures=app.consecutive_failures,
        max_event_age=app.max_event_age,
        created=installation.created,
    )


async def get_owned_app(session: AsyncSession, workspace_id: str, app_id: str) -> App | None:
    """An app created in `workspace_id` (its manifest is managed there)."""
    app = await session.get(App, app_id)
    return app if app is not None and app.workspace_id == workspace_id else None


async def get_app(session: AsyncSession, workspace_id: str, app_id: str) -> App | None:
    """The app as it works in `workspace_id`: created there, or installed there by OAuth."""
    app = await session.get(App, app_id)
    if app is None or app.workspace_id == workspace_id:
        return app
    installation = await get_installation(session, app_id, workspace_id)
    return None if installation is None else installed_view(app, installation)


async def get_installation(
    session: AsyncSession, app_id: str, workspace_id: str
) -> AppInstallation | None:
    rows = await session.execute(
        select(AppInstallation).where(
            AppInstallation.app_id == app_id, AppInstallation.workspace_id == workspace_id
        )
    )
    return rows.scalar_one_or_none()


async def installations_of_app(session: AsyncSession, app_id: str) -> list[AppInstallation]:
    rows = await session.execute(
        select(AppInstallation)
        .where(AppInstallation.app_id == app_id)
        .order_by(AppInstallation.workspace_id)
    )
    return list(rows.scalars().all())


async def _installed_views(
    session: AsyncSession, workspace_id: str, *, events_only: bool = False
) -> list[App]:
    query = (
        select(App, AppInstallation)
        .join(AppInstallation, AppInstallation.app_id == App.id)
        .where(AppInstallation.workspace_id == workspace_id)
        .order_by(App.id)
    )
    if events_only:
        query = query.where(App.events_enabled.is_(True))
    rows = await session.execute(query)
    return [installed_view(app, installation) for app, installation in rows.all()]


async def get_oauth_code(session: AsyncSession, code: str) -> OAuthCode | None:
    return await session.get(OAuthCode, hash_secret(code))


async def get_app_any_workspace(session: AsyncSession, app_id: str) -> App | None:
    return await session.get(App, app_id)


async def apps_by_id(session: AsyncSession, app_ids: set[str]) -> dict[str, App]:
    if not app_ids:
        return {}
    rows = await session.execute(select(App).where(App.id.in_(app_ids)))
    return {app.id: app for app in rows.scalars().all()}


async def get_app_by_client_id(session: AsyncSession, client_id: str) -> App | None:
    rows = await session.execute(select(App).where(App.client_id == client_id))
    return rows.scalar_one_or_none()


async def apps_of_workspace(session: AsyncSession, workspace_id: str) -> list[App]:
    """Apps working in the workspace: created there, then those installed there by OAuth."""
    rows = await session.execute(
        select(App).where(App.workspace_id == workspace_id).order_by(App.id)
    )
    return [*rows.scalars().all(), *await _installed_views(session, workspace_id)]


async def workspaces_with_event_apps(session: AsyncSession) -> list[str]:
    """Workspaces where at least one app wants events (the delivery worker's scan list)."""
    owned = await session.execute(
        select(App.workspace_id).where(App.events_enabled.is_(True)).distinct()
    )
    installed = await session.execute(
        select(AppInstallation.workspace_id)
        .join(App, App.id == AppInstallation.app_id)
        .where(App.events_enabled.is_(True))
        .distinct()
    )
    return list(dict.fromkeys([*owned.scalars().all(), *installed.scalars().all()]))


async def event_apps(session: AsyncSession, workspace_id: str) -> list[App]:
    """Apps with event subscriptions working in the workspace (installed ones included)."""
    rows = await session.execute(
        select(App).where(App.workspace_id == workspace_id, App.events_enabled.is_(True))
    )
    apps = [*rows.scalars().all(), *await _installed_views(session, workspace_id, events_only=True)]
    return [app for app in apps if app.bot_events]


async def commands_of_app(session: AsyncSession, app_id: str) -> list[AppCommand]:
    rows = await session.execute(
        select(AppCommand).where(AppCommand.app_id == app_id).order_by(AppCommand.command)
    )
    return list(rows.scalars().all())


async def get_command(session: AsyncSession, workspace_id: str, command: str) -> AppCommand | None:
    rows = await session.execute(
        select(AppCommand).where(
            AppCommand.workspace_id == workspace_id, AppCommand.command == command
        )
    )
    return rows.scalar_one_or_none()


async def commands_of_workspace(session: AsyncSession, workspace_id: str) -> list[AppCommand]:
    rows = await session.execute(
        select(AppCommand)
        .where(AppCommand.workspace_id == workspace_id)
        .order_by(AppCommand.command)
    )
    return list(rows.scalars().all())


async def due_deliveries(session: AsyncSession, now: datetime, limit: int) -> list[AppDelivery]:
    rows = await session.execute(
        select(AppDelivery)
        .where(AppDelivery.state == "pending", AppDelivery.next_attempt_at <= now)
        .order_by(AppDelivery.next_attempt_at, AppDelivery.id)
        .limit(limit)
    )
    return list(rows.scalars().all())


async def claim_deliveries(
    session: AsyncSession, ids: list[int], now: datetime, until: datetime
) -> set[int]:
    """Lease due deliveries to this node in one statement; returns the ids it got."""
    result = await session.execute(
        update(AppDelivery)
        .where(
            AppDelivery.id.in_(ids),
            AppDelivery.state == "pending",
            AppDelivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=until)
        .returning(AppDelivery.id)
    )
    return {int(i) for i in result.scalars().all()}


async def deliveries_of_app(session: AsyncSession, app_id: str, limit: int) -> list[AppDelivery]:
    rows = await session.execute(
        select(AppDelivery)
        .where(AppDelivery.app_id == app_id)
        .order_by(AppDelivery.id.desc())
        .limit(limit)
    )
    return list(rows.scalars().all())


async def get_response_url(session: AsyncSession, token: str) -> ResponseUrl | None:
    return await session.get(ResponseUrl, hash_secret(token))


async def get_webhook(session: AsyncSession, webhook_id: str) -> IncomingWebhook | None:
    return await session.get(IncomingWebhook, webhook_id)


async def open_views_of_user(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[AppView]:
    rows = await session.execute(
        select(AppView)
        .where(
            AppView.workspace_id == workspace_id,
            AppView.user_id == user_id,
            AppView.is_open.is_(True),
        )
        .order_by(AppView.updated, AppView.id)
    )
    return list(rows.scalars().all())


async def app_tokens_in_workspace(
    session: AsyncSession, app_id: str, workspace_id: str
) -> list[Token]:
    """The app's live tokens in one workspace (bot, app-level and its users' tokens)."""
    rows = await session.execute(
        select(Token).where(
            Token.app_id == app_id,
            Token.workspace_id == workspace_id,
            Token.revoked_at.is_(None),
        )
    )
    return list(rows.scalars().all())
