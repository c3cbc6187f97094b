"""Media signalling for huddles: the device's SDP and ICE go to Parley, which relays them
through the media engine. No engine call runs inside a database transaction: each step
reads or writes the call state in its own short transaction around the engine call.

Errors a device can act on: `media_unavailable` (no media node for this call: chat and the
call state keep working), `media_error` (the node refused, with its reason), `invalid_sdp`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from parley.features.calls import actions, store
from parley.features.calls.media.engine import (
    Endpoint,
    Jsep,
    MediaEngine,
    MediaError,
    MediaEvent,
    MediaUnavailable,
    RoomRef,
)
from parley.features.calls.models import Call, CallParticipant
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.services import Services

MAX_SDP = 64_000
T = TypeVar("T")


def check_sdp(sdp: str) -> str:
    """A session description starts with its version line; anything else is not SDP."""
    if not sdp or len(sdp) > MAX_SDP or not sdp.lstrip().startswith("v=0"):
        raise ApiError("invalid_sdp")
    return sdp


async def relay(step: Callable[[], Awaitable[T]]) -> T:
    """One engine call, its failures told as Slack-style errors."""
    try:
        return await step()
    except MediaUnavailable:
        raise ApiError("media_unavailable") from None
    except MediaError as error:
        raise ApiError("media_error", reason=error.reason) from None


@dataclass(frozen=True)
class Seat:
    """The caller's place in a live huddle, as read before an engine call."""

    call: Call
    participant: CallParticipant
    room: RoomRef


async def my_seat(services: Services, principal: Principal, channel_id: str | None) -> Seat:
    async with services.db.write() as uow:
        _, call = await actions.access_live_huddle(uow, principal, channel_id)
        participant = await store.present_participant(
            uow.session, call.id, user_id=principal.user_id
        )
        if participant is None:
            raise ApiError("not_in_huddle")
        room = actions.room_of(call)
        if room is None:
            raise ApiError("media_unavailable")
        await actions.do_assign_feed(uow, call, participant)
    return Seat(call, participant, room)


async def _save_endpoint(
    services: Services, principal: Principal, call_id: str, role: str, endpoint: Endpoint
) -> bool:
    """Store the endpoint on the participant; False when they left meanwhile (the caller
    then hangs it up)."""
    async with services.db.write() as uow:
        participant = await store.present_participant(
            uow.session, call_id, user_id=principal.user_id
        )
        call = await store.get_call(uow.session, principal.workspace_id, call_id)
        if participant is None or call is None or call.state == "ended":
            return False
        setattr(participant, role, actions.endpoint_json(endpoint))
        await actions.do_back(uow, call, participant, "media")
    return True


async def publish(
    services: Services, engine: MediaEngine, principal: Principal, channel_id: str | None, sdp: str
) -> Jsep:
    """The device's offer for what it sends; the node's answer. Publishing again (an ICE
    restart after a network change) renegotiates the same publisher and keeps the
    participant inside the grace period."""
    offer = Jsep("offer", check_sdp(sdp))
    seat = await my_seat(services, principal, channel_id)
    existing = actions.endpoint_of(seat.participant.publisher)
    if existing is not None:
        answer = await relay(lambda: engine.republish(existing, offer))
        await _save_endpoint(services, principal, seat.call.id, "publisher", existing)
        return answer
    endpoint, answer = await relay(
        lambda: engine.publish(
            seat.room, feed=seat.participant.feed, display=principal.user_id, offer=offer
        )
    )
    if not await _save_endpoint(services, principal, seat.call.id, "publisher", endpoint):
        await engine.hang_up(endpoint)
        raise ApiError("not_in_huddle")
    return answer


async def subscribe(
    services: Services,
    engine: MediaEngine,
    principal: Principal,
    channel_id: str | None,
    feeds: list[int],
) -> Jsep:
    """Receive `feeds` (the others' publishers); the node's offer for the device to answer."""
    seat = await my_seat(services, principal, channel_id)
    old = actions.endpoint_of(seat.participant.subscriber)
    if old is not None:
        await actions.run_cleanup(engine, actions.Cleanup(endpoints=[old]))
    endpoint, offer = await relay(lambda: engine.subscribe(seat.room, feeds=feeds))
    if not await _save_endpoint(services, principal, seat.call.id, "subscriber", endpoint):
        await engine.hang_up(endpoint)
        raise ApiError("not_in_huddle")
    return offer


async def answer(
    services: Services, engine: MediaEngine, principal: Principal, channel_id: str | None, sdp: str
) -> None:
    jsep = Jsep("answer", check_sdp(sdp))
    seat = await my_seat(services, principal, channel_id)
    endpoint = actions.endpoint_of(seat.participant.subscriber)
    if endpoint is None:
        raise ApiError("not_subscribed")
    await relay(lambda: engine.answer(endpoint, jsep))


async def trickle(
    services: Services,
    engine: MediaEngine,
    principal: Principal,
    channel_id: str | None,
    role: str,
    candidate: dict[str, Any] | None,
) -> None:
    """One ICE candidate for the publisher or subscriber (`None`: gathering completed)."""
    if role not in {"publisher", "subscriber"}:
        raise ApiError("invalid_arguments")
    seat = await my_seat(services, principal, channel_id)
    endpoint = actions.endpoint_of(getattr(seat.participant, role))
    if endpoint is None:
        raise ApiError("not_published" if role == "publisher" else "not_subscribed")
    await relay(lambda: engine.trickle(endpoint, candidate))


async def host_mute_media(engine: MediaEngine, call: Call, participant: CallParticipant) -> None:
    """After a host mute commits: stop forwarding their audio (nothing to do without media)."""
    room = actions.room_of(call)
    if room is None or participant.feed == 0:
        return
    try:
        await engine.mute_feed(room, participant.feed, audio=True, video=False)
    except (MediaUnavailable, MediaError):
        return  # the flag is set and shown; the node is gone or the feed already left


# --- what the media nodes report ------------------------------------------------------------


async def on_media_event(services: Services, engine: MediaEngine, event: MediaEvent) -> None:
    """A lost node ends its calls cleanly (`media_server_lost`); an endpoint that went down
    starts the participant's grace period; one that came up ends it."""
    config = actions.CallConfig.of(services.settings)
    if event.kind == "node_down":
        async with services.db.read() as session:
            on_node = await store.calls_on_node(session, event.node_id)
        for workspace_id, call_id in on_node:
            cleanup = actions.Cleanup()
            async with services.db.write() as uow:
                call = await store.get_call(uow.session, workspace_id, call_id, for_update=True)
                if call is not None:
                    cleanup = await actions.do_end_call(uow, call, "media_server_lost")
            cleanup.rooms.clear()  # the node is gone: nothing to close there
            await actions.run_cleanup(engine, cleanup)
        return
    if event.kind not in {"down", "up"} or event.endpoint is None:
        return
    endpoint = event.endpoint
    async with services.db.write() as uow:
        participant = await store.participant_by_endpoint(
            uow.session, endpoint.node_id, endpoint.session, endpoint.handle
        )
        if participant is None:
            return
        call = await store.get_call(uow.session, participant.workspace_id, participant.call_id)
        if call is None:
            return
        if event.kind == "down":
            await actions.do_endpoint_down(uow, call, participant, config.grace_seconds)
        else:
            await actions.do_back(uow, call, participant, "media")
