"""Unmodified slack_sdk WebClient against a live Parley: search.messages and search.all."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.conftest import LiveServer, SyncFactory
from tests.features.search.seed import Seeder


def test_sync_client_searches_pages_and_rejects_bots(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    seed = Seeder(sync_factory.db)
    run = sync_factory.loop.run_until_complete

    general = run(seed.channel(team, [team.owner], name="main"))
    for n in range(3):
        run(seed.post(general, team.owner, f"sdk search hit {n}"))
    run(seed.post(general, team.owner, "unrelated"))

    client = WebClient(token=team.owner.token, base_url=live_server.api_url)
    response = client.search_messages(query="sdk hit", sort="timestamp", highlight=True)
    messages = response["messages"]
    assert messages["total"] == 3
    assert messages["matches"][0]["text"] == "\ue000sdk\ue001 search \ue000hit\ue001 2"
    assert messages["matches"][0]["channel"]["name"] == "main"
    assert messages["pagination"]["total_count"] == 3

    # The SDK's iterator follows response_metadata.next_cursor from cursor="*" (it reuses
    # one response object, so read each page inside the loop).
    found: list[str] = []
    pages = 0
    for page in client.search_messages(query="sdk", count=2, cursor="*", sort="timestamp"):
        found += [m["text"] for m in page["messages"]["matches"]]
        pages += 1
    assert pages == 2
    assert found == [f"sdk search hit {n}" for n in (2, 1, 0)]

    everything = client.search_all(query="unrelated")
    assert everything["messages"]["total"] == 1 and everything["files"]["total"] == 0

    bot = sync_factory.bot(team)
    with pytest.raises(SlackApiError) as raised:
        WebClient(token=bot.token, base_url=live_server.api_url).search_messages(query="sdk")
    assert raised.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as raised:
        client.search_messages(query="")
    assert raised.value.response["error"] == "no_query"
