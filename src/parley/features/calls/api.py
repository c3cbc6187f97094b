"""huddles.*: Parley's own methods for huddles and DM calls (people, not apps).

Each handler runs one action in one transaction, then the media work that must follow
the commit (hang up endpoints, close rooms). Media signalling lives in `signalling.py`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.calls import actions, signalling, store
from parley.features.calls.media.engine import Jsep
from parley.features.calls.media.runtime import engine_for, ice_servers_for
from parley.features.calls.models import Call
from parley.features.conversations.interface import get_conversation, get_membership
from parley.platform.clock import unix_now
from parley.platform.errors import ApiError
from parley.platform.events.emit import conversation_audience
from parley.platform.visibility import can_read
from parley.platform.webapi.context import Call as ApiCall
from parley.platform.webapi.params import CsvList, JsonObject, NoParams, Params, SlackBool
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method

CHANNEL_ERRORS = ("channel_not_found", "no_active_huddle")
OWN = {"token_kinds": HUMAN_TOKEN_KINDS, "slack_compatible": False}


async def _huddle(call: ApiCall, huddle: Call) -> dict[str, Any]:
    async with call.services.db.read() as session:
        fresh = await store.get_call(session, huddle.workspace_id, huddle.id)
        return {"huddle": await actions.huddle_view(session, fresh or huddle)}


class ChannelParams(Params):
    channel: str | None = Field(default=None, max_length=32)


class JoinParams(ChannelParams):
    device_id: str = Field(default="", max_length=64)


@api_method(
    "huddles.start",
    params=JoinParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=(*CHANNEL_ERRORS, "is_archived", "huddle_full", "cannot_call_self"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_start(call: ApiCall, params: JoinParams) -> dict[str, Any]:
    """Starts a huddle in a conversation, or joins the live one (a DM or group DM rings).

    In a DM or group DM the other members' devices ring until one answers."""
    services = call.services
    engine = engine_for(services)
    async with services.db.read() as session:
        live = (
            await store.live_call_in(session, call.principal.workspace_id, params.channel)
            if params.channel
            else None
        )
        limit = await actions.max_huddle_size(session, call.principal.workspace_id)
    placement = (
        actions.Placement(None)
        if live is not None
        else await actions.place_call(engine, max_publishers=limit)
    )
    cleanup = actions.Cleanup(rooms=[placement.room] if placement.room else [])
    try:
        async with services.db.write() as uow:
            huddle, cleanup = await actions.check_start_huddle(
                uow,
                call.principal,
                params.channel,
                placement,
                actions.CallConfig.of(services.settings),
                device_id=params.device_id,
            )
    finally:
        await actions.run_cleanup(engine, cleanup)
    return await _huddle(call, huddle)


@api_method(
    "huddles.ring",
    params=JoinParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=(*CHANNEL_ERRORS, "method_not_supported_for_channel_type", "cannot_call_self"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_ring(call: ApiCall, params: JoinParams) -> dict[str, Any]:
    """Calls the other members of a DM or group DM: every device of theirs rings."""
    if not params.channel or not params.channel.startswith(("D", "G")):
        raise ApiError("method_not_supported_for_channel_type")
    async with call.services.db.read() as session:
        conversation = await get_conversation(session, call.principal.workspace_id, params.channel)
    if conversation is not None and conversation.kind not in actions.DM_KINDS:
        raise ApiError("method_not_supported_for_channel_type")
    return await huddles_start(call, params)


@api_method(
    "huddles.join",
    params=JoinParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=(*CHANNEL_ERRORS, "is_archived", "huddle_full", "not_invited"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_join(call: ApiCall, params: JoinParams) -> dict[str, Any]:
    """Joins the conversation's live huddle (again from a device: replaces its endpoint)."""
    engine = engine_for(call.services)
    cleanup = actions.Cleanup()
    try:
        async with call.services.db.write() as uow:
            huddle, cleanup = await actions.check_join_huddle(
                uow, call.principal, params.channel, device_id=params.device_id
            )
    finally:
        await actions.run_cleanup(engine, cleanup)
    return await _huddle(call, huddle)


async def _then_cleanup(call: ApiCall, step: Any) -> dict[str, Any]:
    engine = engine_for(call.services)
    async with call.services.db.write() as uow:
        huddle, cleanup = await step(uow)
    await actions.run_cleanup(engine, cleanup)
    return await _huddle(call, huddle)


@api_method(
    "huddles.leave",
    params=ChannelParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=(*CHANNEL_ERRORS, "not_in_huddle"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_leave(call: ApiCall, params: ChannelParams) -> dict[str, Any]:
    """Leaves the huddle; the last one out ends it (the start message shows a summary)."""
    return await _then_cleanup(
        call, lambda uow: actions.check_leave_huddle(uow, call.principal, params.channel)
    )


@api_method(
    "huddles.accept",
    params=JoinParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=(*CHANNEL_ERRORS, "not_invited", "not_ringing", "already_answered", "huddle_full"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_accept(call: ApiCall, params: JoinParams) -> dict[str, Any]:
    """Answers a ringing call from this device; the first device to answer wins."""
    return await _then_cleanup(
        call,
        lambda uow: actions.check_accept(
            uow, call.principal, params.channel, device_id=params.device_id
        ),
    )


@api_method(
    "huddles.decline",
    params=ChannelParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=(*CHANNEL_ERRORS, "not_invited", "not_ringing", "already_answered"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_decline(call: ApiCall, params: ChannelParams) -> dict[str, Any]:
    """Declines a ringing call (it ends when nobody is left to answer)."""
    return await _then_cleanup(
        call, lambda uow: actions.check_decline(uow, call.principal, params.channel)
    )


@api_method(
    "huddles.cancel",
    params=ChannelParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=(*CHANNEL_ERRORS, "not_caller", "not_ringing"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_cancel(call: ApiCall, params: ChannelParams) -> dict[str, Any]:
    """The caller hangs up before anyone answered."""
    return await _then_cleanup(
        call, lambda uow: actions.check_cancel(uow, call.principal, params.channel)
    )


@api_method(
    "huddles.info",
    params=ChannelParams,
    scopes=("calls:read",),
    tier=Tier.T4,
    errors=CHANNEL_ERRORS,
    **OWN,  # type: ignore[arg-type]
)
async def huddles_info(call: ApiCall, params: ChannelParams) -> dict[str, Any]:
    """The conversation's live huddle: state, participants, raised hands in order."""
    async with call.services.db.write() as uow:
        _, huddle = await actions.access_live_huddle(uow, call.principal, params.channel)
        return {"huddle": await actions.huddle_view(uow.session, huddle)}


@api_method(
    "huddles.list",
    params=NoParams,
    scopes=("calls:read",),
    tier=Tier.T3,
    **OWN,  # type: ignore[arg-type]
)
async def huddles_list(call: ApiCall, params: NoParams) -> dict[str, Any]:
    """Live huddles in the workspace, in conversations I may read ("huddle active")."""
    principal = call.principal
    huddles = []
    async with call.services.db.read() as session:
        for huddle in await store.live_calls(session, principal.workspace_id):
            if huddle.conversation_id is None:
                continue
            conversation = await get_conversation(
                session, principal.workspace_id, huddle.conversation_id
            )
            if conversation is None:
                continue
            membership = await get_membership(session, conversation.id, principal.user_id)
            if can_read(principal, conversation.kind, membership is not None):
                huddles.append(await actions.huddle_view(session, huddle))
    return {"huddles": huddles}


class UpdateParams(ChannelParams):
    muted: SlackBool | None = None
    camera: SlackBool | None = None
    screen: SlackBool | None = None
    hand: SlackBool | None = None


@api_method(
    "huddles.update",
    params=UpdateParams,
    scopes=("calls:write",),
    tier=Tier.T4,
    errors=(*CHANNEL_ERRORS, "not_in_huddle"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_update(call: ApiCall, params: UpdateParams) -> dict[str, Any]:
    """Changes my own mute, camera, screen share or raised hand."""
    async with call.services.db.write() as uow:
        participant = await actions.check_update_self(
            uow,
            call.principal,
            params.channel,
            muted=params.muted,
            camera=params.camera,
            screen=params.screen,
            hand=params.hand,
        )
        huddle = await store.get_call(uow.session, call.principal.workspace_id, participant.call_id)
    assert huddle is not None
    return await _huddle(call, huddle)


class ReactParams(ChannelParams):
    emoji: str = Field(default="", max_length=200)


@api_method(
    "huddles.react",
    params=ReactParams,
    scopes=("calls:write",),
    tier=Tier.T4,
    errors=(*CHANNEL_ERRORS, "not_in_huddle", "invalid_name", "ratelimited"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_react(call: ApiCall, params: ReactParams) -> dict[str, Any]:
    """An emoji reaction everyone in the conversation sees; not stored, rate-limited."""
    async with call.services.db.read() as session:
        huddle, payload = await actions.check_react(
            session, call.principal, params.channel, params.emoji
        )
    assert huddle.conversation_id is not None
    await call.services.realtime.bus.publish_ephemeral(
        huddle.workspace_id, payload, conversation_audience(huddle.conversation_id)
    )
    return {}


class TargetParams(ChannelParams):
    user: str | None = Field(default=None, max_length=32)


HOST_ERRORS = (*CHANNEL_ERRORS, "not_host", "user_not_found", "user_not_in_huddle")


@api_method(
    "huddles.mute",
    params=TargetParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=HOST_ERRORS,
    **OWN,  # type: ignore[arg-type]
)
async def huddles_mute(call: ApiCall, params: TargetParams) -> dict[str, Any]:
    """Host control: mutes a participant (the starter of the huddle or an admin)."""
    async with call.services.db.write() as uow:
        huddle, target = await actions.check_host_mute(
            uow, call.principal, params.channel, params.user
        )
    await signalling.host_mute_media(engine_for(call.services), huddle, target)
    return await _huddle(call, huddle)


@api_method(
    "huddles.remove",
    params=TargetParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=HOST_ERRORS,
    **OWN,  # type: ignore[arg-type]
)
async def huddles_remove(call: ApiCall, params: TargetParams) -> dict[str, Any]:
    """Host control: removes a participant from the huddle."""
    return await _then_cleanup(
        call,
        lambda uow: actions.check_host_remove(uow, call.principal, params.channel, params.user),
    )


@api_method(
    "huddles.lowerHands",
    params=TargetParams,
    scopes=("calls:write",),
    tier=Tier.T3,
    errors=HOST_ERRORS,
    **OWN,  # type: ignore[arg-type]
)
async def huddles_lower_hands(call: ApiCall, params: TargetParams) -> dict[str, Any]:
    """Host control: lowers one participant's hand, or every raised hand."""
    async with call.services.db.write() as uow:
        huddle = await actions.check_lower_hands(uow, call.principal, params.channel, params.user)
    return await _huddle(call, huddle)


class QualityParams(ChannelParams):
    # Decimal numbers as text (as getStats gives them); checked by the action.
    loss: str = Field(default="0", max_length=32)
    jitter_ms: str = Field(default="0", max_length=32)
    rtt_ms: str = Field(default="0", max_length=32)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ApiError("invalid_arguments") from None
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities
        raise ApiError("invalid_arguments")
    return value


@api_method(
    "huddles.reportQuality",
    params=QualityParams,
    scopes=("calls:write",),
    tier=Tier.T4,
    errors=(*CHANNEL_ERRORS, "not_in_huddle", "invalid_arguments"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_report_quality(call: ApiCall, params: QualityParams) -> dict[str, Any]:
    """A connection-quality sample from the client (loss 0..1, jitter and round trip in ms)."""
    async with call.services.db.write() as uow:
        await actions.check_report_quality(
            uow,
            call.principal,
            params.channel,
            loss=_number(params.loss),
            jitter_ms=_number(params.jitter_ms),
            rtt_ms=_number(params.rtt_ms),
        )
    return {}


# --- media signalling ----------------------------------------------------------------------

MEDIA_ERRORS = (
    *CHANNEL_ERRORS,
    "not_in_huddle",
    "media_unavailable",
    "media_error",
    "invalid_sdp",
)


def _jsep(jsep: Jsep) -> dict[str, Any]:
    return {"jsep": {"type": jsep.type, "sdp": jsep.sdp}}


class SdpParams(ChannelParams):
    sdp: str = Field(default="", max_length=100_000)


@api_method(
    "huddles.media.publish",
    params=SdpParams,
    scopes=("calls:write",),
    tier=Tier.T4,
    errors=MEDIA_ERRORS,
    **OWN,  # type: ignore[arg-type]
)
async def huddles_media_publish(call: ApiCall, params: SdpParams) -> dict[str, Any]:
    """Sends my offer (camera, microphone, screen) and returns the media server's answer.

    Publishing again renegotiates the same publisher: an ICE restart after a network change."""
    answer = await signalling.publish(
        call.services, engine_for(call.services), call.principal, params.channel, params.sdp
    )
    return _jsep(answer)


class SubscribeParams(ChannelParams):
    feeds: CsvList = Field(default_factory=list)


@api_method(
    "huddles.media.subscribe",
    params=SubscribeParams,
    scopes=("calls:write",),
    tier=Tier.T4,
    errors=(*MEDIA_ERRORS, "invalid_arguments"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_media_subscribe(call: ApiCall, params: SubscribeParams) -> dict[str, Any]:
    """Receives the given feeds; returns the media server's offer for me to answer."""
    try:
        feeds = [int(feed) for feed in params.feeds]
    except ValueError:
        raise ApiError("invalid_arguments") from None
    offer = await signalling.subscribe(
        call.services, engine_for(call.services), call.principal, params.channel, feeds
    )
    return _jsep(offer)


@api_method(
    "huddles.media.answer",
    params=SdpParams,
    scopes=("calls:write",),
    tier=Tier.T4,
    errors=(*MEDIA_ERRORS, "not_subscribed"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_media_answer(call: ApiCall, params: SdpParams) -> dict[str, Any]:
    """My answer to the media server's subscriber offer."""
    await signalling.answer(
        call.services, engine_for(call.services), call.principal, params.channel, params.sdp
    )
    return {}


class TrickleParams(ChannelParams):
    endpoint: str = Field(default="publisher", max_length=16)
    candidate: JsonObject = None
    completed: SlackBool = False


@api_method(
    "huddles.media.trickle",
    params=TrickleParams,
    scopes=("calls:write",),
    tier=Tier.T4,
    errors=(*MEDIA_ERRORS, "not_published", "not_subscribed", "invalid_arguments"),
    **OWN,  # type: ignore[arg-type]
)
async def huddles_media_trickle(call: ApiCall, params: TrickleParams) -> dict[str, Any]:
    """One ICE candidate for my publisher or subscriber (`completed`: gathering is done)."""
    if params.candidate is None and not params.completed:
        raise ApiError("invalid_arguments")
    await signalling.trickle(
        call.services,
        engine_for(call.services),
        call.principal,
        params.channel,
        params.endpoint,
        None if params.completed else params.candidate,
    )
    return {}


@api_method(
    "huddles.media.iceServers",
    params=NoParams,
    scopes=("calls:read",),
    tier=Tier.T3,
    **OWN,  # type: ignore[arg-type]
)
async def huddles_media_ice_servers(call: ApiCall, params: NoParams) -> dict[str, Any]:
    """STUN/TURN servers for my device, with credentials valid for `ttl` seconds."""
    servers, ttl = ice_servers_for(call.services).for_user(call.principal.user_id, now=unix_now())
    return {"ice_servers": [server.as_json() for server in servers], "ttl": ttl}
