"""SCIM Users: a member as a resource, and the rules that provision them.

A provisioned member is an ordinary member: created through the users feature (so
`team_join` and everything that follows a new member happens), changed through its profile
action (so `user_change` reaches every client), deactivated through the same action an
admin's `admin.users.setActive` uses (audited; their sessions and tokens stop working at
once). What SCIM adds is kept beside the member: the provider's `userName` and
`externalId`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.features.scim import store
from parley.features.scim.errors import ScimError, not_found
from parley.features.scim.models import ScimUser
from parley.features.scim.schemas import USER_SCHEMA, meta
from parley.features.usergroups.interface import UserGroup
from parley.features.users.interface import (
    PROFILE_LIMITS,
    User,
    check_profile_changes,
    check_set_active,
    do_create_user,
    do_set_email,
    do_update_profile,
)
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.origin import Origin

MAX_USER_NAME = 255


def user_resource(
    base: str, user: User, link: ScimUser | None, groups: list[UserGroup]
) -> dict[str, Any]:
    name = _name(user, link)
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "userName": link.user_name if link else (user.email or user.name),
    }
    # A provider that never set `active` (or removed it) gets none back while the member
    # is active, which is what an unset `active` means here; a deactivated member always
    # says so.
    if user.deleted or not link or (link.contact or {}).get("active_given", True):
        resource["active"] = not user.deleted
    optional: dict[str, Any] = {
        "externalId": link.external_id if link else None,
        "name": name,
        "displayName": user.display_name,
        "title": user.title,
        "timezone": user.tz if user.tz and user.tz != "UTC" else None,
        "emails": _contact(link, "emails", user.email),
        "phoneNumbers": _contact(link, "phoneNumbers", user.phone),
        "groups": [
            {"value": g.id, "display": g.name, "$ref": f"{base}/Groups/{g.id}"} for g in groups
        ],
    }
    resource.update({key: value for key, value in optional.items() if value})
    created = int(user.created.timestamp())
    resource["meta"] = meta(
        "User", f"{base}/Users/{user.id}", created, max(user.updated, created), user.render_version
    )
    return resource


def _name(user: User, link: ScimUser | None) -> dict[str, str]:
    """The provider's `name` while the member's names are still the ones it gave (a
    provider that removed `name` gets none back, though the member keeps a real name)."""
    ours = {
        key: value
        for key, value in (
            ("formatted", user.real_name),
            ("givenName", user.first_name),
            ("familyName", user.last_name),
        )
        if value
    }
    provided = (link.contact or {}).get("name") if link else None
    if provided is None:
        return ours
    consistent = (provided.get("givenName") or "") == user.first_name and (
        provided.get("familyName") or ""
    ) == user.last_name
    return dict(provided) if consistent else ours


def _contact(link: ScimUser | None, attribute: str, current: str | None) -> list[dict[str, Any]]:
    """The provider's list while its primary value is still the member's, else the member's
    one value (changed in Parley since, or never provisioned)."""
    if not current:
        return []
    stored = (link.contact or {}).get(attribute) if link else None
    if stored and (_chosen(stored).get("value") or "").lower() == current.lower():
        return list(stored)
    return [{"value": current, "type": "work", "primary": True}]


def _chosen(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next((item for item in items if item.get("primary") is True), items[0])


@dataclass(frozen=True)
class UserFields:
    """A User resource's writable attributes, validated."""

    user_name: str
    external_id: str | None
    active: bool
    email: str | None
    profile: dict[str, Any]
    contact: dict[str, Any]


def check_user_fields(body: Any) -> UserFields:
    if not isinstance(body, dict):
        raise ScimError(400, "invalidSyntax", "the body is a JSON object")
    user_name = body.get(_key(body, "userName"))
    if not isinstance(user_name, str) or not user_name.strip():
        raise ScimError(400, "invalidValue", "userName is required")
    if len(user_name) > MAX_USER_NAME or "\x00" in user_name:
        raise ScimError(400, "invalidValue", "userName is too long")
    external_id = body.get(_key(body, "externalId"))
    if external_id is not None and (not isinstance(external_id, str) or len(external_id) > 255):
        raise ScimError(400, "invalidValue", "externalId is a string of at most 255 characters")
    return UserFields(
        user_name=user_name.strip(),
        external_id=external_id,
        active=_boolean(body.get(_key(body, "active"), True)),
        email=_primary_value(body, "emails"),
        profile=_profile(body),
        contact={
            "emails": _items(body, "emails"),
            "phoneNumbers": _items(body, "phoneNumbers"),
            "name": _provided_name(body),
            "active_given": _key(body, "active") in body,
        },
    )


def _key(body: dict[str, Any], name: str) -> str:
    for key in body:
        if key.lower() == name.lower():
            return key
    return name


def _boolean(value: Any) -> bool:
    """Entra ID sends `"False"` as text in PATCH values."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise ScimError(400, "invalidValue", "active is true or false")


MAX_CONTACT_ITEMS = 10
_CONTACT_KEYS = {"value": str, "type": str, "display": str, "primary": bool}


def _items(body: dict[str, Any], attribute: str) -> list[dict[str, Any]]:
    """A multi-valued contact attribute: a short list of {value, type, display, primary}."""
    items = body.get(_key(body, attribute))
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_CONTACT_ITEMS:
        raise ScimError(400, "invalidValue", f"{attribute} is a list of at most 10 objects")
    clean: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise ScimError(400, "invalidValue", f"{attribute} is a list of objects")
        kept = {}
        for key, value in item.items():
            wanted = _CONTACT_KEYS.get(key)
            if wanted is None or value is None:
                continue
            if not isinstance(value, wanted) or (isinstance(value, str) and len(value) > 255):
                raise ScimError(400, "invalidValue", f"{attribute}.{key} is not valid")
            kept[key] = value
        clean.append(kept)
    return clean


def _provided_name(body: dict[str, Any]) -> dict[str, str]:
    name = body.get(_key(body, "name")) or {}
    if not isinstance(name, dict):
        raise ScimError(400, "invalidValue", "name is an object")
    return {
        key: value
        for key in ("formatted", "givenName", "familyName")
        if isinstance(value := name.get(_key(name, key)), str) and value
    }


def _primary_value(body: dict[str, Any], attribute: str) -> str | None:
    """The primary item's `value` of a multi-valued attribute (else the first)."""
    items = _items(body, attribute)
    return (_chosen(items).get("value") or None) if items else None


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(_key(body, name))
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ScimError(400, "invalidValue", f"{name} is a string")
    return value


def _profile(body: dict[str, Any]) -> dict[str, Any]:
    """The member's profile fields, as users.profile.set takes them."""
    name = body.get(_key(body, "name")) or {}
    if not isinstance(name, dict):
        raise ScimError(400, "invalidValue", "name is an object")
    given, family = _text(name, "givenName"), _text(name, "familyName")
    formatted = _text(name, "formatted") or " ".join(p for p in (given, family) if p)
    display = _text(body, "displayName")
    profile = {
        "real_name": formatted or display or _text(body, "userName").split("@")[0],
        "first_name": given,
        "last_name": family,
        "display_name": display,
        "title": _text(body, "title"),
        "phone": _primary_value(body, "phoneNumbers") or "",
        "tz": _text(body, "timezone") or "UTC",
    }
    for key, value in profile.items():
        if len(value) > PROFILE_LIMITS[key]:
            raise ScimError(400, "invalidValue", f"{key} is longer than {PROFILE_LIMITS[key]}")
    try:
        return check_profile_changes(profile)
    except ApiError as error:
        raise ScimError(400, "invalidValue", f"{error.code}: check timezone and names") from None


async def do_create(
    uow: UnitOfWork, principal: Principal, fields: UserFields, origin: Origin
) -> User:
    if await store.user_name_taken(
        uow.session, principal.workspace_id, fields.user_name, other_than=None
    ):
        raise ScimError(409, "uniqueness", "userName is taken")
    try:
        user = await do_create_user(
            uow,
            principal.workspace_id,
            email=fields.email,
            password=None,
            real_name=fields.profile["real_name"],
            name=fields.user_name.split("@")[0],
        )
    except ApiError as error:
        raise _conflict_or_invalid(error) from None
    uow.session.add(
        ScimUser(
            user_id=user.id,
            workspace_id=user.workspace_id,
            user_name=fields.user_name,
            user_name_key=fields.user_name.lower(),
            external_id=fields.external_id,
            removed=False,
            contact=fields.contact,
        )
    )
    await do_update_profile(uow, user, fields.profile)
    if not fields.active:
        await check_set_active(uow, principal, user.id, False, origin)
    return user


async def do_replace(
    uow: UnitOfWork,
    principal: Principal,
    user: User,
    link: ScimUser | None,
    fields: UserFields,
    origin: Origin,
) -> None:
    """PUT (and PATCH, applied to the current resource): every writable attribute."""
    if await store.user_name_taken(
        uow.session, principal.workspace_id, fields.user_name, other_than=user.id
    ):
        raise ScimError(409, "uniqueness", "userName is taken")
    if link is None:
        link = ScimUser(user_id=user.id, workspace_id=user.workspace_id, removed=False)
        uow.session.add(link)
    link.user_name = fields.user_name
    link.user_name_key = fields.user_name.lower()
    link.external_id = fields.external_id
    link.contact = fields.contact
    try:
        await do_set_email(uow, user, fields.email)
    except ApiError as error:
        raise _conflict_or_invalid(error) from None
    await do_update_profile(uow, user, fields.profile)
    if fields.active == user.deleted:
        await _set_active(uow, principal, user, fields.active, origin)


async def do_remove(
    uow: UnitOfWork, principal: Principal, user: User, link: ScimUser | None, origin: Origin
) -> None:
    """DELETE: deactivated (history kept) and gone from SCIM from now on."""
    if not user.deleted:
        await _set_active(uow, principal, user, False, origin)
    if link is None:
        link = ScimUser(
            user_id=user.id,
            workspace_id=user.workspace_id,
            user_name=user.email or user.name,
            user_name_key=f"{user.id}:removed",
        )
        uow.session.add(link)
    link.removed = True
    # The name may be provisioned again for someone new.
    link.user_name_key = f"{user.id}:removed"
    await uow.session.flush()


async def _set_active(
    uow: UnitOfWork, principal: Principal, user: User, active: bool, origin: Origin
) -> None:
    try:
        await check_set_active(uow, principal, user.id, active, origin)
    except ApiError as error:
        # The primary owner, or the token's own member: the provider must not lock them out.
        raise ScimError(400, "mutability", error.code) from None


def _conflict_or_invalid(error: ApiError) -> ScimError:
    if error.code == "already_in_team":
        return ScimError(409, "uniqueness", "another member has this email address")
    return ScimError(400, "invalidValue", error.code)


async def access_user(
    uow_or_session: Any, workspace_id: str, user_id: str
) -> tuple[User, ScimUser | None]:
    session = getattr(uow_or_session, "session", uow_or_session)
    found = await store.get_user(session, workspace_id, user_id)
    if found is None:
        raise not_found("User", user_id)
    return found
