"""Message metadata: Slack's event metadata, Work Objects entity metadata, or both.

Event metadata is `{"event_type": str, "event_payload": object}`. Work Objects
(docs.slack.dev/messaging/work-objects) add `entities`: each one
`{"entity_type", "entity_payload": {"attributes": {"title": {"text"}}, …},
"external_ref": {"id", "type"?}, "url", "app_unfurl_url"?}`. A message may carry either or
both. Parley checks the shape (what an app reading the message back relies on) and keeps
each part as sent; the rest of an entity's payload is the app's, and open-ended.
"""

from __future__ import annotations

from typing import Any

from parley.platform.errors import ApiError

MAX_ENTITIES = 50  # a message is one conversation line, not a data store
_INVALID = "invalid_metadata_format"


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_entity(entity: Any) -> dict[str, Any]:
    if not isinstance(entity, dict):
        raise ApiError(_INVALID)
    payload = entity.get("entity_payload")
    reference = entity.get("external_ref")
    if (
        not _text(entity.get("entity_type"))
        or not _text(entity.get("url"))
        or not isinstance(payload, dict)
        or not isinstance(reference, dict)
        or not _text(reference.get("id"))
        or not isinstance(reference.get("type", ""), str)
        or not isinstance(entity.get("app_unfurl_url", ""), str)
    ):
        raise ApiError(_INVALID)
    attributes = payload.get("attributes")
    if attributes is not None:
        title = attributes.get("title") if isinstance(attributes, dict) else None
        if not isinstance(title, dict) or not isinstance(title.get("text"), str):
            raise ApiError(_INVALID)
    return entity


def check_metadata(metadata: Any) -> dict[str, Any] | None:
    """The metadata to store, or `invalid_metadata_format`: an object with an `event_type`
    (and an object `event_payload`), or with a non-empty `entities` array, or both."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise ApiError(_INVALID)
    event_type = metadata.get("event_type")
    event_payload = metadata.get("event_payload", {})
    entities = metadata.get("entities")
    if event_type is not None and not isinstance(event_type, str):
        raise ApiError(_INVALID)
    if not isinstance(event_payload, dict):
        raise ApiError(_INVALID)
    if entities is not None and (
        not isinstance(entities, list) or not entities or len(entities) > MAX_ENTITIES
    ):
        raise ApiError(_INVALID)
    if event_type is None and entities is None:
        raise ApiError(_INVALID)
    stored: dict[str, Any] = {}
    if event_type is not None:
        stored.update(event_type=event_type, event_payload=event_payload)
    if entities is not None:
        stored["entities"] = [_check_entity(entity) for entity in entities]
    return stored
