"""rename, archive, unarchive, setTopic, setPurpose."""

from __future__ import annotations

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.conversations.helpers import create, events_of, general_id


async def test_rename_by_creator(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    creator = await factory.user(team)
    channel = await create(api, creator, "first-name")
    body = await api("conversations.rename", creator.token, channel=channel, name="second-name")
    assert body["ok"], body
    assert body["channel"]["name"] == "second-name"
    assert body["channel"]["previous_names"] == ["first-name"]
    event = (await events_of(services.db, team, "channel_rename"))[-1]
    assert event.payload["channel"]["id"] == channel
    assert event.payload["channel"]["name"] == "second-name"
    assert event.audience == {"kind": "workspace"}
    history = await api("conversations.history", creator.token, channel=channel)
    assert history["messages"][0]["subtype"] == "channel_name"
    # The old name is free again; the new one is taken.
    assert (await api("conversations.create", creator.token, name="first-name"))["ok"]
    taken = await api("conversations.rename", creator.token, channel=channel, name="first-name")
    assert taken["error"] == "name_taken"


async def test_rename_permissions_and_validation(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    creator = await factory.user(team)
    member = await factory.user(team)
    outsider = await factory.user(team)
    admin = await factory.user(team, role="admin")
    channel = await create(api, creator, "guarded")
    await api("conversations.invite", creator.token, channel=channel, users=member.user_id)

    async def rename(token: str, name: str, target: str = channel) -> dict[str, object]:
        return await api("conversations.rename", token, channel=target, name=name)

    assert (await rename(member.token, "mine-now"))["error"] == "not_authorized"
    assert (await rename(outsider.token, "mine-now"))["error"] == "not_in_channel"
    assert (await rename(creator.token, "Bad Name"))["error"] == "invalid_name_specials"
    assert (await rename(creator.token, ""))["error"] == "invalid_name_required"
    assert (await rename(admin.token, "admin-named"))["ok"]  # admins need not be members

    general = await general_id(api, team.owner)
    assert (await rename(member.token, "lobby", general))["error"] == "not_authorized"
    assert (await rename(admin.token, "lobby", general))["ok"]

    private = await create(api, creator, "private-name", private=True)
    assert (await rename(creator.token, "private-renamed", private))["ok"]
    event = (await events_of(services.db, team, "group_rename"))[-1]
    assert event.audience == {"kind": "conversation", "id": private}

    dm = await api("conversations.open", creator.token, users=member.user_id)
    assert (await rename(creator.token, "dm-name", dm["channel"]["id"]))[
        "error"
    ] == "method_not_supported_for_channel_type"


async def test_archive_and_unarchive(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    creator = await factory.user(team)
    member = await factory.user(team)
    channel = await create(api, creator, "to-archive")
    await api("conversations.invite", creator.token, channel=channel, users=member.user_id)

    assert (await api("conversations.archive", member.token, channel=channel))[
        "error"
    ] == "restricted_action"
    assert await api("conversations.archive", creator.token, channel=channel) == {"ok": True}
    info = await api("conversations.info", member.token, channel=channel)
    assert info["channel"]["is_archived"] is True
    event = (await events_of(services.db, team, "channel_archive"))[-1]
    assert event.payload == {
        "type": "channel_archive",
        "channel": channel,
        "user": creator.user_id,
        "is_moved": 0,
        "event_ts": event.payload["event_ts"],
    }
    assert event.audience == {"kind": "workspace"}

    # Archived channels refuse writes.
    assert (await api("conversations.archive", creator.token, channel=channel))[
        "error"
    ] == "already_archived"
    assert (await api("conversations.setTopic", member.token, channel=channel, topic="x"))[
        "error"
    ] == "is_archived"
    assert (await api("conversations.rename", creator.token, channel=channel, name="new"))[
        "error"
    ] == "is_archived"
    posted = await api("chat.postMessage", member.token, channel=channel, text="hello?")
    assert posted["error"] == "is_archived"

    assert (await api("conversations.unarchive", member.token, channel=channel))[
        "error"
    ] == "restricted_action"
    assert await api("conversations.unarchive", creator.token, channel=channel) == {"ok": True}
    assert (await api("conversations.unarchive", creator.token, channel=channel))[
        "error"
    ] == "not_archived"
    assert (await events_of(services.db, team, "channel_unarchive"))[-1].payload["user"] == (
        creator.user_id
    )
    assert (await api("chat.postMessage", member.token, channel=channel, text="back"))["ok"]


async def test_archive_refusals(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    admin = await factory.user(team, role="admin")
    general = await general_id(api, team.owner)
    assert (await api("conversations.archive", admin.token, channel=general))[
        "error"
    ] == "cant_archive_general"
    dm = await api("conversations.open", member.token, users=admin.user_id)
    assert (await api("conversations.archive", member.token, channel=dm["channel"]["id"]))[
        "error"
    ] == "method_not_supported_for_channel_type"
    channel = await create(api, member, "someone-elses")
    outsider = await factory.user(team)
    assert (await api("conversations.archive", outsider.token, channel=channel))[
        "error"
    ] == "not_in_channel"
    # Admins may archive any channel they can see.
    assert (await api("conversations.archive", admin.token, channel=channel))["ok"]


async def test_set_topic_and_purpose(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    outsider = await factory.user(team)
    channel = await create(api, team.owner, "talky")
    await api("conversations.invite", team.owner.token, channel=channel, users=member.user_id)

    topic = await api("conversations.setTopic", member.token, channel=channel, topic="Ship it")
    assert topic["ok"], topic
    assert topic["channel"]["topic"]["value"] == "Ship it"
    assert topic["channel"]["topic"]["creator"] == member.user_id
    assert topic["channel"]["topic"]["last_set"] > 0
    purpose = await api("conversations.setPurpose", member.token, channel=channel, purpose="Why")
    assert purpose["channel"]["purpose"]["value"] == "Why"

    history = await api("conversations.history", member.token, channel=channel)
    subtypes = [m.get("subtype") for m in history["messages"][:2]]
    assert subtypes == ["channel_purpose", "channel_topic"]
    assert "Ship it" in history["messages"][1]["text"]

    too_long = await api("conversations.setTopic", member.token, channel=channel, topic="x" * 251)
    assert too_long["error"] == "too_long"
    assert (await api("conversations.setPurpose", outsider.token, channel=channel, purpose="p"))[
        "error"
    ] == "not_in_channel"
    cleared = await api("conversations.setTopic", member.token, channel=channel, topic="")
    assert cleared["channel"]["topic"]["value"] == ""

    # DMs have topics too, but no system messages.
    dm = (await api("conversations.open", member.token, users=outsider.user_id))["channel"]["id"]
    assert (await api("conversations.setTopic", member.token, channel=dm, topic="us"))["ok"]
    assert (await api("conversations.history", member.token, channel=dm))["messages"] == []
