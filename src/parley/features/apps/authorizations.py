"""apps.event.authorizations.list: which installations of the calling app may see an event,
named by the `event_context` its envelope carried (Slack's answer for apps that act per
installation on shared events)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.apps import store
from parley.features.apps.models import App
from parley.features.apps.routing import parse_event_context
from parley.platform import visibility
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.spaces import Conversation


def _authorization(team_id: str, user_id: str, *, is_bot: bool) -> dict[str, Any]:
    return {
        "enterprise_id": None,
        "team_id": team_id,
        "user_id": user_id,
        "is_bot": is_bot,
        "is_enterprise_install": False,
    }


async def access_event_authorizations(
    session: AsyncSession, principal: Principal, event_context: str | None
) -> list[dict[str, Any]]:
    """The authorizations (bot first, then people who installed the app with user scopes)
    that may see the event: `invalid_event_context` for a context that is not one, or that
    names an unknown conversation; `auth_mismatch` when the app is not installed there (the
    same answer for another workspace's event)."""
    parsed = parse_event_context(event_context or "")
    if parsed is None or not principal.app_id:
        raise ApiError("invalid_event_context")
    team_id, channel_id = parsed
    app = await store.get_app(session, team_id, principal.app_id)
    if app is None:
        raise ApiError("auth_mismatch")
    members = await _members_of(session, team_id, channel_id)
    found = []
    if members is None or app.bot_user_id in members:
        found.append(_authorization(team_id, app.bot_user_id, is_bot=True))
    for user_id in await _installers(session, app):
        if members is None or user_id in members:
            found.append(_authorization(team_id, user_id, is_bot=False))
    return found


async def _members_of(
    session: AsyncSession, team_id: str, channel_id: str
) -> frozenset[str] | None:
    """Who may see an event of the conversation (None: a workspace-wide event)."""
    if not channel_id:
        return None
    conversation = await session.get(Conversation, channel_id)
    if conversation is None or conversation.workspace_id != team_id:
        raise ApiError("invalid_event_context")
    return frozenset(await visibility.member_ids(session, channel_id))


async def _installers(session: AsyncSession, app: App) -> list[str]:
    """People of the workspace holding a live user token of the app (OAuth user scopes)."""
    tokens = await store.app_tokens_in_workspace(session, app.id, app.workspace_id)
    return sorted({t.user_id for t in tokens if t.kind == "user"})
