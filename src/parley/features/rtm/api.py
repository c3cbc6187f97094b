"""rtm.connect and rtm.start: a short-lived URL for the real-time WebSocket (Slack's RTM and
the web client); rtm.start adds the workspace's state as Slack's legacy clients read it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations.interface import visible_conversations
from parley.features.rtm.wire import RtmConnectResponse, RtmStartResponse
from parley.features.users.interface import get_user, member_objects
from parley.features.workspaces.interface import get_workspace, team_object
from parley.platform.auth.principal import Principal
from parley.platform.clock import unix_now
from parley.platform.errors import ApiError
from parley.platform.events.gateway import rtm_url, websocket_base
from parley.platform.events.store import latest_seq
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackBool
from parley.platform.webapi.registry import Tier, api_method

# rtm.start's lists are bounded: the first LIST_CAP of each, by id, as users.list and
# conversations.list's first pages (Slack trimmed rtm.start for large workspaces and
# pointed clients to rtm.connect plus those methods; docs/api-coverage.md, "rtm.start").
LIST_CAP = 500

# Each list needs the scope that reads it through the Web API; without it, it is empty.
LIST_SCOPES = {
    "channels": ("channel", "channels:read"),
    "groups": ("group", "groups:read"),
    "ims": ("im", "im:read"),
    "mpims": ("mpim", "mpim:read"),
}


class RtmConnectParams(Params):
    # Accepted for compatibility: every client gets its workspace's presence changes.
    batch_presence_aware: SlackBool = False
    presence_sub: SlackBool = False


async def _socket_url(call: Call) -> str:
    """A single-use socket URL that resumes from now: as on Slack, the socket first sends
    the events that happened between this call and the connection (`since`, the log's
    position now; a client that appends its own `since` overrides it)."""
    realtime = call.services.realtime
    request = call.request
    base = websocket_base(call.services.settings, request.url.scheme, request.headers.get("host"))
    async with call.services.db.read() as session:
        since = await latest_seq(session, call.principal.workspace_id)
    url = await rtm_url(realtime, call.principal, base, realtime.config.ticket_ttl)
    return url if since is None else f"{url}&since={since}"


@api_method("rtm.connect", params=RtmConnectParams, tier=Tier.T1, response=RtmConnectResponse)
async def rtm_connect(call: Call, params: RtmConnectParams) -> dict[str, Any]:
    """Starts a Real Time Messaging session: a single-use WebSocket URL valid for a minute."""
    principal = call.principal
    return {
        "url": await _socket_url(call),
        "team": {
            "id": principal.workspace_id,
            "name": principal.team_name,
            "domain": principal.team_domain,
        },
        "self": {"id": principal.user_id, "name": principal.user_name},
    }


class RtmStartParams(RtmConnectParams):
    # Accepted as Slack does; channel objects never carry `latest` or unread counts (Slack
    # dropped them from rtm.start in 2017), so these change nothing.
    include_locale: SlackBool = False
    mpim_aware: SlackBool = False
    no_latest: SlackBool = False
    no_unreads: SlackBool = False
    simple_latest: SlackBool = False


async def _lists(
    session: AsyncSession, principal: Principal, *, mpim_aware: bool
) -> tuple[dict[str, Any], list[str]]:
    """users, channels, groups, ims (and mpims when asked), each capped; the names of the
    lists that were cut short."""
    lists: dict[str, Any] = {}
    truncated: list[str] = []
    if principal.has_scope("users:read"):
        users, more = await member_objects(
            session,
            principal.workspace_id,
            limit=LIST_CAP,
            include_email=principal.has_scope("users:read.email"),
        )
        lists["users"] = users
        if more:
            truncated.append("users")
    else:
        lists["users"] = []
    for name, (kind, scope) in LIST_SCOPES.items():
        if name == "mpims" and not mpim_aware:
            continue
        if not principal.has_scope(scope):
            lists[name] = []
            continue
        objects, more = await visible_conversations(session, principal, kind, limit=LIST_CAP)
        lists[name] = objects
        if more:
            truncated.append(name)
    return lists, truncated


@api_method(
    "rtm.start",
    params=RtmStartParams,
    tier=Tier.T1,
    errors=("invalid_auth",),
    response=RtmStartResponse,
)
async def rtm_start(call: Call, params: RtmStartParams) -> dict[str, Any]:
    """Starts a Real Time Messaging session with the workspace's users and conversations
    (the first 500 of each; page through users.list / conversations.list for the rest)."""
    principal = call.principal
    async with call.services.db.read() as session:
        workspace = await get_workspace(session, principal.workspace_id)
        me = await get_user(session, principal.workspace_id, principal.user_id)
        if workspace is None or me is None:
            raise ApiError("invalid_auth")
        lists, truncated = await _lists(session, principal, mpim_aware=params.mpim_aware)
    answer: dict[str, Any] = {
        "url": await _socket_url(call),
        "self": {
            "id": me.id,
            "name": me.name,
            "created": int(me.created.timestamp()),
            "prefs": {},
            "manual_presence": "away" if me.manual_presence == "away" else "active",
        },
        "team": team_object(workspace, call.services.settings.base_url),
        **lists,
        "bots": [],
        "cache_ts": unix_now(),
        "cache_version": "",
        "can_manage_shared_channels": False,
    }
    if truncated:
        # Slack's place for non-fatal notes: the lists cut at LIST_CAP.
        answer["response_metadata"] = {"warnings": [f"{name}_truncated" for name in truncated]}
    return answer
