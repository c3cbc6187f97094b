"""Custom profile fields: admins define them (our admin.teams.profile.* methods), members
fill them through users.profile.set's `profile.fields`, everyone reads them (team.profile.get,
users.profile.get). Slack's shapes: a field definition and `{"Xf…": {"value", "alt"}}`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.users import fields_store
from parley.features.users.models import FIELD_TYPES, ProfileField, ProfileFieldValue, User
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, workspace_audience
from parley.platform.ids import looks_like, new_id

MAX_LABEL = 255
MAX_HINT = 255
MAX_VALUE = 2048
MAX_ALT = 255
MAX_OPTIONS = 100
VISIBILITIES = ("all", "visible", "hidden")


def _is_field_id(value: object) -> bool:
    """Slack's field ids are `Xf` and upper-case letters and digits (`Xf06054AAA`)."""
    return isinstance(value, str) and looks_like("X" + value[2:], "X") and value[:2] == "Xf"


def field_object(field: ProfileField) -> dict[str, Any]:
    """Slack's field definition, as team.profile.get lists it."""
    return {
        "id": field.id,
        "ordering": field.ordering,
        "field_name": "",
        "label": field.label,
        "hint": field.hint,
        "type": field.type,
        "possible_values": list(field.possible_values) if field.possible_values else None,
        "options": {"is_protected": False, "is_scim": False},
        "is_hidden": field.is_hidden,
        "section_id": field.section_id,
    }


def values_object(values: Sequence[ProfileFieldValue]) -> dict[str, dict[str, str]]:
    """A member's `profile.fields`: field id -> {value, alt}."""
    return {v.field_id: {"value": v.value, "alt": v.alt} for v in values}


async def access_fields(
    session: AsyncSession, principal: Principal, visibility: str
) -> list[dict[str, Any]]:
    """team.profile.get: the workspace's fields, filtered by `visibility` (all, visible,
    hidden; anything else is Slack's `invalid_visibility`)."""
    if visibility not in VISIBILITIES:
        raise ApiError("invalid_visibility")
    fields = await fields_store.list_fields(session, principal.workspace_id)
    wanted = {"all": None, "visible": False, "hidden": True}[visibility]
    return [field_object(f) for f in fields if wanted is None or f.is_hidden == wanted]


async def fields_of_user(session: AsyncSession, workspace_id: str, user_id: str) -> dict[str, Any]:
    return values_object(await fields_store.user_values(session, workspace_id, user_id))


def _text(raw: Any, limit: int, *, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str) or "\x00" in raw or len(raw.strip()) > limit:
        raise ApiError("invalid_profile")
    if required and not raw.strip():
        raise ApiError("invalid_profile")
    return raw.strip()


def _options(raw: Any, kind: str) -> list[str] | None:
    if kind != "options_list":
        return None
    if not isinstance(raw, list) or not raw or len(raw) > MAX_OPTIONS:
        raise ApiError("invalid_profile")
    return [_text(value, MAX_LABEL, required=True) for value in raw]


def _apply_definition(field: ProfileField, raw: dict[str, Any], *, creating: bool) -> None:
    """Validated fields of `raw` onto `field` (a new field needs a label)."""
    if creating or "label" in raw:
        field.label = _text(raw.get("label"), MAX_LABEL, required=True)
    if creating or "hint" in raw:
        field.hint = _text(raw.get("hint"), MAX_HINT)
    if creating or "type" in raw:
        kind = raw.get("type", "text")
        if kind not in FIELD_TYPES:
            raise ApiError("invalid_profile")
        field.type = kind
    if creating or "possible_values" in raw or "type" in raw:
        field.possible_values = _options(
            raw.get("possible_values", field.possible_values), field.type
        )
    if "ordering" in raw:
        if not isinstance(raw["ordering"], int) or isinstance(raw["ordering"], bool):
            raise ApiError("invalid_profile")
        field.ordering = raw["ordering"]
    if "is_hidden" in raw:
        if not isinstance(raw["is_hidden"], bool):
            raise ApiError("invalid_profile")
        field.is_hidden = raw["is_hidden"]
    if "section_id" in raw:
        field.section_id = _text(raw["section_id"], 24)


async def check_set_field(uow: UnitOfWork, actor: Principal, raw: dict[str, Any]) -> ProfileField:
    """admin.teams.profile.setField: an admin adds a field (no `id`) or changes one;
    `not_an_admin`, `field_not_found`, `too_many_fields` (Slack's limit of 50),
    `invalid_profile` for a bad definition. Announced as Slack's `team_profile_change`."""
    if not actor.is_admin:
        raise ApiError("not_an_admin")
    field_id = raw.get("id")
    session = uow.session
    if field_id is None:
        if await fields_store.count_fields(session, actor.workspace_id) >= fields_store.MAX_FIELDS:
            raise ApiError("too_many_fields")
        existing = await fields_store.list_fields(session, actor.workspace_id)
        field = ProfileField(
            id=new_id("Xf"),
            workspace_id=actor.workspace_id,
            ordering=max((f.ordering for f in existing), default=-1) + 1,
            is_hidden=False,
            section_id="",
        )
        _apply_definition(field, raw, creating=True)
        session.add(field)
    else:
        found = None
        if _is_field_id(field_id):
            found = await fields_store.get_field(session, actor.workspace_id, field_id)
        if found is None:
            raise ApiError("field_not_found")
        field = found
        _apply_definition(field, raw, creating=False)
    await session.flush()
    await emit(
        uow,
        actor.workspace_id,
        {"type": "team_profile_change", "profile": {"fields": [field_object(field)]}},
        workspace_audience(),
    )
    return field


async def check_remove_field(uow: UnitOfWork, actor: Principal, field_id: str) -> None:
    """admin.teams.profile.removeField: the field and every member's value of it go;
    announced as Slack's `team_profile_delete`."""
    if not actor.is_admin:
        raise ApiError("not_an_admin")
    field = None
    if _is_field_id(field_id):
        field = await fields_store.get_field(uow.session, actor.workspace_id, field_id)
    if field is None:
        raise ApiError("field_not_found")
    await fields_store.delete_field(uow.session, field)
    await uow.session.flush()
    await emit(
        uow,
        actor.workspace_id,
        {"type": "team_profile_delete", "profile": {"fields": [{"id": field_id}]}},
        workspace_audience(),
    )


def _value_of(raw: Any) -> tuple[str, str]:
    """Slack sends `{"value": …, "alt": …}`; a bare string is taken as the value."""
    if isinstance(raw, str):
        return _text(raw, MAX_VALUE), ""
    if not isinstance(raw, dict):
        raise ApiError("invalid_profile")
    return _text(raw.get("value"), MAX_VALUE), _text(raw.get("alt"), MAX_ALT)


async def check_field_values(
    session: AsyncSession, workspace_id: str, raw: Any
) -> dict[str, tuple[str, str]]:
    """`profile.fields` of users.profile.set: known field ids of this workspace only
    (another workspace's field is unknown here: `invalid_profile`); an options list takes
    one of its values; an empty value clears the field."""
    if not isinstance(raw, dict):
        raise ApiError("invalid_profile")
    fields = {f.id: f for f in await fields_store.list_fields(session, workspace_id)}
    clean: dict[str, tuple[str, str]] = {}
    for field_id, value in raw.items():
        field = fields.get(field_id)
        if field is None:
            raise ApiError("invalid_profile", field=field_id)
        text, alt = _value_of(value)
        if text and field.type == "options_list" and text not in (field.possible_values or []):
            raise ApiError("invalid_profile", field=field_id)
        if text and field.type == "user" and not looks_like(text, "U", "W"):
            raise ApiError("invalid_profile", field=field_id)
        clean[field_id] = (text, alt)
    return clean


async def do_set_field_values(
    uow: UnitOfWork, user: User, values: dict[str, tuple[str, str]]
) -> None:
    """Store a member's field values (an empty value removes it)."""
    session = uow.session
    current = {
        v.field_id: v for v in await fields_store.user_values(session, user.workspace_id, user.id)
    }
    for field_id, (text, alt) in values.items():
        row = current.get(field_id)
        if not text:
            if row is not None:
                await fields_store.delete_value(session, user.workspace_id, user.id, field_id)
            continue
        if row is None:
            session.add(
                ProfileFieldValue(
                    user_id=user.id,
                    field_id=field_id,
                    workspace_id=user.workspace_id,
                    value=text,
                    alt=alt,
                )
            )
        else:
            row.value, row.alt = text, alt
    await session.flush()
