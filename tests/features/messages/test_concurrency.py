"""ts stays unique and strictly increasing per conversation with many parallel writers."""

from __future__ import annotations

import asyncio

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import make_channel

WRITERS = 8
POSTS_EACH = 25


async def test_parallel_writers_get_distinct_increasing_ts(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    writers = [await factory.user(team) for _ in range(WRITERS)]
    channel = await make_channel(services.db, team, writers)

    async def write(index: int) -> list[str]:
        stamps = []
        for n in range(POSTS_EACH):
            body = await api(
                "chat.postMessage", writers[index].token, channel=channel, text=f"{index}-{n}"
            )
            assert body["ok"], body
            stamps.append(body["ts"])
        return stamps

    per_writer = await asyncio.gather(*(write(i) for i in range(WRITERS)))
    for stamps in per_writer:
        assert stamps == sorted(stamps) and len(set(stamps)) == POSTS_EACH
    everything = [ts for stamps in per_writer for ts in stamps]
    assert len(set(everything)) == WRITERS * POSTS_EACH

    stored: list[dict[str, str]] = []
    cursor = ""
    while True:
        page = await api(
            "conversations.history", writers[0].token, channel=channel, limit=999, cursor=cursor
        )
        stored += page["messages"]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    stamps_desc = [m["ts"] for m in stored]
    assert len(stamps_desc) == WRITERS * POSTS_EACH  # no lost messages
    assert stamps_desc == sorted(set(stamps_desc), reverse=True)  # strictly increasing
    assert {m["text"] for m in stored} == {
        f"{i}-{n}" for i in range(WRITERS) for n in range(POSTS_EACH)
    }
