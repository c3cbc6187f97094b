"""chat.postMessage with Work Objects entity metadata built with slack_sdk's own models
(issue 15, item 8): accepted, and read back as sent."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.models.metadata import (
    EntityAttributes,
    EntityMetadata,
    EntityPayload,
    EntityTitle,
    EventAndEntityMetadata,
    ExternalRef,
)

from tests.conftest import LiveServer, SyncFactory
from tests.features.messages.helpers import make_channel


def test_post_with_entity_metadata(live_server: LiveServer, sync_factory: SyncFactory) -> None:
    team = sync_factory.workspace()
    bot = sync_factory.bot(team)
    channel = sync_factory.loop.run_until_complete(
        make_channel(sync_factory.db, team, [team.owner, bot])
    )
    client = WebClient(token=bot.token, base_url=live_server.api_url)
    metadata = EventAndEntityMetadata(
        event_type="task_shared",
        event_payload={"source": "ci"},
        entities=[
            EntityMetadata(
                entity_type="slack#/entities/task",
                entity_payload=EntityPayload(
                    attributes=EntityAttributes(title=EntityTitle(text="Fix the build"))
                ),
                external_ref=ExternalRef(id="42", type="task"),
                url="https://tracker.example.com/task/42",
            )
        ],
    )
    posted = client.chat_postMessage(channel=channel, text="Task 42", metadata=metadata)
    sent = metadata.to_dict()
    assert posted["message"]["metadata"] == sent
    history = client.conversations_history(channel=channel, include_all_metadata=True)
    assert history["messages"][0]["metadata"] == sent
