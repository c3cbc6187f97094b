"""aiortc peers for the media tests: a publisher sending a tone and a moving picture, and a
subscriber that counts the decoded frames it receives (and how loud the audio is)."""

from __future__ import annotations

import array
import asyncio
import contextlib
import fractions
import math
import time
from dataclasses import dataclass, field
from typing import Any

import av
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)

from parley.features.calls.media.engine import IceServer, Jsep

AUDIO_RATE = 48_000
SAMPLES = 960  # 20 ms


class ToneTrack(MediaStreamTrack):
    """A 440 Hz tone in 20 ms Opus-sized frames, paced in real time."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._pts = 0
        self._start: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self._pts / AUDIO_RATE - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        samples = array.array(
            "h",
            (
                int(8000 * math.sin(2 * math.pi * 440 * (i + self._pts) / AUDIO_RATE))
                for i in range(SAMPLES)
            ),
        )
        frame = av.AudioFrame(format="s16", layout="mono", samples=SAMPLES)
        frame.planes[0].update(samples.tobytes())
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._pts += SAMPLES
        return frame


class PictureTrack(MediaStreamTrack):
    """A small moving picture at 15 frames per second."""

    kind = "video"

    def __init__(self, width: int = 160, height: int = 120) -> None:
        super().__init__()
        self._size = (width, height)
        self._count = 0
        self._start: float | None = None

    async def recv(self) -> av.VideoFrame:
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self._count / 15 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        width, height = self._size
        frame = av.VideoFrame(width, height, "yuv420p")
        shade = (self._count * 8) % 256
        for index, plane in enumerate(frame.planes):
            plane.update(bytes([shade if index == 0 else 128]) * plane.buffer_size)
        frame.pts = self._count * 6000
        frame.time_base = fractions.Fraction(1, 90_000)
        self._count += 1
        return frame


def peer(
    ice_servers: list[IceServer] | None = None, *, relay_only: bool = False
) -> RTCPeerConnection:
    servers = [
        RTCIceServer(urls=s.urls, username=s.username, credential=s.credential)
        for s in ice_servers or []
    ]
    policy = RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL
    return RTCPeerConnection(RTCConfiguration(iceServers=servers, iceTransportPolicy=policy))


async def offer_from(pc: RTCPeerConnection) -> Jsep:
    await pc.setLocalDescription(await pc.createOffer())
    return Jsep("offer", pc.localDescription.sdp)


async def answer_to(pc: RTCPeerConnection, offer: Jsep) -> Jsep:
    await pc.setRemoteDescription(RTCSessionDescription(offer.sdp, offer.type))
    await pc.setLocalDescription(await pc.createAnswer())
    return Jsep("answer", pc.localDescription.sdp)


async def accept(pc: RTCPeerConnection, answer: Jsep) -> None:
    await pc.setRemoteDescription(RTCSessionDescription(answer.sdp, answer.type))


@dataclass
class Received:
    """What one receiving track delivered."""

    frames: int = 0
    loudest: float = 0.0
    times: list[float] = field(default_factory=list)

    def since(self, moment: float) -> int:
        return sum(1 for t in self.times if t >= moment)


class Receiver:
    """Counts decoded frames on every track a peer connection receives."""

    def __init__(self, pc: RTCPeerConnection) -> None:
        self.by_kind: dict[str, list[Received]] = {"audio": [], "video": []}
        self._tasks: list[asyncio.Task[None]] = []
        pc.on("track", self._on_track)

    def _on_track(self, track: Any) -> None:
        received = Received()
        self.by_kind.setdefault(track.kind, []).append(received)
        self._tasks.append(asyncio.ensure_future(self._drain(track, received)))

    async def _drain(self, track: Any, received: Received) -> None:
        with contextlib.suppress(Exception):
            while True:
                frame = await track.recv()
                received.frames += 1
                received.times.append(time.monotonic())
                if track.kind == "audio":
                    samples = array.array("h", bytes(frame.planes[0]))
                    rms = math.sqrt(sum(v * v for v in samples) / max(1, len(samples)))
                    received.loudest = max(received.loudest, rms)

    def frames(self, kind: str) -> int:
        return sum(r.frames for r in self.by_kind.get(kind, []))

    def frames_since(self, kind: str, moment: float) -> int:
        return sum(r.since(moment) for r in self.by_kind.get(kind, []))

    async def wait_for(self, kind: str, count: int, within: float = 10.0) -> None:
        deadline = time.monotonic() + within
        while self.frames(kind) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {self.frames(kind)} {kind} frames arrived, not {count}")
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
