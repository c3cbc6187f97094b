"""Message metadata with Work Objects entities (issue 15): accepted, stored, returned as sent;
malformed shapes are `invalid_metadata_format`."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from parley.features.messages.metadata import MAX_ENTITIES, check_metadata
from parley.platform.errors import ApiError
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import make_channel

TASK: dict[str, Any] = {
    "entity_type": "slack#/entities/task",
    "url": "https://tracker.example.com/task/42",
    "external_ref": {"id": "42", "type": "task"},
    "entity_payload": {
        "attributes": {"title": {"text": "Fix the build"}, "display_id": "T-42"},
        "fields": {"status": {"value": "open"}},
        "custom_fields": [{"key": "points", "label": "Points", "value": 3, "type": "integer"}],
    },
}
WORK_OBJECT = {"entities": [TASK]}


def _with(**changes: Any) -> dict[str, Any]:
    entity = copy.deepcopy(TASK)
    entity.update(changes)
    return {"entities": [entity]}


def test_entities_alone_or_with_an_event_are_kept_as_sent() -> None:
    assert check_metadata(WORK_OBJECT) == WORK_OBJECT
    both = {"event_type": "task_shared", "event_payload": {"by": "ci"}, "entities": [TASK]}
    assert check_metadata(both) == both
    bare = {"entities": [{**TASK, "entity_payload": {}}]}  # attributes are optional here
    assert check_metadata(bare) == bare
    assert check_metadata({"event_type": "x"}) == {"event_type": "x", "event_payload": {}}


@pytest.mark.parametrize(
    "metadata",
    [
        {"x": 1},
        {"entities": []},
        {"entities": "task"},
        {"entities": ["task"]},
        {"entities": [TASK] * (MAX_ENTITIES + 1)},
        _with(entity_type=""),
        _with(url=7),
        _with(entity_payload="{}"),
        _with(external_ref={"type": "task"}),
        _with(external_ref={"id": "42", "type": 3}),
        _with(app_unfurl_url=["x"]),
        _with(entity_payload={"attributes": {"title": "Fix the build"}}),
        _with(entity_payload={"attributes": []}),
        {"event_type": 3, "entities": [TASK]},
        {"event_type": "x", "event_payload": [], "entities": [TASK]},
    ],
)
def test_malformed_metadata_is_refused(metadata: dict[str, Any]) -> None:
    with pytest.raises(ApiError) as raised:
        check_metadata(metadata)
    assert raised.value.code == "invalid_metadata_format"


async def test_post_and_update_with_work_objects(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    channel = await make_channel(services.db, team, [team.owner, bot])
    posted = await api.json(
        "chat.postMessage", bot.token, channel=channel, text="Task", metadata=WORK_OBJECT
    )
    assert posted["ok"] is True, posted
    assert posted["message"]["metadata"] == WORK_OBJECT
    history = await api(
        "conversations.history", team.owner.token, channel=channel, include_all_metadata="true"
    )
    assert history["messages"][0]["metadata"] == WORK_OBJECT
    # Form-encoded (Bolt for JavaScript): the same metadata as JSON text.
    closed = _with(entity_payload={"attributes": {"title": {"text": "Fixed"}}})
    updated = await api(
        "chat.update",
        bot.token,
        channel=channel,
        ts=posted["ts"],
        text="Task",
        metadata=json.dumps(closed),
    )
    assert updated["ok"] is True, updated
    assert updated["message"]["metadata"] == closed
    bad = await api.json(
        "chat.postMessage", bot.token, channel=channel, text="t", metadata={"entities": [{}]}
    )
    assert bad["error"] == "invalid_metadata_format"
