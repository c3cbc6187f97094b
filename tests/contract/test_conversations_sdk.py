"""Unmodified slack_sdk WebClient against a live Parley: the conversations.* methods."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.conftest import LiveServer, SyncFactory


def test_sync_client_drives_conversations(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    bob = sync_factory.user(team)
    client = WebClient(token=team.owner.token, base_url=live_server.api_url)
    bobs = WebClient(token=bob.token, base_url=live_server.api_url)

    created = client.conversations_create(name="sdk-room")
    channel = created["channel"]["id"]
    for n in range(3):
        client.conversations_create(name=f"sdk-extra-{n}")

    # The SDK's iterator follows response_metadata.next_cursor (it reuses one response
    # object, so read each page inside the loop).
    seen: list[str] = []
    pages = 0
    for page in client.conversations_list(limit=2):
        seen += [c["id"] for c in page["channels"]]
        pages += 1
    # #general and #random (every workspace has them) and the 4 made here.
    assert pages == 3 and len(seen) == len(set(seen)) == 6 and channel in seen

    client.conversations_invite(channel=channel, users=[bob.user_id])
    members = client.conversations_members(channel=channel)["members"]
    assert set(members) == {team.owner.user_id, bob.user_id}
    info = client.conversations_info(channel=channel, include_num_members=True)["channel"]
    assert info["num_members"] == 2 and info["is_member"] is True

    assert (
        client.conversations_setTopic(channel=channel, topic="SDK topic")["channel"]["topic"][
            "value"
        ]
        == "SDK topic"
    )
    assert (
        client.conversations_rename(channel=channel, name="sdk-renamed")["channel"]["name"]
        == "sdk-renamed"
    )
    left = bobs.conversations_leave(channel=channel)
    assert left["ok"] is True
    joined = bobs.conversations_join(channel=channel)
    assert joined["channel"]["id"] == channel

    dm = client.conversations_open(users=[bob.user_id], return_im=True)["channel"]
    assert dm["is_im"] and dm["user"] == bob.user_id
    posted = bobs.chat_postMessage(channel=dm["id"], text="hello over the SDK")
    counts = client.api_call("client.counts")
    assert counts["ims"][0]["unread_count"] == 1
    client.conversations_mark(channel=dm["id"], ts=posted["ts"])
    assert client.conversations_info(channel=dm["id"])["channel"]["unread_count"] == 0
    assert client.conversations_close(channel=dm["id"])["ok"]

    mine = client.users_conversations(types="public_channel,im")
    assert dm["id"] in [c["id"] for c in mine["channels"]]

    client.conversations_archive(channel=channel)
    with pytest.raises(SlackApiError) as archived:
        client.conversations_setPurpose(channel=channel, purpose="too late")
    assert archived.value.response["error"] == "is_archived"
    client.conversations_unarchive(channel=channel)

    with pytest.raises(SlackApiError) as missing:
        client.conversations_info(channel="CNOTHERE000")
    assert missing.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as taken:
        client.conversations_create(name="sdk-renamed")
    assert taken.value.response["error"] == "name_taken"
