"""Unfurl writes: Parley's cards, apps' cards (`chat.unfurl`) and `link_shared` events.
The only writers of unfurl state (which lives in the message's `attachments`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.apps.interface import App, get_app
from parley.features.conversations.interface import get_conversation, get_membership
from parley.features.messages.interface import (
    Message,
    check_blocks,
    do_post_ephemeral,
    do_replace_attachments,
    get_message_for_update,
)
from parley.features.unfurl.cards import merge_app_cards, merge_parley_cards
from parley.features.unfurl.links import domain_matches, domain_of, message_links
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, users_audience
from parley.platform.spaces import Conversation

SOURCES = frozenset({"conversations_history", "composer"})
MAX_UNFURL_DOMAINS = 5


# --- which apps unfurl what ----------------------------------------------------------------


def unfurl_domains(app: App) -> list[str]:
    """`features.unfurl_domains` of the app's manifest (Slack allows up to five)."""
    features = app.manifest.get("features") if isinstance(app.manifest, dict) else None
    value = features.get("unfurl_domains") if isinstance(features, dict) else None
    if not isinstance(value, list):
        return []
    return [d for d in value if isinstance(d, str) and d.strip()][:MAX_UNFURL_DOMAINS]


def bot_scopes(app: App) -> set[str]:
    oauth = app.manifest.get("oauth_config") if isinstance(app.manifest, dict) else None
    scopes = oauth.get("scopes") if isinstance(oauth, dict) else None
    bot = scopes.get("bot") if isinstance(scopes, dict) else None
    return {s for s in bot if isinstance(s, str)} if isinstance(bot, list) else set()


def app_covers(app: App, url: str) -> bool:
    host = domain_of(url)
    return any(domain_matches(host, domain) for domain in unfurl_domains(app))


def link_shared_apps(apps: list[App]) -> list[App]:
    """Apps that get `link_shared`: subscribed, `links:read`, and some `unfurl_domains`."""
    return [
        app
        for app in apps
        if "link_shared" in (app.bot_events or [])
        and "links:read" in bot_scopes(app)
        and unfurl_domains(app)
    ]


# --- unfurl ids ------------------------------------------------------------------------------


def unfurl_id_for(workspace_id: str, channel_id: str, ts: str) -> str:
    """`C….<ts>.<digest>`: names the message (as Slack's do) and cannot be made up for
    another workspace's message without knowing its channel and ts."""
    digest = hashlib.sha256(f"{workspace_id}:{channel_id}:{ts}".encode()).hexdigest()
    return f"{channel_id}.{ts}.{digest}"


def parse_unfurl_id(workspace_id: str, unfurl_id: str) -> tuple[str, str]:
    """(channel, ts) named by an unfurl id of this workspace; `invalid_unfurl_id` if not one."""
    parts = unfurl_id.split(".")
    if len(parts) != 4:
        raise ApiError("invalid_unfurl_id")
    channel_id, ts = parts[0], f"{parts[1]}.{parts[2]}"
    if unfurl_id_for(workspace_id, channel_id, ts) != unfurl_id:
        raise ApiError("invalid_unfurl_id")
    return channel_id, ts


# --- link_shared -------------------------------------------------------------------------------


async def do_emit_link_shared(
    uow: UnitOfWork, conversation: Conversation, message: Message, apps: list[App]
) -> int:
    """One `link_shared` per app whose `unfurl_domains` cover links of the message (never to
    the app that posted it); returns how many were emitted."""
    links = message_links(message.text, message.blocks)
    emitted = 0
    for app in link_shared_apps(apps):
        if app.bot_user_id == message.user_id or (message.app_id and message.app_id == app.id):
            continue
        mine = [{"domain": domain_of(url), "url": url} for url in links if app_covers(app, url)]
        if not mine:
            continue
        member = await get_membership(uow.session, conversation.id, app.bot_user_id)
        event: dict[str, Any] = {
            "type": "link_shared",
            "channel": conversation.id,
            "is_bot_user_member": member is not None,
            "user": message.user_id,
            "message_ts": message.ts,
            "unfurl_id": unfurl_id_for(conversation.workspace_id, conversation.id, message.ts),
            "source": "conversations_history",
            "links": mine,
            "event_ts": message.ts,
        }
        if message.thread_ts and message.thread_ts != message.ts:
            event["thread_ts"] = message.thread_ts
        await emit(uow, conversation.workspace_id, event, users_audience([app.bot_user_id]))
        emitted += 1
    return emitted


# --- Parley's own cards --------------------------------------------------------------------


@dataclass
class Target:
    conversation: Conversation
    message: Message


async def lock_target(
    session: AsyncSession, workspace_id: str, channel_id: str, ts: str
) -> Target | None:
    conversation = await get_conversation(session, workspace_id, channel_id)
    if conversation is None:
        return None
    message = await get_message_for_update(session, conversation.id, ts)
    if message is None or message.is_deleted:
        return None
    return Target(conversation, message)


async def do_apply_parley_cards(
    uow: UnitOfWork,
    workspace_id: str,
    channel_id: str,
    ts: str,
    cards: dict[str, dict[str, Any]],
) -> Message | None:
    """Put Parley's cards (by URL) on the message as it is now (it may have been edited or
    deleted while fetching); emit `message_changed` only when something changed."""
    target = await lock_target(uow.session, workspace_id, channel_id, ts)
    if target is None:
        return None
    message = target.message
    links = message_links(message.text, message.blocks)
    current = list(message.attachments or [])
    merged = merge_parley_cards(current, links, cards)
    if merged == current:
        return None
    return await do_replace_attachments(uow, target.conversation, message, merged)


# --- chat.unfurl -----------------------------------------------------------------------------


def check_unfurls(raw: Any) -> dict[str, dict[str, Any]]:
    """`unfurls`: URL → attachment, or → `{"blocks": [...]}`; `invalid_unfurls_format`."""
    if not isinstance(raw, dict) or not raw or len(raw) > 20:
        raise ApiError("invalid_unfurls_format")
    clean: dict[str, dict[str, Any]] = {}
    for url, value in raw.items():
        if not isinstance(url, str) or not isinstance(value, dict):
            raise ApiError("invalid_unfurls_format")
        if "blocks" in value:
            try:
                check_blocks(value["blocks"])
            except ApiError:
                raise ApiError("invalid_unfurls_format") from None
        clean[url] = value
    return clean


def app_card(app_id: str, url: str, value: dict[str, Any]) -> dict[str, Any]:
    """The app's attachment for `url` as stored (Slack marks app unfurls the same way)."""
    card = {k: v for k, v in value.items() if k not in {"id", "is_app_unfurl", "app_id"}}
    card.update(is_app_unfurl=True, app_unfurl_url=url, app_id=app_id)
    card.setdefault("fallback", str(value.get("title") or url))
    return card


async def do_app_unfurl(
    uow: UnitOfWork,
    app: App,
    target: Target,
    unfurls: dict[str, dict[str, Any]],
) -> Message:
    """Replace the cards of these URLs by the app's; `cannot_unfurl_message` for a URL the
    message does not contain, `cannot_unfurl_url` for one outside the app's domains."""
    message = target.message
    links = message_links(message.text, message.blocks)
    for url in unfurls:
        if url not in links:
            raise ApiError("cannot_unfurl_message")
        if not app_covers(app, url):
            raise ApiError("cannot_unfurl_url")
    cards = {url: app_card(app.id, url, value) for url, value in unfurls.items()}
    merged = merge_app_cards(message.attachments, links, cards)
    return await do_replace_attachments(uow, target.conversation, message, merged)


async def app_of(session: AsyncSession, workspace_id: str, app_id: str | None) -> App:
    """The calling app (installed here); chat.unfurl is for apps only."""
    app = await get_app(session, workspace_id, app_id) if app_id else None
    if app is None:
        raise ApiError("not_allowed_token_type")
    return app


@dataclass(frozen=True)
class UnfurlRequest:
    """What chat.unfurl was asked: which message (by `channel` + `ts`, or by `unfurl_id` +
    `source`), the cards (`unfurls`: an object, or its JSON text) and the author's
    invitation to connect their account (`user_auth_*`)."""

    channel: str | None = None
    ts: str | None = None
    unfurl_id: str | None = None
    source: str | None = None
    unfurls: Any = None
    metadata: dict[str, Any] | None = None
    user_auth_required: bool = False
    user_auth_message: str | None = None
    user_auth_url: str | None = None
    user_auth_blocks: list[dict[str, Any]] | None = None

    @property
    def wants_auth(self) -> bool:
        return bool(self.user_auth_required or self.user_auth_message or self.user_auth_blocks)


def _message_ref(workspace_id: str, request: UnfurlRequest) -> tuple[str, str]:
    """(channel, ts): given directly, or named by `unfurl_id` + `source`."""
    if request.unfurl_id or request.source:
        if not request.unfurl_id:
            raise ApiError("missing_unfurl_id")
        if not request.source:
            raise ApiError("missing_source")
        if request.source not in SOURCES:
            raise ApiError("invalid_source")
        if request.source == "composer":
            raise ApiError("cannot_find_message")  # Parley sends no composer link_shared
        return parse_unfurl_id(workspace_id, request.unfurl_id)
    if not request.channel:
        raise ApiError("missing_channel")
    if not request.ts:
        raise ApiError("missing_ts")
    return request.channel, request.ts


def _unfurls(raw: Any) -> dict[str, dict[str, Any]] | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ApiError("invalid_unfurls_format") from None
    return check_unfurls(raw)


def _auth_text(app_name: str, request: UnfurlRequest) -> str:
    text = request.user_auth_message or f"{app_name} can show more about the links you posted."
    if request.user_auth_url:
        text += f" <{request.user_auth_url}|Connect {app_name}>"
    return text


async def check_app_unfurl(uow: UnitOfWork, principal: Principal, request: UnfurlRequest) -> None:
    """chat.unfurl: the calling app puts its cards on links of a message in its workspace
    (only for URLs of its domains the message contains) and/or invites the message's author
    to connect their account. The request's shape is checked first, in Slack's order; then
    the app (`not_allowed_token_type`), the conversation (`cannot_find_channel`) and the
    message (`cannot_find_message`, also once deleted)."""
    channel_id, ts = _message_ref(principal.workspace_id, request)
    unfurls = _unfurls(request.unfurls)
    if unfurls is None and request.metadata is None and not request.wants_auth:
        raise ApiError("missing_unfurls_and_metadata")
    auth_blocks = check_blocks(request.user_auth_blocks) if request.user_auth_blocks else None
    app = await app_of(uow.session, principal.workspace_id, principal.app_id)
    conversation = await get_conversation(uow.session, principal.workspace_id, channel_id)
    if conversation is None:
        raise ApiError("cannot_find_channel")
    message = await get_message_for_update(uow.session, conversation.id, ts)
    if message is None or message.is_deleted:
        raise ApiError("cannot_find_message")
    if unfurls:
        await do_app_unfurl(uow, app, Target(conversation, message), unfurls)
    if request.wants_auth and message.user_id:
        await do_post_ephemeral(
            uow,
            conversation,
            sender_id=app.bot_user_id,
            recipient_id=message.user_id,
            text=_auth_text(app.name, request),
            blocks=auth_blocks,
            attachments=None,
            thread_ts=message.thread_ts,
            bot_id=app.bot_id,
        )
