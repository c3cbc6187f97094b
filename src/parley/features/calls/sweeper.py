"""The calls' durable timers: rings that time out, participants whose grace is over, and
members whose every socket closed. The deadlines are columns (`calls.ring_deadline`,
`call_participants.gone_deadline`), so a restart or another node picks them up: one node
sweeps at a time under the lease `calls-sweeper` (like the message scheduler), and each
step re-reads its row in the transaction that changes it, so two sweeps never double up.

The media event listener runs on every node (each node's engine reports what it sees);
handling an event twice changes nothing the second time.
"""

from __future__ import annotations

import asyncio
import logging

from parley.features.calls import actions, signalling, store
from parley.features.calls.media.engine import MediaEngine, MediaEvent
from parley.features.calls.media.runtime import engine_for
from parley.features.calls.models import CallParticipant
from parley.platform.clock import unix_now
from parley.platform.leadership import leadership
from parley.platform.services import Services

log = logging.getLogger("parley.calls")

TICK_SECONDS = 1.0
LEASE_NAME = "calls-sweeper"
LEASE_SECONDS = 15.0


async def sweep_rings(services: Services, engine: MediaEngine, now: int | None = None) -> int:
    """Time out every ring due at `now`; returns how many calls it touched."""
    async with services.db.read() as session:
        due = await store.due_rings(session, unix_now() if now is None else now)
    for workspace_id, call_id in due:
        async with services.db.write() as uow:
            call = await store.get_call(uow.session, workspace_id, call_id, for_update=True)
            cleanup = (
                await actions.do_ring_timeout(uow, call) if call is not None else actions.Cleanup()
            )
        await actions.run_cleanup(engine, cleanup)
    return len(due)


async def sweep_gone(services: Services, engine: MediaEngine, now: int | None = None) -> int:
    """Participants whose grace period ended without coming back leave (`connection_lost`)."""
    moment = unix_now() if now is None else now
    async with services.db.read() as session:
        due = await store.due_gone(session, moment)
    left = 0
    for workspace_id, call_id, participant_id in due:
        async with services.db.write() as uow:
            call = await store.get_call(uow.session, workspace_id, call_id, for_update=True)
            participant = await uow.session.get(CallParticipant, participant_id)
            cleanup = actions.Cleanup()
            if (
                call is not None
                and participant is not None
                and participant.left_at == 0
                and 0 < participant.gone_deadline <= moment
            ):
                cleanup = await actions.do_leave(uow, call, participant, "connection_lost")
                left += 1
        await actions.run_cleanup(engine, cleanup)
    return left


async def sweep_sockets(services: Services) -> None:
    """A member in a call with no socket open on any node starts the grace period; one
    whose socket came back stops it. Never a stuck "in a call" state after a browser closes."""
    config = actions.CallConfig.of(services.settings)
    async with services.db.read() as session:
        present = await store.present_members(session)
    for row in present:
        if row.user_id is None:
            continue
        view = await services.realtime.presence_view(row.user_id, "auto")
        connected = view.connection_count > 0
        if connected == (row.gone_cause != "socket"):
            continue
        async with services.db.write() as uow:
            participant = await uow.session.get(CallParticipant, row.id)
            call = await store.get_call(uow.session, row.workspace_id, row.call_id)
            if participant is None or call is None or participant.left_at:
                continue
            if connected:
                await actions.do_back(uow, call, participant, "socket")
            else:
                await actions.do_socket_gone(uow, call, participant, config.grace_seconds)


async def run_sweeper(services: Services) -> None:
    """The worker: once this node leads, sweep every tick; forever."""
    engine = engine_for(services)
    async with leadership(services.db, LEASE_NAME, lease_seconds=LEASE_SECONDS):
        while True:
            try:
                await sweep_rings(services, engine)
                await sweep_sockets(services)
                await sweep_gone(services, engine)
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not stop the timers
                log.exception("calls sweep failed; retrying")
            await asyncio.sleep(TICK_SECONDS)


async def run_media_listener(services: Services) -> None:
    """The worker: handle every media event this node's engine reports."""
    engine = engine_for(services)

    async def handle(event: MediaEvent) -> None:
        try:
            await signalling.on_media_event(services, engine, event)
        except Exception:
            log.exception("media event %s failed", event.kind)

    engine.listen(handle)
    await asyncio.Event().wait()  # the engine calls `handle`; this task only keeps it alive
