"""Argument types for Web API methods: Slack sends everything as strings, CSV or JSON text."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema

from parley.platform.errors import ApiError


class Params(BaseModel):
    """Base for every method's arguments; unknown arguments (Bolt's `team_id`…) are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class NoParams(Params):
    pass


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
    return value


def _to_list(value: Any) -> Any:
    """A list from a JSON array, a JSON-encoded array string or comma-separated text."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return orjson.loads(text)
            except orjson.JSONDecodeError:
                raise ApiError("invalid_array_arg") from None
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


def _json_text(value: Any) -> Any:
    """Structured values (blocks, attachments, profile) may arrive as JSON-encoded strings."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise ApiError("invalid_json") from None
    return value


SlackBool = Annotated[bool, BeforeValidator(_to_bool)]
# Documented as what callers may send: a comma-separated string or an array of strings.
_CSV_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
CsvList = Annotated[list[str], BeforeValidator(_to_list), WithJsonSchema(_CSV_SCHEMA)]
JsonList = Annotated[list[Any] | None, BeforeValidator(_json_text)]
JsonObject = Annotated[dict[str, Any] | None, BeforeValidator(_json_text)]
