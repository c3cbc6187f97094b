"""conversations.history: order, bounds, pagination, pin_count and who may read."""

from __future__ import annotations

from parley.features.messages.actions import do_post_message
from parley.platform.services import Services
from parley.platform.spaces import Conversation
from tests.conftest import Api
from tests.factories import Factory, Team
from tests.features.messages.helpers import make_channel


async def _post_many(api: Api, token: str, channel: str, count: int) -> list[str]:
    stamps = []
    for n in range(count):
        body = await api("chat.postMessage", token, channel=channel, text=f"m{n}")
        stamps.append(body["ts"])
    return stamps


async def test_newest_first_with_pagination(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    stamps = await _post_many(api, token, channel, 5)
    first = await api("conversations.history", token, channel=channel, limit=2)
    assert [m["ts"] for m in first["messages"]] == stamps[:2:-1][:2]
    assert first["has_more"] is True
    assert first["pin_count"] == 0
    seen = [m["ts"] for m in first["messages"]]
    cursor = first["response_metadata"]["next_cursor"]
    while cursor:
        page = await api("conversations.history", token, channel=channel, limit=2, cursor=cursor)
        seen += [m["ts"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
    assert seen == stamps[::-1]
    everything = await api("conversations.history", token, channel=channel)
    assert everything["has_more"] is False
    assert everything["response_metadata"] == {"next_cursor": ""}


async def test_latest_oldest_inclusive(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    s = await _post_many(api, token, channel, 5)

    async def window(**args: str) -> list[str]:
        body = await api("conversations.history", token, channel=channel, **args)
        return [m["ts"] for m in body["messages"]]

    assert await window(latest=s[3], oldest=s[1]) == [s[2]]
    assert await window(latest=s[3], oldest=s[1], inclusive="true") == [s[3], s[2], s[1]]
    assert await window(oldest=s[3]) == [s[4]]
    assert await window(latest=s[1]) == [s[0]]
    assert await window(oldest="0") == s[::-1]
    bad = await api("conversations.history", token, channel=channel, latest="abc")
    assert bad["error"] == "invalid_ts_latest"
    bad = await api("conversations.history", token, channel=channel, oldest="1.2.3")
    assert bad["error"] == "invalid_ts_oldest"
    forged = await api("conversations.history", token, channel=channel, cursor="bogus")
    assert forged["error"] == "invalid_cursor"


async def _post_quickly(services: Services, team: Team, channel: str, count: int) -> None:
    """`count` messages through the posting action in one transaction (HTTP is too slow)."""
    async with services.db.write() as uow:
        conversation = await uow.session.get(Conversation, channel)
        assert conversation is not None
        for n in range(count):
            await do_post_message(uow, conversation, user_id=team.owner.user_id, text=f"m{n}")


async def test_limit_is_capped(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    await _post_many(api, team.owner.token, channel, 3)
    body = await api("conversations.history", team.owner.token, channel=channel, limit=5000)
    assert body["ok"] and len(body["messages"]) == 3
    # Slack caps conversations.history at 999 a page: with 1,000 messages, a limit of 5,000
    # yields 999 and a cursor to the last one (fails if the cap in clamp_limit goes).
    await _post_quickly(services, team, channel, 997)
    body = await api("conversations.history", team.owner.token, channel=channel, limit=5000)
    assert len(body["messages"]) == 999 and body["has_more"] is True
    cursor = body["response_metadata"]["next_cursor"]
    rest = await api("conversations.history", team.owner.token, channel=channel, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["m0"]


async def test_who_may_read(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    member = await factory.user(team)
    outsider = await factory.user(team)
    guest = await factory.user(team, role="guest")
    bot = await factory.bot(team, scopes=("channels:history", "groups:history"))
    outside_bot = await factory.bot(team, scopes=("channels:history",))
    blind_bot = await factory.bot(team, scopes=("chat:write",))
    public = await make_channel(services.db, team, [member, bot, blind_bot])
    private = await make_channel(services.db, team, [member, bot], kind="group")
    await api("chat.postMessage", member.token, channel=public, text="hello")

    async def read(token: str, channel: str) -> str:
        body = await api("conversations.history", token, channel=channel)
        return "ok" if body["ok"] else str(body["error"])

    assert await read(member.token, public) == "ok"
    assert await read(outsider.token, public) == "ok"  # public channels are readable
    assert await read(guest.token, public) == "channel_not_found"
    assert await read(outsider.token, private) == "channel_not_found"
    assert await read(member.token, private) == "ok"
    assert await read(bot.token, public) == "ok"
    assert await read(bot.token, private) == "ok"
    assert await read(outside_bot.token, public) == "not_in_channel"
    assert await read(blind_bot.token, public) == "missing_scope"
    assert await read(other.owner.token, public) == "channel_not_found"
    narrow = await factory.bot(team, scopes=("channels:history",))
    private_with_narrow = await make_channel(services.db, team, [narrow], kind="group")
    assert await read(narrow.token, private_with_narrow) == "missing_scope"
    assert await read(member.token, "C0NOSUCH") == "channel_not_found"
