"""rtm.connect: a short-lived URL for the real-time WebSocket (Slack's RTM and the web client)."""

from __future__ import annotations

from typing import Any

from parley.features.rtm.wire import RtmConnectResponse
from parley.platform.events.gateway import rtm_url, websocket_base
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackBool
from parley.platform.webapi.registry import Tier, api_method


class RtmConnectParams(Params):
    # Accepted for compatibility: every client gets its workspace's presence changes.
    batch_presence_aware: SlackBool = False
    presence_sub: SlackBool = False


@api_method("rtm.connect", params=RtmConnectParams, tier=Tier.T1, response=RtmConnectResponse)
async def rtm_connect(call: Call, params: RtmConnectParams) -> dict[str, Any]:
    """Starts a Real Time Messaging session: a single-use WebSocket URL valid for a minute."""
    principal = call.principal
    realtime = call.services.realtime
    request = call.request
    base = websocket_base(call.services.settings, request.url.scheme, request.headers.get("host"))
    url = await rtm_url(realtime, principal, base, realtime.config.ticket_ttl)
    return {
        "url": url,
        "team": {
            "id": principal.workspace_id,
            "name": principal.team_name,
            "domain": principal.team_domain,
        },
        "self": {"id": principal.user_id, "name": principal.user_name},
    }
