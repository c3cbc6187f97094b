"""The OpenAPI document types responses and socket events (the web client is generated from
it), documents without filtering, and `parley openapi` dumps it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from parley.cli.main import app
from parley.composition import install
from parley.features.messages.wire import HistoryResponse
from parley.platform.events.types import EVENT_TYPES
from parley.platform.services import Services
from parley.platform.webapi.openapi import (
    SOCKET_FRAME_SCHEMAS,
    WireModel,
    openapi_document,
    register_socket_frame_schema,
)
from parley.platform.webapi.registry import REGISTRY
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import make_channel

# What the web client reads: each must have a typed answer.
CLIENT_METHODS = [
    "auth.session",
    "auth.signin",
    "team.info",
    "users.list",
    "users.info",
    "users.conversations",
    "client.counts",
    "conversations.info",
    "conversations.history",
    "conversations.replies",
    "chat.postMessage",
    "chat.update",
    "search.messages",
    "files.list",
    "files.info",
    "views.list",
    "emoji.list",
    "rtm.connect",
]
# What the web client's reducer handles: each must be declared.
CLIENT_EVENTS = [
    "message",
    "reaction_added",
    "reaction_removed",
    "pin_added",
    "pin_removed",
    "channel_created",
    "channel_joined",
    "member_joined_channel",
    "channel_marked",
    "user_change",
    "presence_change",
    "user_typing",
    "view_opened",
    "view_closed",
    "file_shared",
    "file_deleted",
    "hello",
    "goodbye",
]


def _document() -> dict[str, Any]:
    install()
    return openapi_document("http://parley.test")


def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    name = ref.removeprefix("#/components/schemas/")
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def test_client_methods_have_typed_responses() -> None:
    document = _document()
    for name in CLIENT_METHODS:
        schema = document["paths"][f"/api/{name}"]["post"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"]
        success, failure = schema["anyOf"]
        assert failure["required"] == ["ok", "error"], name
        envelope, ref = success["allOf"]
        assert envelope["required"] == ["ok"], name
        assert _resolve(document, ref["$ref"])["type"] == "object", name


def test_untyped_methods_keep_the_open_envelope() -> None:
    document = _document()
    untyped = [m for m in REGISTRY.values() if m.response is None]
    assert untyped, "some methods are still undocumented; this test checks their shape"
    schema = document["paths"][f"/api/{untyped[0].name}"]["post"]["responses"]["200"]
    assert schema["content"]["application/json"]["schema"]["additionalProperties"] is True


def test_events_are_declared_with_schemas() -> None:
    document = _document()
    events = {entry["type"]: entry["schema"]["$ref"] for entry in document["x-parley-events"]}
    assert set(CLIENT_EVENTS) <= set(events)
    for name, ref in events.items():
        assert _resolve(document, ref)["properties"]["type"]["type"] == "string", name
    assert list(events) == sorted(events)


def test_schemas_leave_out_implied_defaults() -> None:
    schemas = _document()["components"]["schemas"]
    for name, schema in schemas.items():  # permissive is JSON Schema's default anyway
        assert "additionalProperties" not in schema or "properties" not in schema, name
    text = json.dumps(schemas)
    assert '"default": null' not in text  # optional fields stay optional, not nullable


def test_socket_events_come_from_the_event_declarations() -> None:
    """One declaration per event type: the document lists exactly the declared types that
    reach sockets, with their scope, and nothing for control or apps-only types."""
    listed = {entry["type"]: entry for entry in _document()["x-parley-events"]}
    for declared in EVENT_TYPES:
        if declared.rtm and not declared.control:
            assert listed[declared.name]["scope"] == declared.scope, declared.name
            title = declared.payload.model_json_schema()["title"]
            assert listed[declared.name]["schema"]["$ref"].endswith("/" + title)
        else:
            assert declared.name not in listed, declared.name
    assert set(listed) - {t.name for t in EVENT_TYPES} == set(SOCKET_FRAME_SCHEMAS)


def test_a_socket_frame_cannot_get_two_schemas() -> None:
    class Other(WireModel):
        type: str

    with pytest.raises(RuntimeError):
        register_socket_frame_schema("hello", Other)
    register_socket_frame_schema("hello", SOCKET_FRAME_SCHEMAS["hello"])  # the same is fine


def test_cli_dumps_the_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    result = CliRunner().invoke(app, ["openapi", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == openapi_document("http://localhost:8000")
    printed = CliRunner().invoke(app, ["openapi", "--base-url", "https://x.test"])
    assert json.loads(printed.stdout)["servers"] == [{"url": "https://x.test"}]


async def test_real_answers_match_their_documented_shapes(
    api: Api, factory: Factory, services: Services
) -> None:
    """Documented, never filtered: what handlers send validates against the models."""
    install()
    team = await factory.workspace()
    token = team.owner.token
    channel = await make_channel(services.db, team, [team.owner])
    posted = await api("chat.postMessage", token, channel=channel, text="hi :wave:")
    await api("reactions.add", token, channel=channel, timestamp=posted["ts"], name="wave")
    calls: list[tuple[str, dict[str, Any]]] = [
        ("team.info", {}),
        ("users.list", {}),
        ("users.info", {"user": team.owner.user_id}),
        ("users.conversations", {"types": "public_channel,private_channel,mpim,im"}),
        ("client.counts", {}),
        ("conversations.info", {"channel": channel}),
        ("conversations.history", {"channel": channel}),
        ("conversations.members", {"channel": channel}),
        ("emoji.list", {}),
    ]
    for method, args in calls:
        body = await api(method, token, **args)
        assert body["ok"], (method, body)
        model: type[BaseModel] | None = REGISTRY[method].response
        assert model is not None, method
        model.model_validate(body)
    history = HistoryResponse.model_validate(
        await api("conversations.history", token, channel=channel)
    )
    assert history.messages[0].reactions and history.messages[0].reactions[0].name == "wave"
