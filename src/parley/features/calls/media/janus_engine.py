"""`MediaEngine` on Janus VideoRoom (multistream): one room per call, one publisher handle
per participant device, one subscriber handle per device receiving others' feeds.

Room secrets are derived, not stored: HMAC of the room id under the node's own secrets, so
every Parley node configured for that Janus node can moderate and destroy a room it did not
create, and no database row or browser ever holds one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from parley.features.calls.media.config import JanusNodeConfig
from parley.features.calls.media.engine import (
    Endpoint,
    Jsep,
    MediaError,
    MediaEvent,
    MediaListener,
    MediaUnavailable,
    NodeHealth,
    RoomRef,
)
from parley.features.calls.media.janus import JanusNode, JsonObject

log = logging.getLogger("parley.calls.media")

# Room ids are random below 2^53 (JavaScript-safe, Janus's default numeric ids).
_ROOM_ID_LIMIT = 2**53


def media_kinds(sdp: str) -> dict[str, str]:
    """mid -> kind ("audio", "video", "application") for each m-line of an SDP."""
    kinds: dict[str, str] = {}
    for section in re.split(r"\r?\nm=", "\n" + sdp)[1:]:
        kind = section.split(" ", 1)[0]
        mid = re.search(r"^a=mid:(\S+)", section, re.M)
        if mid:
            kinds[mid.group(1)] = kind
    return kinds


@dataclass
class _EndpointState:
    endpoint: Endpoint
    room: int
    feed: int | None = None
    mids: dict[str, str] = field(default_factory=dict)  # a publisher's mid -> kind
    down: bool = False


class JanusEngine:
    """The media engine over one or more Janus nodes."""

    def __init__(self, nodes: list[JanusNodeConfig] | None = None) -> None:
        self._nodes: dict[str, JanusNode] = {}
        self._endpoints: dict[tuple[str, int], _EndpointState] = {}
        self._rooms: dict[str, set[int]] = {}
        self._talking: dict[tuple[str, int, int], bool] = {}
        self._listeners: list[MediaListener] = []
        self._events: asyncio.Queue[MediaEvent] | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        for config in nodes or []:
            self.add_node(config)

    # -- nodes -----------------------------------------------------------------------

    def add_node(self, config: JanusNodeConfig) -> None:
        """Starts driving one more node (its session opens in the background)."""
        if config.node_id in self._nodes:
            raise ValueError(f"media node {config.node_id!r} is already configured")
        node = JanusNode(config, on_event=self._on_node_event, on_down=self._on_node_down)
        self._nodes[config.node_id] = node
        self._rooms.setdefault(config.node_id, set())
        with contextlib.suppress(RuntimeError):  # no running loop yet: started on first use
            asyncio.get_running_loop()
            node.start()

    async def wait_ready(self, within: float = 10.0) -> bool:
        """Whether every node has a session within `within` seconds (start-up, tests)."""
        self._start_nodes()
        results = await asyncio.gather(
            *(node.wait_connected(within) for node in self._nodes.values())
        )
        return all(results)

    def _start_nodes(self) -> None:
        for node in self._nodes.values():
            node.start()

    def _node(self, node_id: str) -> JanusNode:
        self._start_nodes()
        node = self._nodes.get(node_id)
        if node is None:
            raise MediaUnavailable(f"no media node {node_id!r} is configured")
        return node

    async def nodes(self) -> list[NodeHealth]:
        self._start_nodes()
        health: list[NodeHealth] = []
        for node_id, node in self._nodes.items():
            publishers = sum(
                1
                for (owner, _), state in self._endpoints.items()
                if owner == node_id and state.endpoint.role == "publisher" and not state.down
            )
            health.append(
                NodeHealth(
                    node_id=node_id,
                    healthy=node.healthy,
                    rooms=len(self._rooms.get(node_id, ())),
                    participants=publishers,
                    detail=node.detail,
                )
            )
        return health

    # -- rooms -----------------------------------------------------------------------

    def _room_secret(self, node: JanusNode, room: int) -> str:
        key = f"{node.config.api_secret}:{node.config.admin_secret}:{node.node_id}".encode()
        return hmac.new(key, f"room:{room}".encode(), hashlib.sha256).hexdigest()

    async def _control(self, node: JanusNode, body: JsonObject) -> JsonObject:
        """A room-level request on a short-lived handle (create, destroy, moderate)."""
        handle = await node.attach()
        try:
            data, _ = await node.message(handle, body)
            return data
        finally:
            with contextlib.suppress(MediaError, MediaUnavailable):
                await node.detach(handle)

    async def open_room(self, node_id: str, *, max_publishers: int, audio_only: bool) -> RoomRef:
        node = self._node(node_id)
        room = secrets.randbelow(_ROOM_ID_LIMIT - 1) + 1
        body: JsonObject = {
            "request": "create",
            "room": room,
            "permanent": False,
            "secret": self._room_secret(node, room),
            "is_private": True,
            "publishers": max(1, max_publishers),
            "audiocodec": "opus",
            "videocodec": "vp8",
            "audiolevel_event": True,
            "audio_active_packets": 50,
            "audio_level_average": 40,
            "notify_joining": False,
        }
        if audio_only:
            body["bitrate"] = 64_000  # a stray video track stays small
        await self._control(node, body)
        self._rooms[node_id].add(room)
        return RoomRef(node_id=node_id, room=room)

    async def close_room(self, room: RoomRef) -> None:
        node = self._nodes.get(room.node_id)
        if node is None or not node.healthy:
            # Unconfigured, or unreachable: a room is not permanent, so it went (or goes) with
            # its node's restart; there is nothing to close from here.
            self._rooms.get(room.node_id, set()).discard(room.room)
            return
        self._rooms[room.node_id].discard(room.room)
        for key, state in list(self._endpoints.items()):
            if key[0] == room.node_id and state.room == room.room:
                del self._endpoints[key]
        try:
            await self._control(
                node,
                {
                    "request": "destroy",
                    "room": room.room,
                    "secret": self._room_secret(node, room.room),
                },
            )
        except MediaError as error:
            if error.reason != "no_such_room":  # already gone: closing is idempotent
                raise

    # -- publishers ------------------------------------------------------------------

    def _register(self, state: _EndpointState) -> Endpoint:
        self._endpoints[(state.endpoint.node_id, state.endpoint.handle)] = state
        return state.endpoint

    async def publish(
        self, room: RoomRef, *, feed: int, display: str, offer: Jsep
    ) -> tuple[Endpoint, Jsep]:
        if offer.type != "offer":
            raise MediaError("invalid_sdp", "a publisher sends an offer")
        node = self._node(room.node_id)
        handle = await node.attach()
        endpoint = Endpoint(room.node_id, node.session_id or 0, handle, "publisher")
        state = _EndpointState(endpoint, room.room, feed, media_kinds(offer.sdp))
        self._register(state)
        body = {
            "request": "joinandconfigure",
            "ptype": "publisher",
            "room": room.room,
            "id": feed,
            "display": display[:128],
        }
        try:
            _, answer = await node.message(handle, body, offer)
            if answer is None:
                raise MediaError("media_server_error", "the node sent no answer")
        except (MediaError, MediaUnavailable):
            await self._forget(endpoint)
            raise
        return endpoint, answer

    async def republish(
        self,
        endpoint: Endpoint,
        offer: Jsep,
        *,
        audio: bool | None = None,
        video: bool | None = None,
    ) -> Jsep:
        state = self._state(endpoint)
        node = self._node(endpoint.node_id)
        state.mids = media_kinds(offer.sdp) or state.mids
        streams = [
            {"mid": mid, "send": wanted}
            for mid, kind in state.mids.items()
            for wanted in [audio if kind == "audio" else video if kind == "video" else None]
            if wanted is not None
        ]
        body: JsonObject = {"request": "configure"}
        if streams:
            body["streams"] = streams
        _, answer = await node.message(endpoint.handle, body, offer)
        if answer is None:
            raise MediaError("media_server_error", "the node sent no answer")
        return answer

    # -- subscribers -----------------------------------------------------------------

    async def subscribe(self, room: RoomRef, *, feeds: list[int]) -> tuple[Endpoint, Jsep]:
        if not feeds:
            raise MediaError("invalid_request", "subscribe to at least one feed")
        node = self._node(room.node_id)
        handle = await node.attach()
        endpoint = Endpoint(room.node_id, node.session_id or 0, handle, "subscriber")
        self._register(_EndpointState(endpoint, room.room))
        body = {
            "request": "join",
            "ptype": "subscriber",
            "room": room.room,
            "streams": [{"feed": feed} for feed in feeds],
            # No unsolicited offers when a feed leaves: the device's streams change only
            # through update_subscription, whose offer the calls feature relays.
            "autoupdate": False,
        }
        try:
            _, offer = await node.message(handle, body)
            if offer is None:  # e.g. the feeds have no media flowing yet
                raise MediaError("no_media_yet", "the feeds have no streams to offer yet")
        except (MediaError, MediaUnavailable):
            await self._forget(endpoint)
            raise
        return endpoint, offer

    async def update_subscription(
        self, endpoint: Endpoint, *, add: list[int], remove: list[int]
    ) -> Jsep | None:
        self._state(endpoint)
        node = self._node(endpoint.node_id)
        body: JsonObject = {"request": "update"}
        if add:
            body["subscribe"] = [{"feed": feed} for feed in add]
        if remove:
            body["unsubscribe"] = [{"feed": feed} for feed in remove]
        if len(body) == 1:
            return None
        _, offer = await node.message(endpoint.handle, body)
        return offer

    async def answer(self, endpoint: Endpoint, answer: Jsep) -> None:
        if answer.type != "answer":
            raise MediaError("invalid_sdp", "a subscriber sends an answer")
        self._state(endpoint)
        node = self._node(endpoint.node_id)
        await node.message(endpoint.handle, {"request": "start"}, answer)

    async def trickle(self, endpoint: Endpoint, candidate: dict[str, Any] | None) -> None:
        self._state(endpoint)
        node = self._node(endpoint.node_id)
        await node.trickle(endpoint.handle, candidate or {"completed": True})

    # -- control ---------------------------------------------------------------------

    async def _feed_mids(self, node: JanusNode, room: int, feed: int) -> dict[str, str]:
        """A publisher's mids: known when this engine published it; otherwise asked of the
        node by a subscriber join that is never started (another Parley node published)."""
        for (node_id, _), state in self._endpoints.items():
            if node_id == node.node_id and state.room == room and state.feed == feed:
                return state.mids
        handle = await node.attach()
        try:
            body = {
                "request": "join",
                "ptype": "subscriber",
                "room": room,
                "streams": [{"feed": feed}],
            }
            data, _ = await node.message(handle, body)
            return {
                str(stream["feed_mid"]): str(stream["type"])
                for stream in data.get("streams", [])
                if "feed_mid" in stream
            }
        finally:
            with contextlib.suppress(MediaError, MediaUnavailable):
                await node.detach(handle)

    async def mute_feed(self, room: RoomRef, feed: int, *, audio: bool, video: bool) -> None:
        node = self._node(room.node_id)
        secret = self._room_secret(node, room.room)
        mids = await self._feed_mids(node, room.room, feed)
        for mid, kind in mids.items():
            if kind not in ("audio", "video"):
                continue
            mute = audio if kind == "audio" else video
            await self._control(
                node,
                {
                    "request": "moderate",
                    "room": room.room,
                    "secret": secret,
                    "id": feed,
                    "mid": mid,
                    "mute": mute,
                },
            )

    async def hang_up(self, endpoint: Endpoint) -> None:
        if await self._forget(endpoint):
            return
        node = self._nodes.get(endpoint.node_id)
        if node is not None and node.healthy:  # an unreachable node dropped it already
            with contextlib.suppress(MediaError, MediaUnavailable):
                await node.detach(endpoint.handle)

    async def _forget(self, endpoint: Endpoint) -> bool:
        """Drops an endpoint; True when there was nothing to drop."""
        state = self._endpoints.pop((endpoint.node_id, endpoint.handle), None)
        if state is None:
            return True
        node = self._nodes.get(endpoint.node_id)
        if node is not None and node.healthy:
            with contextlib.suppress(MediaError, MediaUnavailable):
                await node.detach(endpoint.handle)
        return False

    def _state(self, endpoint: Endpoint) -> _EndpointState:
        if endpoint.node_id not in self._nodes:
            raise MediaUnavailable(f"no media node {endpoint.node_id!r} is configured")
        state = self._endpoints.get((endpoint.node_id, endpoint.handle))
        if state is None or state.down:
            raise MediaError("no_such_endpoint", "the endpoint was hung up or its node restarted")
        return state

    # -- events ----------------------------------------------------------------------

    def listen(self, listener: MediaListener) -> None:
        self._listeners.append(listener)

    def _emit(self, event: MediaEvent) -> None:
        if self._events is None:
            self._events = asyncio.Queue()
            self._dispatcher = asyncio.create_task(self._deliver(), name="media-events")
        self._events.put_nowait(event)

    async def _deliver(self) -> None:
        """Hands events to the listeners in order, off the nodes' polling tasks."""
        assert self._events is not None
        while True:
            event = await self._events.get()
            for listener in list(self._listeners):
                try:
                    await listener(event)
                except Exception:
                    log.exception("media listener failed on %s", event.kind)

    async def _on_node_down(self, node: JanusNode, detail: str) -> None:
        """Every room and endpoint on the node is gone (it died or lost its state)."""
        for key in [key for key in self._endpoints if key[0] == node.node_id]:
            self._endpoints[key].down = True
            del self._endpoints[key]
        self._rooms[node.node_id] = set()
        self._talking = {k: v for k, v in self._talking.items() if k[0] != node.node_id}
        self._emit(MediaEvent("node_down", node.node_id, detail={"reason": detail}))

    async def _on_node_event(self, node: JanusNode, event: JsonObject) -> None:
        kind = event.get("janus")
        if kind == "event":
            self._on_plugin_event(node, event.get("plugindata", {}).get("data", {}))
            return
        state = self._endpoints.get((node.node_id, int(event.get("sender", 0))))
        if state is None:
            return
        if kind == "webrtcup":
            self._emit(self._endpoint_event("up", state))
        elif kind == "hangup":
            state.down = True
            self._emit(self._endpoint_event("down", state, reason=event.get("reason", "hangup")))
        elif kind == "detached" and not state.down:
            state.down = True
            self._emit(self._endpoint_event("down", state, reason="detached"))
        elif kind == "slowlink":
            detail = {
                k: event[k] for k in ("uplink", "lost", "nacks", "mid", "media") if k in event
            }
            self._emit(self._endpoint_event("slowlink", state, **detail))

    def _endpoint_event(self, kind: Any, state: _EndpointState, **detail: Any) -> MediaEvent:
        return MediaEvent(
            kind,
            state.endpoint.node_id,
            endpoint=state.endpoint,
            room=state.room,
            feed=state.feed,
            detail=detail,
        )

    def _on_plugin_event(self, node: JanusNode, data: JsonObject) -> None:
        """VideoRoom's talking events reach every publisher handle in the room: one
        MediaEvent per change of a feed's state, however many handles heard it."""
        what = data.get("videoroom")
        if what not in ("talking", "stopped-talking") or "room" not in data or "id" not in data:
            return
        room, feed = int(data["room"]), int(data["id"])
        talking = what == "talking"
        key = (node.node_id, room, feed)
        if self._talking.get(key, False) == talking:
            return
        self._talking[key] = talking
        level = data.get("audio-level-dBov-avg")
        self._emit(
            MediaEvent(
                "talking" if talking else "stopped_talking",
                node.node_id,
                room=room,
                feed=feed,
                detail={"level_dbov": level} if level is not None else {},
            )
        )

    async def close(self) -> None:
        for node in self._nodes.values():
            await node.close()
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None
            self._events = None
