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
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.apps import store
from parley.features.apps.manifest import (
    Manifest,
    Shortcut,
    check_manifest,
    served_scopes,
    shortcuts_of,
)
from parley.features.apps.models import (
    EVENTS_CONSUMER,
    App,
    AppCommand,
    AppDelivery,
    IncomingWebhook,
    ResponseUrl,
)
from parley.features.audit.interface import record
from parley.features.auth.interface import do_issue_token
from parley.features.auth.models import Token
from parley.features.conversations.interface import access_conversation
from parley.features.messages.interface import Message, get_message
from parley.features.users.interface import (
    User,
    bot_icons,
    bots_by_bot_id,
    do_create_user,
    do_set_deactivated,
    get_user,
)
from parley.platform.auth.principal import Principal
from parley.platform.clock import as_utc, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.consumer import follow_from_now
from parley.platform.ids import looks_like, new_id
from parley.platform.origin import Origin
from parley.platform.security import hash_secret, new_secret
from parley.platform.spaces import Conversation

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
        uow,
        bot,
        kind="bot",
        scopes=served_scopes(manifest.bot_scopes),
        app_id=app_id,
        label=manifest.name,
    )
    app_token = await do_issue_token(
        uow,
        bot,
        kind="app",
        scopes=("connections:write", "authorizations:read"),
        app_id=app_id,
        label=manifest.name,
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
        .values(scopes=",".join(served_scopes(manifest.bot_scopes)))
    )
    bot = await get_user(uow.session, app.workspace_id, app.bot_user_id)
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
    bots = [await get_user(uow.session, app.workspace_id, app.bot_user_id)]
    for installation in await store.installations_of_app(uow.session, app.id):
        bots.append(
            await get_user(uow.session, installation.workspace_id, installation.bot_user_id)
        )
    await uow.session.delete(app)  # installations, codes, commands go with it
    await uow.session.flush()
    for bot in bots:
        if bot is not None and not bot.deleted:
            await do_set_deactivated(uow, bot, True)
    return revoked


# --- managing apps: the admin rules of apps.manifest.* -------------------------------------


@dataclass(frozen=True)
class UpdatedApp:
    app: App
    permissions_updated: bool
    manifest: Manifest


def check_app_admin(principal: Principal) -> None:
    """Apps act for the whole workspace: only its admins and owners create or change them."""
    if not principal.is_admin:
        raise ApiError("no_permission")


async def access_app(session: AsyncSession, principal: Principal, app_id: str | None) -> App:
    """An app made in the caller's workspace, else `app_not_found` (also for another
    workspace's app, and for an app merely installed here)."""
    if not app_id or not looks_like(app_id, "A"):
        raise ApiError("app_not_found")
    app = await store.get_owned_app(session, principal.workspace_id, app_id)
    if app is None:
        raise ApiError("app_not_found")
    return app


async def access_managed_app(
    session: AsyncSession, principal: Principal, app_id: str | None
) -> App:
    """An app of the caller's workspace that the caller, an admin, may manage: first
    `no_permission`, then `app_not_found`."""
    check_app_admin(principal)
    return await access_app(session, principal, app_id)


async def check_create_app(
    uow: UnitOfWork, principal: Principal, raw_manifest: Any, origin: Origin
) -> tuple[CreatedApp, Manifest]:
    """apps.manifest.create: an admin makes an app, installed here at once, and the audit
    log records it (a new bot and its tokens: as security-relevant as an OAuth install)."""
    check_app_admin(principal)
    manifest = check_manifest(raw_manifest)
    created = await do_create_app(
        uow, principal.workspace_id, manifest, created_by=principal.user_id
    )
    await record(
        uow,
        principal.workspace_id,
        "app_installed",
        actor_id=principal.user_id,
        entity_type="app",
        entity_id=created.app.id,
        origin=origin,
        details={"app_name": created.app.name, "scopes": list(manifest.bot_scopes)},
    )
    return created, manifest


async def check_update_app(
    uow: UnitOfWork, principal: Principal, app_id: str | None, raw_manifest: Any
) -> UpdatedApp:
    """apps.manifest.update: an admin replaces the manifest of an app made here; says
    whether the bot's scopes changed (its cached credentials must then be forgotten)."""
    app = await access_managed_app(uow.session, principal, app_id)
    manifest = check_manifest(raw_manifest)
    old_scopes = set(app.manifest.get("oauth_config", {}).get("scopes", {}).get("bot", []) or [])
    await do_update_app(uow, app, manifest)
    return UpdatedApp(app, old_scopes != set(manifest.bot_scopes), manifest)


async def check_delete_app(
    uow: UnitOfWork, principal: Principal, app_id: str | None
) -> set[tuple[str, str]]:
    """apps.manifest.delete: an admin deletes an app made here. Returns (workspace, user)
    of every credential it ends, its home bot's included."""
    app = await access_managed_app(uow.session, principal, app_id)
    holders = (app.workspace_id, app.bot_user_id)
    return await do_delete_app(uow, app) | {holders}


# --- what a person may trigger in an app: commands, message actions, shortcuts ------------


@dataclass(frozen=True)
class CommandTarget:
    conversation: Conversation
    command: AppCommand
    app: App


@dataclass(frozen=True)
class MessageActionTarget:
    conversation: Conversation
    message: Message
    block_id: str
    element: dict[str, Any]
    app: App


@dataclass(frozen=True)
class ShortcutTarget:
    app: App
    shortcut: Shortcut
    conversation: Conversation | None  # both set for a message shortcut, None for global
    message: Message | None


async def access_app_here(session: AsyncSession, principal: Principal, app_id: str | None) -> App:
    """An app created in or installed into the caller's workspace, else `app_not_found`:
    what a person may interact with (unlike `access_app`, which is about managing)."""
    app = await store.get_app(session, principal.workspace_id, app_id or "")
    if app is None:
        raise ApiError("app_not_found")
    return app


async def _live_message(
    session: AsyncSession, conversation: Conversation, ts: str | None
) -> Message:
    message = await get_message(session, conversation.id, ts or "")
    if message is None or message.is_deleted:
        raise ApiError("message_not_found")
    return message


def find_action(
    blocks: list[dict[str, Any]] | None, action_id: str, block_id: str | None
) -> tuple[str, dict[str, Any]] | None:
    """(block_id, element) of the interactive element `action_id` in a message's blocks."""
    for block in blocks or []:
        if block_id and block.get("block_id") != block_id:
            continue
        candidates = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block.get("block_id") or ""), element
    return None


async def access_command(
    session: AsyncSession, principal: Principal, channel: str | None, command: str | None
) -> CommandTarget:
    """commands.invoke: a conversation the caller can read, then a slash command an app of
    this workspace registered (`channel_not_found`, `invalid_command`, `app_not_found`)."""
    conversation = (await access_conversation(session, principal, channel)).conversation
    name = (command or "").strip().lower()
    found = await store.get_command(session, principal.workspace_id, name)
    if found is None:
        raise ApiError("invalid_command")
    app = await access_app_here(session, principal, found.app_id)
    return CommandTarget(conversation, found, app)


async def access_message_action(
    session: AsyncSession,
    principal: Principal,
    channel: str | None,
    ts: str | None,
    action_id: str | None,
    block_id: str | None,
) -> MessageActionTarget:
    """interactions.blockAction: an element of an app's message the caller can read
    (`channel_not_found`, `message_not_found`, `action_not_found`, `app_not_found`)."""
    conversation = (await access_conversation(session, principal, channel)).conversation
    message = await _live_message(session, conversation, ts)
    found = find_action(message.blocks, action_id or "", block_id)
    if found is None:
        raise ApiError("action_not_found")
    app = await access_app_here(session, principal, message.app_id)
    return MessageActionTarget(conversation, message, found[0], found[1], app)


async def access_shortcut(
    session: AsyncSession,
    principal: Principal,
    app_id: str | None,
    callback_id: str | None,
    channel: str | None,
    ts: str | None,
) -> ShortcutTarget:
    """interactions.shortcut: an app's global shortcut, or its message shortcut on a message
    the caller can read (a channel or ts makes it a message shortcut)."""
    app = await access_app_here(session, principal, app_id)
    kind = "message" if channel or ts else "global"
    shortcut = next(
        (s for s in shortcuts_of(app.manifest) if s.callback_id == callback_id and s.type == kind),
        None,
    )
    if shortcut is None:
        raise ApiError("shortcut_not_found")
    if kind == "global":
        return ShortcutTarget(app, shortcut, None, None)
    conversation = (await access_conversation(session, principal, channel)).conversation
    message = await _live_message(session, conversation, ts)
    return ShortcutTarget(app, shortcut, conversation, message)


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


async def do_hold(uow: UnitOfWork, delivery_id: int, seconds: float) -> None:
    """No Socket Mode connection for the app: hold the event and look again soon. The first
    hold counts as one failed attempt (`connection_failed`), so the event, when it finally
    goes out, carries `retry_attempt` >= 1 and says why (Slack's retry contract); waiting
    longer is not counted again (the holding window, not the retry count, bounds it)."""
    delivery = await uow.session.get(AppDelivery, delivery_id)
    if delivery is None:
        return
    if delivery.attempts == 0:
        delivery.attempts = 1
        delivery.retry_reason = "connection_failed"
        delivery.last_error = "no Socket Mode connection"
    delivery.next_attempt_at = utc_now() + timedelta(seconds=seconds)


async def do_expire(uow: UnitOfWork, delivery_id: int, age: float, limit: int) -> None:
    """Drop an event older than the app's `max_event_age`: not sent, and not a failure
    (the app asked for it; it does not count towards disabling delivery)."""
    await uow.session.execute(
        update(AppDelivery)
        .where(AppDelivery.id == delivery_id)
        .values(
            state="expired",
            last_error=f"{int(age)} s old, over the app's max_event_age of {limit} s",
        )
    )


def check_max_event_age(value: int | None) -> int | None:
    """apps.event_delivery.update: seconds (1 to a day), or 0/None for no limit."""
    if value is None or value == 0:
        return None
    if not 1 <= value <= 86_400:
        raise ApiError("invalid_arguments", detail="max_event_age must be 0 to 86400 seconds")
    return value


async def check_update_delivery(
    uow: UnitOfWork, principal: Principal, app_id: str | None, max_event_age: int | None
) -> App:
    """apps.event_delivery.update: an admin sets how old an event the app still wants."""
    app = await access_managed_app(uow.session, principal, app_id)
    app.max_event_age = check_max_event_age(max_event_age)
    await uow.session.flush()
    return app


# --- bots ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bot:
    """What bots.info shows: an app's bot user, or a bare incoming webhook's bot id."""

    id: str
    deleted: bool
    name: str
    updated: int
    app_id: str | None
    user_id: str | None
    icons: dict[str, str]


async def access_bot(session: AsyncSession, principal: Principal, bot_id: str | None) -> Bot:
    """bots.info: a bot (B…) of the caller's workspace, else `bot_not_found` (also for
    another workspace's bot: the same answer as an unknown id)."""
    if not bot_id or not looks_like(bot_id, "B"):
        raise ApiError("bot_not_found")
    found = (await bots_by_bot_id(session, principal.workspace_id, [bot_id])).get(bot_id)
    if found is not None:
        return Bot(
            id=bot_id,
            deleted=found.deleted,
            name=found.real_name or found.name,
            updated=found.updated,
            app_id=found.app_id,
            user_id=found.id,
            icons=bot_icons(found),
        )
    hook = await store.get_webhook(session, bot_id)
    if hook is None or hook.workspace_id != principal.workspace_id:
        raise ApiError("bot_not_found")
    # A webhook an app made posts as the app's bot (found above); this one has no user.
    return Bot(
        id=hook.id,
        deleted=False,
        name="incoming-webhook",
        updated=int(as_utc(hook.created).timestamp()),
        app_id=None,
        user_id=None,
        icons={},
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


@dataclass(frozen=True)
class CreatedWebhook:
    hook: IncomingWebhook
    secret: str
    conversation: Conversation


async def check_create_webhook(
    uow: UnitOfWork, principal: Principal, channel: str | None
) -> CreatedWebhook:
    """incomingWebhooks.create: anyone who can post through the URL must have been allowed
    to hand it out, so only admins or apps with `incoming-webhook` (`no_permission` first),
    into a conversation they can read. An app's hook is tied to the app."""
    if not (principal.is_admin or principal.has_scope("incoming-webhook")):
        raise ApiError("no_permission")
    conversation = (await access_conversation(uow.session, principal, channel)).conversation
    hook, secret = await do_create_webhook(
        uow,
        principal.workspace_id,
        conversation.id,
        created_by=principal.user_id,
        app_id=principal.app_id if principal.is_bot else None,
    )
    return CreatedWebhook(hook, secret, conversation)


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
