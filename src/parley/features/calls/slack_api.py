"""Slack's Calls API: calls.add / info / update / end / participants.add / remove."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.calls import app_calls, store
from parley.features.calls.actions import access_call
from parley.features.calls.models import Call
from parley.features.calls.schemas import call_object
from parley.platform.db import UnitOfWork
from parley.platform.webapi.context import Call as ApiCall
from parley.platform.webapi.params import JsonList, Params, SlackInt
from parley.platform.webapi.registry import Tier, api_method


async def _answer(session: Any, call: Call) -> dict[str, Any]:
    return {"call": call_object(call, await store.participants(session, call.id))}


class CallsAddParams(Params):
    external_unique_id: str = Field(max_length=1000)
    join_url: str = Field(max_length=8192)
    created_by: str | None = Field(default=None, max_length=32)
    date_start: SlackInt | None = None
    desktop_app_join_url: str = Field(default="", max_length=8192)
    external_display_id: str = Field(default="", max_length=1000)
    title: str = Field(default="", max_length=1000)
    users: JsonList = None


@api_method(
    "calls.add",
    params=CallsAddParams,
    scopes=("calls:write",),
    tier=Tier.T2,
    errors=(
        "invalid_created_by",
        "invalid_start_time",
        "not_authorized",
        "user_not_found",
        "invalid_arguments",
    ),
)
async def calls_add(call: ApiCall, params: CallsAddParams) -> dict[str, Any]:
    """Registers a new Call."""
    async with call.services.db.write() as uow:
        registered = await app_calls.check_add_call(
            uow,
            call.principal,
            external_unique_id=params.external_unique_id,
            join_url=params.join_url,
            created_by=params.created_by,
            date_start=params.date_start,
            desktop_app_join_url=params.desktop_app_join_url,
            external_display_id=params.external_display_id,
            title=params.title,
            users=params.users,
        )
        return await _answer(uow.session, registered)


class CallIdParams(Params):
    id: str | None = Field(default=None, max_length=32)


@api_method(
    "calls.info",
    params=CallIdParams,
    scopes=("calls:read",),
    tier=Tier.T2,
    errors=("invalid_call_id",),
)
async def calls_info(call: ApiCall, params: CallIdParams) -> dict[str, Any]:
    """Returns information about a Call (an app's, or one of Parley's huddles)."""
    async with call.services.db.read() as session:
        found = await access_call(session, call.principal, params.id)
        return await _answer(session, found)


class CallsUpdateParams(Params):
    id: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=1000)
    join_url: str | None = Field(default=None, max_length=8192)
    desktop_app_join_url: str | None = Field(default=None, max_length=8192)


@api_method(
    "calls.update",
    params=CallsUpdateParams,
    scopes=("calls:write",),
    tier=Tier.T2,
    errors=("invalid_call_id", "not_authorized", "invalid_arguments"),
)
async def calls_update(call: ApiCall, params: CallsUpdateParams) -> dict[str, Any]:
    """Updates information about a Call."""
    async with call.services.db.write() as uow:
        updated = await app_calls.check_update_call(
            uow,
            call.principal,
            params.id,
            title=params.title,
            join_url=params.join_url,
            desktop_app_join_url=params.desktop_app_join_url,
        )
        return await _answer(uow.session, updated)


class CallsEndParams(Params):
    id: str | None = Field(default=None, max_length=32)
    duration: SlackInt | None = None


@api_method(
    "calls.end",
    params=CallsEndParams,
    scopes=("calls:write",),
    tier=Tier.T2,
    errors=("invalid_call_id", "inactive_call", "not_authorized", "invalid_arguments"),
)
async def calls_end(call: ApiCall, params: CallsEndParams) -> dict[str, Any]:
    """Ends a Call."""
    async with call.services.db.write() as uow:
        await app_calls.check_end_call(uow, call.principal, params.id, duration=params.duration)
    return {}


class CallsParticipantsParams(Params):
    id: str | None = Field(default=None, max_length=32)
    users: JsonList = None


async def _participants(
    uow: UnitOfWork, call: ApiCall, params: CallsParticipantsParams, *, add: bool
) -> None:
    await app_calls.check_participants(uow, call.principal, params.id, params.users, add=add)


@api_method(
    "calls.participants.add",
    params=CallsParticipantsParams,
    scopes=("calls:write",),
    tier=Tier.T2,
    errors=(
        "invalid_call_id",
        "inactive_call",
        "bad_users",
        "user_not_found",
        "not_authorized",
        "invalid_arguments",
    ),
)
async def calls_participants_add(call: ApiCall, params: CallsParticipantsParams) -> dict[str, Any]:
    """Registers new participants added to a Call."""
    async with call.services.db.write() as uow:
        await _participants(uow, call, params, add=True)
    return {}


@api_method(
    "calls.participants.remove",
    params=CallsParticipantsParams,
    scopes=("calls:write",),
    tier=Tier.T2,
    errors=(
        "invalid_call_id",
        "inactive_call",
        "bad_users",
        "user_not_found",
        "not_authorized",
        "invalid_arguments",
    ),
)
async def calls_participants_remove(
    call: ApiCall, params: CallsParticipantsParams
) -> dict[str, Any]:
    """Registers participants removed from a Call."""
    async with call.services.db.write() as uow:
        await _participants(uow, call, params, add=False)
    return {}
