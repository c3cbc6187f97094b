"""App platform writes: apps from manifests, deliveries, response_urls, incoming webhooks."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from parley.features.apps import store
from parley.features.apps.manifest import Manifest
from parley.features.apps.models import (
    EVENTS_CONSUMER,
    App,
    AppCommand,
    AppDelivery,
    IncomingWebhook,
    ResponseUrl,
)
from parley.features.auth.actions import do_issue_token
from parley.features.auth.models import Token
from parley.features.users import store as user_store
from parley.features.users.actions import do_create_user, do_set_deactivated
from parley.features.users.models import User
from parley.platform.clock import as_utc, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.consumer import follow_from_now
from parley.platform.ids import new_id
from parley.platform.security import hash_secret, new_secret

RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True)
class CreatedApp:
    app: App
    bot_token: str
    app_token: str
    client_secret: str


def event_id_for(workspace_id: str, seq: int, kind: str) -> str:
    """Stable per (event, kind): every retry and every node computes the same id."""
    digest = hashlib.sha256(f"{workspace_id}:{seq}:{kind}".encode()).hexdigest()[:12]
    return "Ev" + digest.upper()


async def ensure_cursor(uow: UnitOfWork, workspace_id: str) -> None:
    """The delivery ingest follows the workspace from now: events older than its first app
    are never replayed."""
    await follow_from_now(uow, EVENTS_CONSUMER, workspace_id)


async def replace_commands(
    uow: UnitOfWork, app: App, manifest: Manifest, *, skip_taken: bool = False
) -> None:
    """The manifest's slash commands in `app.workspace_id` (an installed view of the app
    registers them in the workspace it was installed into). A command another app already
    has there fails the manifest, or is left out for an install (`skip_taken`)."""
    await uow.session.execute(
        delete(AppCommand).where(
            AppCommand.app_id == app.id, AppCommand.workspace_id == app.workspace_id
        )
    )
    for command in manifest.commands:
        taken = await store.get_command(uow.session, app.workspace_id, command.command)
        if taken is not None and skip_taken:
            continue
        if taken is not None:
            raise ApiError(
                "invalid_manifest",
                errors=[
                    {
                        "message": f"{command.command} is already taken",
                        "pointer": "/features/slash_commands",
                    }
                ],
            )
        uow.session.add(
            AppCommand(
                workspace_id=app.workspace_id,
                app_id=app.id,
                command=command.command,
                url=command.url,
                description=command.description,
                usage_hint=command.usage_hint,
            )
        )
    await uow.session.flush()


def _apply_manifest(app: App, manifest: Manifest) -> None:
    url_changed = app.request_url != manifest.request_url
    app.name = manifest.name
    app.manifest = manifest.raw
    app.request_url = manifest.request_url
    app.interactivity_url = manifest.interactivity_url
    app.socket_mode = manifest.socket_mode
    app.bot_events = list(manifest.bot_events)
    if url_changed or not app.events_enabled:
        # A new configuration is a fresh start for an app that delivery had given up on.
        app.events_enabled = True
        app.events_disabled_reason = None
        app.consecutive_failures = 0


async def do_create_bot_user(
    uow: UnitOfWork, workspace_id: str, manifest: Manifest, app_id: str
) -> User:
    """The app's bot user (U… with a B… bot id) in a workspace it is created or installed in."""
    return await do_create_user(
        uow,
        workspace_id,
        email=None,
        password=None,
        real_name=manifest.bot_name,
        is_bot=True,
        bot_id=new_id("B"),
        app_id=app_id,
        name=manifest.bot_name.lower().replace(" ", "_")[:21] or "bot",
    )


async def do_create_app(
    uow: UnitOfWork, workspace_id: str, manifest: Manifest, *, created_by: str | None
) -> CreatedApp:
    """The app, its bot user, bot token (manifest bot scopes) and app-level token."""
    app_id = new_id("A")
    bot = await do_create_bot_user(uow, workspace_id, manifest, app_id)
    client_secret = secrets.token_hex(16)
    app = App(
        id=app_id,
        workspace_id=workspace_id,
        name=manifest.name,
        manifest=manifest.raw,
        bot_user_id=bot.id,
        bot_id=bot.bot_id or "",
        created_by=created_by,
        signing_secret=secrets.token_hex(16),
        verification_token=secrets.token_urlsafe(18),
        client_id=f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**13)}",
        client_secret_hash=hash_secret(client_secret),
        request_url=None,
        interactivity_url=None,
        socket_mode=False,
        bot_events=[],
        events_enabled=True,
        events_disabled_reason=None,
        consecutive_failures=0,
        created=utc_now(),
    )
    _apply_manifest(app, manifest)
    uow.session.add(app)
    await uow.session.flush()
    await replace_commands(uow, app, manifest)
    await ensure_cursor(uow, workspace_id)
    bot_token = await do_issue_token(
        uow, bot, kind="bot", scopes=manifest.bot_scopes, app_id=app_id, label=manifest.name
    )
    app_token = await do_issue_token(
        uow, bot, kind="app", scopes=("connections:write",), app_id=app_id, label=manifest.name
    )
    if app.request_url and not app.socket_mode:
        await enqueue_url_verification(uow, app)
    return CreatedApp(app, bot_token, app_token, client_secret)


async def do_update_app(uow: UnitOfWork, app: App, manifest: Manifest) -> App:
    """Apply a new manifest: settings, commands and the bot token's scopes."""
    url_changed = app.request_url != manifest.request_url
    _apply_manifest(app, manifest)
    await replace_commands(uow, app, manifest)
    # Only the home workspace's bot token follows the manifest: another workspace granted
    # the scopes it consented to, and wider ones need a new OAuth install there.
    await uow.session.execute(
        update(Token)
        .where(
            Token.app_id == app.id,
            Token.workspace_id == app.workspace_id,
            Token.kind == "bot",
            Token.revoked_at.is_(None),
        )
        .values(scopes=",".join(manifest.bot_scopes))
    )
    bot = await user_store.get_user(uow.session, app.workspace_id, app.bot_user_id)
    if bot is not None and bot.real_name != manifest.bot_name:
        bot.real_name = manifest.bot_name
    for installation in await store.installations_of_app(uow.session, app.id):
        await replace_commands(
            uow, store.installed_view(app, installation), manifest, skip_taken=True
        )
    await uow.session.flush()
    if url_changed and app.request_url and not app.socket_mode:
        await enqueue_url_verification(uow, app)
    return app


async def do_delete_app(uow: UnitOfWork, app: App) -> set[tuple[str, str]]:
    """Revoke the app's tokens (in every workspace it is installed in), deactivate its bot
    users, drop the app and its data. Returns (workspace, user) of the revoked tokens."""
    holders = await uow.session.execute(
        select(Token.workspace_id, Token.user_id)
        .where(Token.app_id == app.id, Token.revoked_at.is_(None))
        .distinct()
    )
    revoked = {(str(w), str(u)) for w, u in holders.all()}
    await uow.session.execute(
        update(Token)
        .where(Token.app_id == app.id, Token.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    bots = [await user_store.get_user(uow.session, app.workspace_id, app.bot_user_id)]
    for installation in await store.installations_of_app(uow.session, app.id):
        bots.append(
            await user_store.get_user(
                uow.session, installation.workspace_id, installation.bot_user_id
            )
        )
    await uow.session.delete(app)  # installations, codes, commands go with it
    await uow.session.flush()
    for bot in bots:
        if bot is not None and not bot.deleted:
            await do_set_deactivated(uow, bot, True)
    return revoked


# --- deliveries ----------------------------------------------------------------------------


async def enqueue_url_verification(uow: UnitOfWork, app: App) -> None:
    body = {
        "token": app.verification_token,
        "challenge": secrets.token_urlsafe(24),
        "type": "url_verification",
    }
    uow.session.add(_delivery(app, "Ev" + new_id("V", 10)[1:], body))
    await uow.session.flush()


def _delivery(app: App, event_id: str, body: dict[str, Any]) -> AppDelivery:
    now = utc_now()
    return AppDelivery(
        workspace_id=app.workspace_id,
        app_id=app.id,
        event_id=event_id,
        body=body,
        state="pending",
        attempts=0,
        retry_reason="",
        last_error="",
        next_attempt_at=now,
        created=now,
    )


async def enqueue_deliveries(uow: UnitOfWork, app: App, bodies: list[dict[str, Any]]) -> None:
    """Insert deliveries; an `event_id` already queued for the app is skipped (idempotent)."""
    await enqueue_deliveries_for_apps(uow, [(app, bodies)])


async def enqueue_deliveries_for_apps(
    uow: UnitOfWork, batches: list[tuple[App, list[dict[str, Any]]]]
) -> None:
    """`enqueue_deliveries` for several apps in one statement (the ingest of one event
    watched by many apps)."""
    now = utc_now()
    rows = [
        {
            "workspace_id": app.workspace_id,
            "app_id": app.id,
            "event_id": str(body["event_id"]),
            "body": body,
            "state": "pending",
            "attempts": 0,
            "retry_reason": "",
            "last_error": "",
            "next_attempt_at": now,
            "created": now,
        }
        for app, bodies in batches
        for body in bodies
    ]
    if not rows:
        return
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 500):  # bounded statement size
        await uow.session.execute(
            insert(AppDelivery)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing(index_elements=["app_id", "event_id"])
        )


async def do_record_successes(uow: UnitOfWork, delivered: dict[int, str]) -> None:
    """Mark deliveries (id → app id) delivered in one go; their apps are healthy again."""
    if not delivered:
        return
    await uow.session.execute(
        update(AppDelivery)
        .where(AppDelivery.id.in_(list(delivered)))
        .values(state="delivered", attempts=AppDelivery.attempts + 1)
    )
    await uow.session.execute(
        update(App)
        .where(App.id.in_(set(delivered.values())), App.consecutive_failures != 0)
        .values(consecutive_failures=0)
    )


async def do_record_failure(
    uow: UnitOfWork,
    delivery_id: int,
    *,
    reason: str,
    error: str,
    retry_in: float | None,
    disable_after: int,
) -> None:
    """Schedule the next attempt, or give up on this event; after `disable_after` events
    given up in a row, stop delivering to the app and say why (admins see it)."""
    delivery = await uow.session.get(AppDelivery, delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    delivery.retry_reason = reason
    delivery.last_error = error[:500]
    if retry_in is not None:
        delivery.next_attempt_at = utc_now() + timedelta(seconds=retry_in)
        return
    delivery.state = "failed"
    # Atomic increment: several deliveries of one app may fail at the same moment.
    failures = (
        await uow.session.execute(
            update(App)
            .where(App.id == delivery.app_id)
            .values(consecutive_failures=App.consecutive_failures + 1)
            .returning(App.consecutive_failures)
        )
    ).scalar_one_or_none()
    if failures is None or failures < disable_after:
        return
    await uow.session.execute(
        update(App)
        .where(App.id == delivery.app_id, App.events_enabled.is_(True))
        .values(
            events_enabled=False,
            events_disabled_reason=(
                f"Event delivery disabled at {utc_now().isoformat()} after "
                f"{failures} events failed in a row; last error: {error[:200]}"
            ),
        )
    )


async def do_reschedule(uow: UnitOfWork, delivery_id: int, seconds: float) -> None:
    """Not attempted (no Socket Mode connection here): look again soon, attempt not counted."""
    await uow.session.execute(
        update(AppDelivery)
        .where(AppDelivery.id == delivery_id)
        .values(next_attempt_at=utc_now() + timedelta(seconds=seconds))
    )


# --- response_url and incoming webhooks -----------------------------------------------------


async def do_create_response_url(
    uow: UnitOfWork, app: App, *, channel_id: str, user_id: str, message_ts: str | None
) -> str:
    """A fresh capability token (the URL is the secret)."""
    token = new_secret("", 32)
    uow.session.add(
        ResponseUrl(
            token_hash=hash_secret(token),
            workspace_id=app.workspace_id,
            app_id=app.id,
            channel_id=channel_id,
            user_id=user_id,
            message_ts=message_ts,
            uses=0,
            expires_at=utc_now() + RESPONSE_URL_LIFETIME,
        )
    )
    await uow.session.flush()
    return token


async def use_response_url(uow: UnitOfWork, token: str) -> ResponseUrl | None:
    """Count one use; None when unknown, expired or used up."""
    row = await store.get_response_url(uow.session, token)
    if row is None or row.uses >= RESPONSE_URL_USES:
        return None
    if as_utc(row.expires_at) <= utc_now():
        return None
    row.uses += 1
    await uow.session.flush()
    return row


async def do_create_webhook(
    uow: UnitOfWork, workspace_id: str, channel_id: str, *, created_by: str, app_id: str | None
) -> tuple[IncomingWebhook, str]:
    secret = secrets.token_urlsafe(18)
    hook = IncomingWebhook(
        id=new_id("B"),
        workspace_id=workspace_id,
        app_id=app_id,
        channel_id=channel_id,
        secret_hash=hash_secret(secret),
        created_by=created_by,
        created=utc_now(),
    )
    uow.session.add(hook)
    await uow.session.flush()
    return hook, secret


async def apps_by_bot_user(uow: UnitOfWork, workspace_id: str) -> dict[str, App]:
    rows = await uow.session.execute(select(App).where(App.workspace_id == workspace_id))
    return {app.bot_user_id: app for app in rows.scalars().all()}
