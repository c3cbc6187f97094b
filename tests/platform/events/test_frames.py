"""Socket frames are a registry: a feature's frame handler is dispatched by type; an
unregistered type still gets Slack's error frame."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from parley.platform.events.frames import FRAME_HANDLERS, Frame, FrameSession
from parley.platform.plugins import PLATFORM
from tests.conftest import LiveServer
from tests.factories import Factory
from tests.platform.events.helpers import open_rtm


async def ring(session: FrameSession, frame: Frame) -> None:
    """A test feature's frame (calls will add signalling frames this way)."""
    session.reply({"type": "x_rang", "reply_to": frame.get("id"), "by": session.connection.user_id})


@pytest.fixture
def ring_frame() -> Iterator[str]:
    PLATFORM.socket_frame("x_ring", ring)
    yield "x_ring"
    FRAME_HANDLERS.forget("x_ring")


async def test_a_feature_frame_is_dispatched_to_its_handler(
    live_server: LiveServer, factory: Factory, ring_frame: str
) -> None:
    team = await factory.workspace()
    client = await open_rtm(live_server, team.owner.token)
    await client.send({"id": 7, "type": ring_frame})
    assert await client.frame_of("x_rang") == {
        "type": "x_rang",
        "reply_to": 7,
        "by": team.owner.user_id,
    }
    await client.close()


async def test_an_unregistered_frame_gets_the_error_frame(
    live_server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    client = await open_rtm(live_server, team.owner.token)
    await client.send({"id": 8, "type": "x_ring"})
    error = await client.frame()
    while "reply_to" not in error:  # reconnect_url, the user's own presence_change
        error = await client.frame()
    assert error == {
        "ok": False,
        "reply_to": 8,
        "error": {"code": 3, "msg": "unsupported type: x_ring"},
    }
    await client.close()


def test_the_platform_and_the_rtm_feature_register_theirs() -> None:
    for frame_type in ("ping", "presence_sub", "presence_query", "typing"):
        assert frame_type in FRAME_HANDLERS
    with pytest.raises(RuntimeError, match="registered twice"):
        PLATFORM.socket_frame("ping", ring)
