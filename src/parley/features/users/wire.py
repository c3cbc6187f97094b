"""The user objects the Web API and the socket carry, as documented types (never filters)."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, ResponseMetadata, WireModel


class Profile(WireModel):
    display_name: Opt[str] = None
    real_name: Opt[str] = None
    title: Opt[str] = None
    status_text: Opt[str] = None
    status_emoji: Opt[str] = None
    status_expiration: Opt[int] = None
    phone: Opt[str] = None
    image_24: Opt[str] = None
    image_32: Opt[str] = None
    image_48: Opt[str] = None
    image_72: Opt[str] = None
    image_192: Opt[str] = None
    image_512: Opt[str] = None
    image_original: Opt[str] = None
    email: Opt[str] = None
    # Custom profile fields by id: {"value", "alt"} (users.profile.get/set; team.profile.get)
    fields: Opt[dict[str, dict[str, str]]] = None


class User(WireModel):
    id: str
    name: str
    team_id: Opt[str] = None
    real_name: Opt[str] = None
    deleted: Opt[bool] = None
    color: Opt[str] = None
    is_bot: Opt[bool] = None
    is_admin: Opt[bool] = None
    is_owner: Opt[bool] = None
    is_restricted: Opt[bool] = None
    profile: Opt[Profile] = None
    tz: Opt[str] = None


class UsersListResponse(WireModel):
    members: list[User]
    response_metadata: Opt[ResponseMetadata] = None


class UsersInfoResponse(WireModel):
    user: User


class ProfileResponse(WireModel):
    profile: Profile


class PresenceResponse(WireModel):
    presence: str


class UserEvent(WireModel):
    """`user_change` and `team_join`: the whole user object."""

    type: str
    user: User
