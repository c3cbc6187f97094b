"""Argument types for Web API methods: whatever form a real Slack client sends them in.

The same argument reaches Parley in different forms depending on the client: form-encoded
text (`"42"`, `"1"`, `"a,b"`, JSON text for blocks), or a JSON body with native values
(slack_sdk sends `chat.postMessage`, `chat.scheduleMessage`, `views.*`… as JSON: an integer
`post_at`, a float `thread_ts`, `true`, arrays, objects). Slack accepts all of them, so
every parameter type here does too (decision 0014):

- text (`str`): numbers are taken as their decimal text (`Params` config);
- `SlackTs`: a message timestamp; a JSON number becomes Slack's `"<seconds>.<6 digits>"`;
- `SlackInt`: numbers, numeric text (`"42"`, `" 42 "`, `"42.0"`); empty text = the default;
- `SlackBool`: `true`/`false`, `1`/`0` as numbers or text, `"yes"`/`"no"`, empty = false;
- `CsvList`: an array, a JSON array as text, or comma-separated text;
- `JsonList` / `JsonObject`: the structure itself or its JSON text.

`WIRE_FORMS` lists, per kind, the forms real clients send; the generated test
(tests/platform/webapi/test_param_forms.py) sends every parameter of every method in each
of them, and docs/api-coverage.md shows them per method ("forms tried").
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

import orjson
from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUseDefault

from parley.platform.errors import ApiError


class Params(BaseModel):
    """Base for every method's arguments; unknown arguments (Bolt's `team_id`…) are ignored.

    A JSON `null` counts as an absent argument (the default applies, or the method's
    "missing" error), and a text parameter takes a JSON number as its decimal text."""

    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict) and None in data.values():
            return {key: value for key, value in data.items() if value is not None}
        return data


class NoParams(Params):
    pass


@dataclass(frozen=True)
class WireKind:
    """Marks a parameter type with the kind of value it takes (see `WIRE_FORMS`)."""

    name: str


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
    return value


def _to_int(value: Any) -> Any:
    """Empty text means "not given" (the default); pydantic reads `" 42 "` and `"42.0"`."""
    if isinstance(value, str) and not value.strip():
        raise PydanticUseDefault()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _to_ts(value: Any) -> Any:
    """A timestamp as Slack's text. A JSON float has 15-16 significant digits: for any
    Unix time before 2242 the nearest double is within 0.12 µs of the ts that was meant,
    so six decimals give back exactly that ts (1700000000.0001 → "1700000000.000100")."""
    if isinstance(value, bool):
        return value  # refused by the text validation, not read as 1/0
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, str):
        return value.strip()
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


# Documented as what callers may send (the OpenAPI document, the web client's types);
# text forms of numbers and booleans are implied by form encoding.
_CSV_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_TS_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "number"}]}

SlackBool = Annotated[bool, BeforeValidator(_to_bool), WireKind("boolean")]
SlackInt = Annotated[int, BeforeValidator(_to_int), WireKind("integer")]
SlackTs = Annotated[str, BeforeValidator(_to_ts), WithJsonSchema(_TS_SCHEMA), WireKind("ts")]
CsvList = Annotated[
    list[str], BeforeValidator(_to_list), WithJsonSchema(_CSV_SCHEMA), WireKind("list")
]
JsonList = Annotated[list[Any] | None, BeforeValidator(_json_text), WireKind("json array")]
JsonObject = Annotated[dict[str, Any] | None, BeforeValidator(_json_text), WireKind("json object")]


# --- the forms real clients send, per kind -------------------------------------------------

FORM = "form"  # application/x-www-form-urlencoded (Bolt JS, slack_sdk's non-JSON methods)
QUERY = "query"  # a GET query string (curl, scripts, `token=` in the URL)
JSON = "json"  # application/json (slack_sdk's chat.*, views.*…; Parley's web client)
ALL_ENCODINGS = (FORM, QUERY, JSON)


@dataclass(frozen=True)
class WireForm:
    """One way a client sends a value: `sent` on the wire, read as `expected`."""

    label: str
    sent: Any
    expected: Any
    encodings: tuple[str, ...] = ALL_ENCODINGS


_TEXT_FORMS = (
    WireForm("text", "x1", "x1"),
    WireForm("JSON number", 42, "42", (JSON,)),
)
WIRE_FORMS: dict[str, tuple[WireForm, ...]] = {
    "string": _TEXT_FORMS,
    "ts": (
        WireForm("ts text", "1700000000.000100", "1700000000.000100"),
        WireForm("JSON float", 1700000000.0001, "1700000000.000100", (JSON,)),
        WireForm("JSON integer", 1700000000, "1700000000", (JSON,)),
    ),
    "integer": (
        WireForm("digits", "42", 42),
        WireForm("padded", " 42 ", 42, (FORM, JSON)),
        WireForm("JSON integer", 42, 42, (JSON,)),
        WireForm("JSON float", 42.0, 42, (JSON,)),
    ),
    "boolean": (
        WireForm('"true"', "true", True),
        WireForm('"1"', "1", True),
        WireForm('"false"', "false", False),
        WireForm('"0"', "0", False),
        WireForm("JSON true", True, True, (JSON,)),
        WireForm("JSON 0", 0, False, (JSON,)),
    ),
    "list": (
        WireForm("comma-separated", "a1,b2", ["a1", "b2"]),
        WireForm("JSON text", '["a1","b2"]', ["a1", "b2"], (FORM, JSON)),
        WireForm("JSON array", ["a1", "b2"], ["a1", "b2"], (JSON,)),
    ),
    "json array": (
        WireForm("JSON text", '[{"a":1}]', [{"a": 1}], (FORM, JSON)),
        WireForm("JSON array", [{"a": 1}], [{"a": 1}], (JSON,)),
    ),
    "json object": (
        WireForm("JSON text", '{"a":1}', {"a": 1}, (FORM, JSON)),
        WireForm("JSON object", {"a": 1}, {"a": 1}, (JSON,)),
    ),
    # Free-form (a manifest, unfurls): taken as sent, whichever form.
    "any": (
        WireForm("JSON text", '{"a":1}', '{"a":1}', (FORM, JSON)),
        WireForm("JSON object", {"a": 1}, {"a": 1}, (JSON,)),
    ),
}

_PLAIN_KINDS: dict[Any, str] = {str: "string", int: "integer", bool: "boolean", Any: "any"}


def _kind_of(annotation: Any, metadata: list[Any]) -> str | None:
    for item in metadata:
        if isinstance(item, WireKind):
            return item.name
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        return _kind_of(base, list(extra))
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = {_kind_of(arg, []) for arg in get_args(annotation) if arg is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    return _PLAIN_KINDS.get(annotation)


def wire_kind(field: FieldInfo) -> str:
    """The kind of value a parameter takes (a key of `WIRE_FORMS`)."""
    kind = _kind_of(field.annotation, list(field.metadata))
    if kind is None:
        raise TypeError(f"no wire kind for parameter type {field.annotation!r}")
    return kind


def parameter_kinds(model: type[Params]) -> dict[str, str]:
    """Each parameter of a method, by name, with its wire kind."""
    return {name: wire_kind(field) for name, field in model.model_fields.items()}
