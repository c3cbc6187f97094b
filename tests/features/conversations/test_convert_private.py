"""admin.conversations.convertToPrivate."""

from __future__ import annotations

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.conversations.helpers import create, events_of, general_id


async def test_creator_converts_channel_to_private(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    creator = await factory.user(team)
    member = await factory.user(team)
    outsider = await factory.user(team)
    channel = await create(api, creator, "going-private")
    await api("conversations.invite", creator.token, channel=channel, users=member.user_id)
    assert (await api("admin.conversations.convertToPrivate", member.token, channel_id=channel))[
        "error"
    ] == "restricted_action"
    body = await api("admin.conversations.convertToPrivate", creator.token, channel_id=channel)
    assert body == {"ok": True}
    info = await api("conversations.info", member.token, channel=channel)
    assert info["channel"]["is_private"] is True and info["channel"]["id"] == channel
    # No longer visible to non-members.
    hidden = await api("conversations.info", outsider.token, channel=channel)
    assert hidden["error"] == "channel_not_found"
    event = (await events_of(services.db, team, "channel_converted_to_private"))[-1]
    assert event.payload["channel"] == channel and event.payload["user"] == creator.user_id
    assert event.audience == {"kind": "workspace"}
    again = await api("admin.conversations.convertToPrivate", creator.token, channel_id=channel)
    assert again["error"] == "channel_type_not_supported"


async def test_convert_errors_and_tenancy(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    elsewhere = await factory.workspace("Other")
    admin = team.owner
    general = await general_id(api, admin)
    convert = "admin.conversations.convertToPrivate"
    assert (await api(convert, admin.token, channel_id=general))[
        "error"
    ] == "channel_type_not_supported"
    assert (await api(convert, admin.token))["error"] == "channel_not_found"
    assert (await api(convert, admin.token, channel_id="Cnothere"))["error"] == "channel_not_found"
    archived = await create(api, admin, "old-stuff")
    await api("conversations.archive", admin.token, channel=archived)
    assert (await api(convert, admin.token, channel_id=archived))[
        "error"
    ] == "could_not_convert_channel"
    other = await create(api, elsewhere.owner, "theirs")
    assert (await api(convert, admin.token, channel_id=other))["error"] == "channel_not_found"
    assert await events_of(services.db, elsewhere, "channel_converted_to_private") == []
