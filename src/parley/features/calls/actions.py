"""Call state rules: the only writers of calls, participants and rings.

Every change runs in the caller's transaction and emits its event there. Media work (hang
up an endpoint, close a room) must not run inside a transaction: actions that end a stay
or a call return a `Cleanup` that the caller runs after commit (`run_cleanup`).

Lifecycle: a huddle in a channel is `active` from the start; a DM call is `ringing` until
a callee accepts (first accept wins), every callee declines, the caller cancels, or the
ring time passes (`missed`, with a "missed call" message). A call ends when the last
person leaves, when the media node it lives on is lost, or by `calls.end` for an app's
call; the start message then shows a summary.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from parley.features.calls import store
from parley.features.calls.media.engine import Endpoint, MediaEngine, RoomRef
from parley.features.calls.models import Call, CallParticipant, CallQuality, CallRing
from parley.features.calls.schemas import call_object, huddle_object, participant_object
from parley.features.conversations.interface import (
    Access,
    access_conversation,
    get_conversation,
    require_not_archived,
)
from parley.features.messages.interface import (
    do_post_message,
    do_update_message,
    get_message_for_update,
)
from parley.platform.auth.principal import Principal
from parley.platform.clock import event_ts, unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import conversation_audience, emit, users_audience
from parley.platform.ids import looks_like, new_id
from parley.platform.settings import Settings
from parley.platform.spaces import Conversation
from parley.platform.tenancy import Workspace
from parley.platform.visibility import member_ids

DM_KINDS = frozenset({"im", "mpim"})
DEFAULT_MAX_HUDDLE = 50
REACTIONS_PER_WINDOW = 10
REACTION_WINDOW_SECONDS = 10.0


@dataclass(frozen=True)
class CallConfig:
    """Timings of the call rules (seconds), from `Settings.extra`."""

    ring_seconds: int = 45
    grace_seconds: int = 15

    @classmethod
    def of(cls, settings: Settings) -> CallConfig:
        extra = settings.extra
        return cls(
            ring_seconds=int(extra.get("call_ring_seconds", cls.ring_seconds)),
            grace_seconds=int(extra.get("call_grace_seconds", cls.grace_seconds)),
        )


@dataclass
class Cleanup:
    """Media work to do after the transaction commits."""

    endpoints: list[Endpoint] = field(default_factory=list)
    rooms: list[RoomRef] = field(default_factory=list)

    def add(self, other: Cleanup) -> None:
        self.endpoints.extend(other.endpoints)
        self.rooms.extend(other.rooms)


@dataclass(frozen=True)
class Placement:
    """Where a new call's media lives (None: no media node could take it)."""

    room: RoomRef | None


async def run_cleanup(engine: MediaEngine, cleanup: Cleanup) -> None:
    """Hang up and close; a node that fails here is already gone, so errors are ignored."""
    for endpoint in cleanup.endpoints:
        try:
            await engine.hang_up(endpoint)
        except Exception:  # noqa: S112 - best effort: the room closes anyway
            continue
    for room in cleanup.rooms:
        try:
            await engine.close_room(room)
        except Exception:  # noqa: S112
            continue


async def place_call(engine: MediaEngine, *, max_publishers: int) -> Placement:
    """A room on the least-loaded healthy node; no room when there is none (the call's
    state still works, its media methods answer `media_unavailable`)."""
    try:
        healthy = [node for node in await engine.nodes() if node.healthy]
        if not healthy:
            return Placement(None)
        best = min(healthy, key=lambda n: (n.participants, n.rooms, n.node_id))
        return Placement(
            await engine.open_room(best.node_id, max_publishers=max_publishers, audio_only=False)
        )
    except Exception:  # an unreachable node must not stop the huddle itself
        return Placement(None)


def endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "node_id": endpoint.node_id,
        "session": endpoint.session,
        "handle": endpoint.handle,
        "role": endpoint.role,
    }


def endpoint_of(data: dict[str, Any] | None) -> Endpoint | None:
    if not data:
        return None
    return Endpoint(
        node_id=str(data["node_id"]),
        session=int(data["session"]),
        handle=int(data["handle"]),
        role="subscriber" if data.get("role") == "subscriber" else "publisher",
    )


def room_of(call: Call) -> RoomRef | None:
    if call.node_id is None or call.room is None:
        return None
    return RoomRef(call.node_id, call.room)


# --- reading -----------------------------------------------------------------------------


async def huddle_view(uow_session: Any, call: Call) -> dict[str, Any]:
    present = await store.participants(uow_session, call.id)
    rings = await store.rings_of(uow_session, call.id) if call.kind == "dm" else ()
    return huddle_object(call, present, rings)


async def max_huddle_size(session: Any, workspace_id: str) -> int:
    """The workspace's limit (`settings.huddle_max_size`, default 50)."""
    workspace = await session.get(Workspace, workspace_id)
    value = (workspace.settings or {}).get("huddle_max_size") if workspace else None
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_MAX_HUDDLE


async def access_call(
    session: Any, principal: Principal, call_id: str | None, *, for_update: bool = False
) -> Call:
    """A call of the caller's workspace in a conversation they may read (or an app's call
    with no conversation); anything else is `invalid_call_id`."""
    if not call_id or not looks_like(call_id, "R"):
        raise ApiError("invalid_call_id")
    call = await store.get_call(session, principal.workspace_id, call_id, for_update=for_update)
    if call is None:
        raise ApiError("invalid_call_id")
    if call.conversation_id is not None:
        try:
            await access_conversation(session, principal, call.conversation_id)
        except ApiError:
            raise ApiError("invalid_call_id") from None
    return call


async def access_live_huddle(
    uow: UnitOfWork, principal: Principal, channel_id: str | None
) -> tuple[Access, Call]:
    """The live huddle of a conversation the caller may read (`no_active_huddle` if none)."""
    access = await access_conversation(uow.session, principal, channel_id)
    call = await store.live_call_in(
        uow.session, principal.workspace_id, access.conversation.id, for_update=True
    )
    if call is None:
        raise ApiError("no_active_huddle")
    return access, call


async def _present_self(uow: UnitOfWork, call: Call, user_id: str) -> CallParticipant:
    participant = await store.present_participant(uow.session, call.id, user_id=user_id)
    if participant is None:
        raise ApiError("not_in_huddle")
    return participant


def _is_host(principal: Principal, call: Call) -> bool:
    return principal.is_admin or call.started_by == principal.user_id


# --- events ------------------------------------------------------------------------------


async def _announce(
    uow: UnitOfWork, kind: str, call: Call, extra: dict[str, Any] | None = None
) -> None:
    """A call event to the members of the call's conversation."""
    if call.conversation_id is None:
        return
    payload: dict[str, Any] = {
        "type": kind,
        "call_id": call.id,
        "channel": call.conversation_id,
        "call": await huddle_view(uow.session, call),
        "event_ts": event_ts(),
        **(extra or {}),
    }
    await emit(uow, call.workspace_id, payload, conversation_audience(call.conversation_id))


async def _to_callees(
    uow: UnitOfWork, kind: str, call: Call, user_ids: list[str], extra: dict[str, Any]
) -> None:
    """Ringing events go to the callees' own sockets: every device they have open."""
    if not user_ids:
        return
    payload: dict[str, Any] = {
        "type": kind,
        "call_id": call.id,
        "channel": call.conversation_id,
        "event_ts": event_ts(),
        **extra,
    }
    await emit(uow, call.workspace_id, payload, users_audience(user_ids))


# --- messages ----------------------------------------------------------------------------


def _call_block(call: Call, present: Sequence[CallParticipant]) -> dict[str, Any]:
    """Slack's `{"type": "call", "call_id": …}` with the rendered call object, so clients
    draw the call from the message alone."""
    body = call_object(call, present)
    body.update({"is_dm_call": call.kind == "dm", "has_ended": call.state == "ended"})
    return {"type": "call", "call_id": call.id, "call": {"v1": body}}


async def _conversation(uow: UnitOfWork, call: Call) -> Conversation | None:
    if call.conversation_id is None:
        return None
    return await get_conversation(uow.session, call.workspace_id, call.conversation_id)


async def _post_start_message(uow: UnitOfWork, call: Call, conversation: Conversation) -> None:
    """The message that shows the huddle; its thread is the huddle's chat."""
    present = await store.participants(uow.session, call.id)
    message = await do_post_message(
        uow,
        conversation,
        user_id=call.started_by,
        text="A huddle started",
        subtype="huddle_thread",
        blocks=[_call_block(call, present)],
    )
    call.message_ts = message.ts


def _duration_text(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


async def _summarise(uow: UnitOfWork, call: Call) -> None:
    """The start message becomes the summary: how long, and who took part."""
    conversation = await _conversation(uow, call)
    if conversation is None or call.message_ts is None:
        return
    message = await get_message_for_update(uow.session, conversation.id, call.message_ts)
    if message is None or message.is_deleted:
        return
    stays = await store.participants(uow.session, call.id, present_only=False)
    people: list[str] = []
    for stay in stays:
        who = f"<@{stay.user_id}>" if stay.user_id else stay.display_name or "a guest"
        if who not in people:
            people.append(who)
    duration = _duration_text(call.date_end - call.date_start)
    text = f"Huddle ended after {duration}. Took part: {', '.join(people) or 'nobody'}"
    block = _call_block(call, [])
    block["call"]["v1"]["duration"] = call.date_end - call.date_start
    block["call"]["v1"]["all_participants"] = [
        {"slack_id": s.user_id} if s.user_id else {"external_id": s.external_id} for s in stays
    ]
    await do_update_message(
        uow,
        conversation,
        message,
        editor_id=call.started_by,
        text=text,
        blocks=[block],
        attachments=None,
    )


async def _post_missed_call(uow: UnitOfWork, call: Call) -> None:
    conversation = await _conversation(uow, call)
    if conversation is None:
        return
    await do_post_message(
        uow,
        conversation,
        user_id=call.started_by,
        text=f"Missed call from <@{call.started_by}>",
        blocks=[_call_block(call, [])],
    )


# --- joining and leaving -------------------------------------------------------------------


async def _add_participant(
    uow: UnitOfWork, call: Call, user_id: str, device_id: str
) -> tuple[CallParticipant, Cleanup]:
    """The member joins from `device_id`. Already in the call (this device or another):
    the same participant moves to the new device and its old endpoints are hung up."""
    cleanup = Cleanup()
    existing = await store.present_participant(uow.session, call.id, user_id=user_id)
    if existing is not None:
        cleanup.endpoints.extend(
            e for e in (endpoint_of(existing.publisher), endpoint_of(existing.subscriber)) if e
        )
        existing.device_id = device_id
        existing.publisher = existing.subscriber = None
        existing.gone_deadline, existing.gone_cause = 0, ""
        await uow.session.flush()
        await _announce(
            uow, "call_participant_updated", call, {"user": participant_object(existing)}
        )
        return existing, cleanup
    size = await store.present_count(uow.session, call.id)
    if size >= await max_huddle_size(uow.session, call.workspace_id):
        raise ApiError("huddle_full")
    participant = CallParticipant(
        call_id=call.id,
        workspace_id=call.workspace_id,
        user_id=user_id,
        device_id=device_id,
        joined_at=unix_now(),
        left_at=0,
        leave_reason="",
        feed=0,
        muted=False,
        camera=False,
        screen=False,
        hand_raised_at=0,
        gone_deadline=0,
        gone_cause="",
        display_name="",
        avatar_url="",
    )
    uow.session.add(participant)
    await uow.session.flush()
    await _announce(uow, "call_participant_joined", call, {"user": participant_object(participant)})
    return participant, cleanup


async def do_leave(
    uow: UnitOfWork, call: Call, participant: CallParticipant, reason: str
) -> Cleanup:
    """One stay ends; the last one out ends the call."""
    cleanup = Cleanup()
    cleanup.endpoints.extend(
        e for e in (endpoint_of(participant.publisher), endpoint_of(participant.subscriber)) if e
    )
    participant.left_at = unix_now()
    participant.leave_reason = reason
    participant.publisher = participant.subscriber = None
    participant.gone_deadline, participant.gone_cause = 0, ""
    participant.hand_raised_at = 0
    await uow.session.flush()
    await _announce(
        uow,
        "call_participant_left",
        call,
        {"user": participant_object(participant), "reason": reason},
    )
    if call.state == "ringing" and participant.user_id == call.started_by:
        cleanup.add(await do_end_call(uow, call, "cancelled"))
    elif (
        call.state != "ended"
        and call.kind != "app"
        and await store.present_count(uow.session, call.id) == 0
    ):
        cleanup.add(await do_end_call(uow, call, "last_left"))
    return cleanup


async def do_end_call(uow: UnitOfWork, call: Call, reason: str) -> Cleanup:
    """The call ends for everyone: stays close, rings stop, the room closes after commit,
    the start message shows the summary. Ending an ended call does nothing."""
    cleanup = Cleanup()
    if call.state == "ended":
        return cleanup
    now = unix_now()
    for participant in await store.participants(uow.session, call.id):
        cleanup.endpoints.extend(
            e
            for e in (endpoint_of(participant.publisher), endpoint_of(participant.subscriber))
            if e
        )
        participant.left_at, participant.leave_reason = now, reason
        participant.publisher = participant.subscriber = None
        participant.gone_deadline, participant.gone_cause = 0, ""
    stopped = []
    for ring in await store.rings_of(uow.session, call.id):
        if ring.state == "ringing":
            ring.state = "missed" if reason == "missed" else "cancelled"
            ring.updated = now
            stopped.append(ring.user_id)
    call.state, call.date_end, call.end_reason, call.ring_deadline = "ended", now, reason, 0
    room = room_of(call)
    if room is not None:
        cleanup.rooms.append(room)
    await uow.session.flush()
    await _to_callees(uow, "call_ring_stopped", call, stopped, {"reason": reason})
    await _announce(uow, "call_ended", call, {"reason": reason})
    await _summarise(uow, call)
    return cleanup


async def check_start_huddle(
    uow: UnitOfWork,
    principal: Principal,
    channel_id: str | None,
    placement: Placement,
    config: CallConfig,
    *,
    device_id: str = "",
) -> tuple[Call, Cleanup]:
    """Start a huddle in a conversation the caller may read, or join the one already live.
    In a DM or group DM it rings the other members instead (`ringing` until accepted)."""
    access = await access_conversation(uow.session, principal, channel_id, for_update=True)
    conversation = access.conversation
    require_not_archived(conversation)
    cleanup = Cleanup()
    live = await store.live_call_in(
        uow.session, principal.workspace_id, conversation.id, for_update=True
    )
    if live is not None:
        if placement.room is not None:
            cleanup.rooms.append(placement.room)  # not needed: the live call has its own
        ring = await store.get_ring(uow.session, live.id, principal.user_id)
        if ring is not None and ring.state == "ringing":
            _, more = await do_accept(uow, live, ring, device_id)
        else:
            _, more = await _add_participant(uow, live, principal.user_id, device_id)
        cleanup.add(more)
        return live, cleanup
    is_dm = conversation.kind in DM_KINDS
    now = unix_now()
    call = Call(
        id=new_id("R"),
        workspace_id=principal.workspace_id,
        conversation_id=conversation.id,
        kind="dm" if is_dm else "huddle",
        state="ringing" if is_dm else "active",
        started_by=principal.user_id,
        date_start=now,
        date_end=0,
        end_reason="",
        node_id=placement.room.node_id if placement.room else None,
        room=placement.room.room if placement.room else None,
        next_feed=1,
        ring_deadline=now + config.ring_seconds if is_dm else 0,
        external_unique_id="",
        join_url="",
        desktop_app_join_url="",
        external_display_id="",
        title="",
    )
    uow.session.add(call)
    await uow.session.flush()
    if is_dm:
        callees = [
            u for u in await member_ids(uow.session, conversation.id) if u != principal.user_id
        ]
        if not callees:
            raise ApiError("cannot_call_self")
        for user_id in callees:
            uow.session.add(
                CallRing(
                    call_id=call.id,
                    user_id=user_id,
                    workspace_id=call.workspace_id,
                    state="ringing",
                    device_id="",
                    updated=now,
                )
            )
        await uow.session.flush()
        await _announce(uow, "call_started", call)
        await _add_participant(uow, call, principal.user_id, device_id)
        await _to_callees(
            uow,
            "call_ringing",
            call,
            callees,
            {"user": {"slack_id": principal.user_id}, "call": await huddle_view(uow.session, call)},
        )
        return call, cleanup
    await _add_participant(uow, call, principal.user_id, device_id)
    await _post_start_message(uow, call, conversation)
    await uow.session.flush()
    await _announce(uow, "call_started", call)
    return call, cleanup


async def check_join_huddle(
    uow: UnitOfWork, principal: Principal, channel_id: str | None, *, device_id: str = ""
) -> tuple[Call, Cleanup]:
    """Join the live huddle of a conversation the caller may read (guests: only where they
    are members, the visibility rule). Joining again from a device replaces the endpoint."""
    access, call = await access_live_huddle(uow, principal, channel_id)
    require_not_archived(access.conversation)
    if call.state == "ringing":
        ring = await store.get_ring(uow.session, call.id, principal.user_id)
        if ring is None:
            if await store.present_participant(uow.session, call.id, user_id=principal.user_id):
                _, cleanup = await _add_participant(uow, call, principal.user_id, device_id)
                return call, cleanup
            raise ApiError("not_invited")
        _, cleanup = await do_accept(uow, call, ring, device_id)
        return call, cleanup
    _, cleanup = await _add_participant(uow, call, principal.user_id, device_id)
    return call, cleanup


async def check_leave_huddle(
    uow: UnitOfWork, principal: Principal, channel_id: str | None
) -> tuple[Call, Cleanup]:
    _, call = await access_live_huddle(uow, principal, channel_id)
    participant = await _present_self(uow, call, principal.user_id)
    return call, await do_leave(uow, call, participant, "left")


# --- ringing -----------------------------------------------------------------------------


async def do_accept(
    uow: UnitOfWork, call: Call, ring: CallRing, device_id: str
) -> tuple[CallParticipant, Cleanup]:
    """The first device to accept wins; the callee's other devices are told which one did
    (`answered_elsewhere` for them). The call becomes active and gets its message."""
    ring.state, ring.device_id, ring.updated = "accepted", device_id, unix_now()
    participant, cleanup = await _add_participant(uow, call, ring.user_id, device_id)
    await _to_callees(
        uow,
        "call_ring_stopped",
        call,
        [ring.user_id],
        {"reason": "answered", "device_id": device_id},
    )
    if call.state == "ringing":
        call.state = "active"
        conversation = await _conversation(uow, call)
        if conversation is not None:
            await _post_start_message(uow, call, conversation)
        await uow.session.flush()
        await _announce(uow, "call_participant_updated", call, {"reason": "accepted"})
    return participant, cleanup


async def _ringing_for(
    uow: UnitOfWork, principal: Principal, channel_id: str | None
) -> tuple[Call, CallRing]:
    _, call = await access_live_huddle(uow, principal, channel_id)
    ring = await store.get_ring(uow.session, call.id, principal.user_id)
    if ring is None:
        raise ApiError("not_invited")
    if ring.state == "accepted":
        raise ApiError("already_answered", device_id=ring.device_id)
    if ring.state != "ringing":
        raise ApiError("not_ringing")
    return call, ring


async def check_accept(
    uow: UnitOfWork, principal: Principal, channel_id: str | None, *, device_id: str = ""
) -> tuple[Call, Cleanup]:
    """A callee's device accepts; a second device accepting gets `already_answered`."""
    call, ring = await _ringing_for(uow, principal, channel_id)
    _, cleanup = await do_accept(uow, call, ring, device_id)
    return call, cleanup


async def check_decline(
    uow: UnitOfWork, principal: Principal, channel_id: str | None
) -> tuple[Call, Cleanup]:
    """A callee declines; when nobody is left to answer a ringing call, it ends."""
    call, ring = await _ringing_for(uow, principal, channel_id)
    ring.state, ring.updated = "declined", unix_now()
    await uow.session.flush()
    await _to_callees(uow, "call_ring_stopped", call, [ring.user_id], {"reason": "declined"})
    await _announce(uow, "call_participant_updated", call, {"reason": "declined"})
    rings = await store.rings_of(uow.session, call.id)
    cleanup = Cleanup()
    if call.state == "ringing" and all(r.state == "declined" for r in rings):
        cleanup = await do_end_call(uow, call, "declined")
    return call, cleanup


async def check_cancel(
    uow: UnitOfWork, principal: Principal, channel_id: str | None
) -> tuple[Call, Cleanup]:
    """The caller hangs up before anyone answered."""
    _, call = await access_live_huddle(uow, principal, channel_id)
    if call.started_by != principal.user_id:
        raise ApiError("not_caller")
    if call.state != "ringing":
        raise ApiError("not_ringing")
    return call, await do_end_call(uow, call, "cancelled")


async def do_ring_timeout(uow: UnitOfWork, call: Call) -> Cleanup:
    """The ring time is over: callees still ringing missed it; a call nobody answered ends
    with a "missed call" message in the DM."""
    cleanup = Cleanup()
    if call.state == "ended" or call.ring_deadline == 0:
        return cleanup
    missed = []
    for ring in await store.rings_of(uow.session, call.id):
        if ring.state == "ringing":
            ring.state, ring.updated = "missed", unix_now()
            missed.append(ring.user_id)
    call.ring_deadline = 0
    await uow.session.flush()
    await _to_callees(uow, "call_ring_stopped", call, missed, {"reason": "missed"})
    if call.state == "ringing":
        cleanup = await do_end_call(uow, call, "missed")
        await _post_missed_call(uow, call)
    return cleanup


# --- in the call ---------------------------------------------------------------------------


async def check_update_self(
    uow: UnitOfWork,
    principal: Principal,
    channel_id: str | None,
    *,
    muted: bool | None = None,
    camera: bool | None = None,
    screen: bool | None = None,
    hand: bool | None = None,
) -> CallParticipant:
    """My own flags: mute, camera, screen share, hand (raised hands keep their order)."""
    _, call = await access_live_huddle(uow, principal, channel_id)
    participant = await _present_self(uow, call, principal.user_id)
    if muted is not None:
        participant.muted = muted
    if camera is not None:
        participant.camera = camera
    if screen is not None:
        participant.screen = screen
    if hand is not None and hand != (participant.hand_raised_at > 0):
        participant.hand_raised_at = time.time_ns() // 1000 if hand else 0
    await uow.session.flush()
    await _announce(
        uow, "call_participant_updated", call, {"user": participant_object(participant)}
    )
    return participant


def _require_host(principal: Principal, call: Call) -> None:
    if not _is_host(principal, call):
        raise ApiError("not_host")


async def _target(
    uow: UnitOfWork, principal: Principal, call: Call, user_id: str | None
) -> CallParticipant:
    if not user_id or not looks_like(user_id, "U", "W"):
        raise ApiError("user_not_found")
    participant = await store.present_participant(uow.session, call.id, user_id=user_id)
    if participant is None:
        raise ApiError("user_not_in_huddle")
    return participant


async def check_host_mute(
    uow: UnitOfWork, principal: Principal, channel_id: str | None, user_id: str | None
) -> tuple[Call, CallParticipant]:
    """The host (starter, or a workspace admin) mutes someone; the media engine stops
    forwarding their audio after commit (`Call`/participant returned for that)."""
    _, call = await access_live_huddle(uow, principal, channel_id)
    _require_host(principal, call)
    participant = await _target(uow, principal, call, user_id)
    participant.muted = True
    await uow.session.flush()
    await _announce(
        uow,
        "call_participant_updated",
        call,
        {"user": participant_object(participant), "reason": "muted_by_host"},
    )
    return call, participant


async def check_host_remove(
    uow: UnitOfWork, principal: Principal, channel_id: str | None, user_id: str | None
) -> tuple[Call, Cleanup]:
    _, call = await access_live_huddle(uow, principal, channel_id)
    _require_host(principal, call)
    participant = await _target(uow, principal, call, user_id)
    return call, await do_leave(uow, call, participant, "removed")


async def check_lower_hands(
    uow: UnitOfWork, principal: Principal, channel_id: str | None, user_id: str | None
) -> Call:
    """The host lowers one person's hand, or everyone's when no user is named."""
    _, call = await access_live_huddle(uow, principal, channel_id)
    _require_host(principal, call)
    targets = (
        [await _target(uow, principal, call, user_id)]
        if user_id
        else [p for p in await store.participants(uow.session, call.id) if p.hand_raised_at]
    )
    for participant in targets:
        participant.hand_raised_at = 0
    await uow.session.flush()
    await _announce(uow, "call_participant_updated", call, {"reason": "hands_lowered"})
    return call


_RECENT_REACTIONS: dict[tuple[str, str], deque[float]] = {}


def check_reaction_rate(call_id: str, user_id: str, now: float | None = None) -> None:
    """At most REACTIONS_PER_WINDOW per person and call in REACTION_WINDOW_SECONDS (per
    node: reactions are ephemeral, a limit per node is enough to stop a flood)."""
    moment = time.monotonic() if now is None else now
    recent = _RECENT_REACTIONS.setdefault((call_id, user_id), deque())
    while recent and moment - recent[0] > REACTION_WINDOW_SECONDS:
        recent.popleft()
    if len(recent) >= REACTIONS_PER_WINDOW:
        raise ApiError("ratelimited")
    if len(_RECENT_REACTIONS) > 10_000:
        _RECENT_REACTIONS.clear()
        recent = _RECENT_REACTIONS.setdefault((call_id, user_id), deque())
    recent.append(moment)


async def check_react(
    session: Any, principal: Principal, channel_id: str | None, emoji: str
) -> tuple[Call, dict[str, Any]]:
    """An emoji reaction in the call: checked and rate-limited, never stored; the caller
    publishes the returned payload as an ephemeral event."""
    name = emoji.strip().strip(":")
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise ApiError("invalid_name")
    access = await access_conversation(session, principal, channel_id)
    call = await store.live_call_in(session, principal.workspace_id, access.conversation.id)
    if call is None:
        raise ApiError("no_active_huddle")
    if await store.present_participant(session, call.id, user_id=principal.user_id) is None:
        raise ApiError("not_in_huddle")
    check_reaction_rate(call.id, principal.user_id)
    payload = {
        "type": "call_reaction",
        "call_id": call.id,
        "channel": call.conversation_id,
        "user": {"slack_id": principal.user_id},
        "reaction": name,
        "event_ts": event_ts(),
    }
    return call, payload


async def check_report_quality(
    uow: UnitOfWork,
    principal: Principal,
    channel_id: str | None,
    *,
    loss: float,
    jitter_ms: float,
    rtt_ms: float,
) -> CallQuality:
    """A sample from the client's getStats, for the admin view (loss is a fraction 0..1)."""
    if (
        not (0.0 <= loss <= 1.0)
        or not (0.0 <= jitter_ms <= 60_000)
        or not (0.0 <= rtt_ms <= 60_000)
    ):
        raise ApiError("invalid_arguments")
    _, call = await access_live_huddle(uow, principal, channel_id)
    participant = await _present_self(uow, call, principal.user_id)
    sample = CallQuality(
        call_id=call.id,
        workspace_id=call.workspace_id,
        user_id=principal.user_id,
        device_id=participant.device_id,
        at=unix_now(),
        loss=loss,
        jitter_ms=jitter_ms,
        rtt_ms=rtt_ms,
    )
    uow.session.add(sample)
    await uow.session.flush()
    return sample


# --- media endpoints and faults -----------------------------------------------------------


async def do_assign_feed(uow: UnitOfWork, call: Call, participant: CallParticipant) -> int:
    """The participant's publisher id in the room, unique within the call."""
    if participant.feed == 0:
        participant.feed = call.next_feed
        call.next_feed += 1
        await uow.session.flush()
    return participant.feed


async def do_endpoint_down(
    uow: UnitOfWork, call: Call, participant: CallParticipant, grace_seconds: int
) -> None:
    """A participant's connection failed: they have `grace_seconds` to come back (an ICE
    restart by republishing) before they are marked gone."""
    if participant.gone_deadline == 0:
        participant.gone_deadline = unix_now() + grace_seconds
        participant.gone_cause = "media"
        await uow.session.flush()
        await _announce(
            uow,
            "call_participant_updated",
            call,
            {"user": participant_object(participant), "reason": "reconnecting"},
        )


async def do_back(uow: UnitOfWork, call: Call, participant: CallParticipant, cause: str) -> None:
    """The participant is back within the grace period (media again, or a socket)."""
    if participant.gone_deadline and participant.gone_cause == cause:
        participant.gone_deadline, participant.gone_cause = 0, ""
        await uow.session.flush()
        await _announce(
            uow,
            "call_participant_updated",
            call,
            {"user": participant_object(participant), "reason": "reconnected"},
        )


async def do_socket_gone(
    uow: UnitOfWork, call: Call, participant: CallParticipant, grace_seconds: int
) -> None:
    """The member has no socket open any more: gone after the grace unless one comes back."""
    if participant.gone_deadline == 0:
        participant.gone_deadline = unix_now() + grace_seconds
        participant.gone_cause = "socket"
        await uow.session.flush()


class LiveHuddlesOfCalls:
    """ "Huddle active" for conversations.info (the conversations feature's hook)."""

    async def live_huddle(
        self, session: Any, workspace_id: str, conversation_id: str
    ) -> dict[str, Any] | None:
        call = await store.live_call_in(session, workspace_id, conversation_id)
        if call is None:
            return None
        present = await store.participants(session, call.id)
        return {
            "id": call.id,
            "state": call.state,
            "date_start": call.date_start,
            "participants": [p.user_id for p in present if p.user_id],
        }
