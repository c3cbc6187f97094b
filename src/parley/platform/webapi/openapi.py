"""The OpenAPI document for every registered method, generated from the registry.

Besides the paths, the document carries `x-parley-events`: one entry per event type the
server sends over the socket, taken from the event declarations (`platform/events/types.py`:
`{"type", "schema": {"$ref": …}, "audience", "scope", "events_api"}`), plus the socket's own
frames (`hello`, `pong`, …; `register_socket_frame_schema`). The web client's `RtmEvent`
union is generated from it (`scripts/gen-web-types`).
"""

from __future__ import annotations

from typing import Any, TypeVar, Union

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import SkipJsonSchema

from parley.platform.events.types import EVENT_TYPES
from parley.platform.webapi.registry import REGISTRY, Auth, Method

_T = TypeVar("_T")

# An optional wire field: may be absent, is never null in the schema (`x?: T` in TypeScript).
Opt = Union[_T, SkipJsonSchema[None]]  # noqa: UP007 (a generic alias needs Union)


class WireModel(BaseModel):
    """A Slack-shaped object as documented: permissive, it describes and never filters."""

    model_config = ConfigDict(extra="allow")


class ResponseMetadata(WireModel):
    """Cursor pagination (`response_metadata.next_cursor`, empty on the last page)."""

    next_cursor: Opt[str] = None


_ENVELOPE: dict[str, Any] = {
    "type": "object",
    "required": ["ok"],
    "properties": {"ok": {"type": "boolean"}, "error": {"type": "string"}},
}
_RESPONSE = {**_ENVELOPE, "additionalProperties": True}
# Slack answers failures with 200 too: `{"ok": false, "error": …}` and nothing else promised.
_FAILURE: dict[str, Any] = {
    "type": "object",
    "required": ["ok", "error"],
    "properties": {"ok": {"type": "boolean", "const": False}, "error": {"type": "string"}},
}

# The socket's own frames (not events of the log): frame type -> its model.
SOCKET_FRAME_SCHEMAS: dict[str, type[BaseModel]] = {}


def register_socket_frame_schema(name: str, model: type[BaseModel]) -> None:
    """Document a frame the socket sends that is not an event (`hello`, `pong`, …)."""
    if SOCKET_FRAME_SCHEMAS.get(name, model) is not model:
        raise RuntimeError(f"socket frame schema {name} registered twice")
    SOCKET_FRAME_SCHEMAS[name] = model


def _tidy(schema: Any) -> Any:
    """Drop what JSON Schema implies anyway: a model's `additionalProperties: true` and
    `default: null`.

    Both are the default meaning; leaving them out keeps the generated TypeScript exact
    (no `[key: string]: unknown` on every object, optional fields stay optional)."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "additionalProperties" and value is True and "properties" in schema:
                continue  # a model's; a free-form object (`dict[str, Any]`) keeps it
            if key == "default" and value is None:
                continue
            out[key] = _tidy(value)
        return out
    if isinstance(schema, list):
        return [_tidy(item) for item in schema]
    return schema


def _model_schema(model: type[BaseModel], defs: dict[str, Any]) -> dict[str, Any]:
    """A `$ref` to `model`, with its definitions (and those it uses) added to `defs`."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        defs[name] = _tidy(sub)
    defs[model.__name__] = _tidy(schema)
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(method: Method) -> dict[str, Any]:
    schema = method.params.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    success: dict[str, Any] = _RESPONSE
    if method.response is not None:
        success = {
            "anyOf": [{"allOf": [_ENVELOPE, _model_schema(method.response, defs)]}, _FAILURE]
        }
    operation: dict[str, Any] = {
        "operationId": method.name.replace(".", "_"),
        "summary": method.summary,
        "tags": [method.name.split(".")[0]],
        "requestBody": {
            "required": False,
            "content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "application/json": {"schema": schema},
            },
        },
        "responses": {
            "200": {
                "description": "Slack-style result",
                "content": {"application/json": {"schema": success}},
            },
            "429": {
                "description": "Rate limited; see Retry-After",
                "content": {"application/json": {"schema": _RESPONSE}},
            },
        },
        "x-parley-tier": method.tier.value,
        "x-parley-scopes": list(method.scopes),
        "x-parley-errors": list(method.errors),
        "x-slack-compatible": method.slack_compatible,
    }
    if method.auth is Auth.TOKEN:
        operation["security"] = [{"bearer": []}]
    return {"post": operation, "_defs": defs}


def _merge(components: dict[str, Any], defs: dict[str, Any]) -> None:
    """Add `defs` to the document's schemas; two different models under one name fail."""
    for name, schema in defs.items():
        if components.setdefault(name, schema) != schema:
            raise RuntimeError(f"two different schemas are both named {name}")


def _events(components: dict[str, Any]) -> list[dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for declared in EVENT_TYPES:
        if not declared.rtm or declared.control:
            continue  # apps-only notices and node instructions never reach a socket
        entries[declared.name] = {
            "schema": _documented(declared.payload, components),
            "audience": list(declared.audience),
            "scope": declared.scope,
            "events_api": declared.events_api,
        }
    for name, model in SOCKET_FRAME_SCHEMAS.items():
        entries.setdefault(name, {"schema": _documented(model, components)})
    return [{"type": name, **entries[name]} for name in sorted(entries)]


def _documented(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    ref = _model_schema(model, defs)
    _merge(components, defs)
    return ref


def openapi_document(base_url: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    components: dict[str, Any] = {}
    for name in sorted(REGISTRY):
        item = _operation(REGISTRY[name])
        _merge(components, item.pop("_defs"))
        paths[f"/api/{name}"] = item
    events = _events(components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parley Web API",
            "version": "0.1.0",
            "description": "Slack-compatible Web API served by Parley.",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "x-parley-events": events,
    }
