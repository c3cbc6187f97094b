"""Parley's methods a person's client calls around an app's views: opening the App Home
(`app_home_opened` to the app), acting on a view's interactive element (`block_actions`
with the view as context) and asking for an external select's options (`block_suggestion`).
"""

from __future__ import annotations

import time
from typing import Any

from parley.features.apps.caller import send_interactive, user_object
from parley.features.apps.models import App
from parley.features.apps.views import (
    access_view_element,
    check_open_home,
    do_create_trigger,
    view_object,
)
from parley.features.apps.wire import AppHomeResponse, BlockSuggestionResponse
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import JsonList, JsonObject, Params, SlackInt
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method

MAX_OPTIONS = 100
EXTERNAL_SELECTS = ("external_select", "multi_external_select")
_SELECTIONS = (
    "selected_option",
    "selected_options",
    "selected_user",
    "selected_users",
    "selected_conversation",
    "selected_conversations",
    "selected_channel",
    "selected_channels",
    "selected_date",
    "selected_time",
    "selected_date_time",
)


class HomeParams(Params):
    app_id: str | None = None
    tab: str = "home"


class ViewActionParams(Params):
    view_id: str | None = None
    action_id: str | None = None
    block_id: str | None = None
    value: str | None = None
    selected_option: JsonObject = None
    selected_options: JsonList = None
    selected_user: str | None = None
    selected_users: JsonList = None
    selected_conversation: str | None = None
    selected_conversations: JsonList = None
    selected_channel: str | None = None
    selected_channels: JsonList = None
    selected_date: str | None = None
    selected_time: str | None = None
    selected_date_time: SlackInt | None = None
    values: JsonObject = None


class SuggestionParams(Params):
    view_id: str | None = None
    action_id: str | None = None
    block_id: str | None = None
    value: str = ""


def _team(call: Call, app: App) -> dict[str, Any]:
    return {"id": app.workspace_id, "domain": call.principal.team_domain}


def _action_object(
    block_id: str, element: dict[str, Any], params: ViewActionParams
) -> dict[str, Any]:
    kind = str(element.get("type") or "button")
    action: dict[str, Any] = {
        "type": kind,
        "action_id": params.action_id,
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if isinstance(element.get("text"), dict):
        action["text"] = element["text"]
    if kind == "button":
        action["value"] = params.value if params.value is not None else element.get("value", "")
        if element.get("style"):
            action["style"] = element["style"]
        return action
    for name in _SELECTIONS:
        chosen = getattr(params, name)
        if chosen is not None:
            action[name] = chosen
    if params.value is not None:
        action["value"] = params.value
    return action


@api_method(
    "apps.home.open",
    params=HomeParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"app_id": "app_not_found"},
    errors=("app_not_found", "invalid_tab"),
    response=AppHomeResponse,
)
async def apps_home_open(call: Call, params: HomeParams) -> dict[str, Any]:
    """Parley: the person opened an app's Home or Messages tab.

    The app hears Slack's `app_home_opened` (with the published view on the Home tab, if
    any) when it subscribed to it; the answer holds that view and the DM with the bot."""
    async with call.services.db.write() as uow:
        opened = await check_open_home(uow, call.principal, params.app_id, params.tab)
    return {"channel": opened.channel_id, "view": opened.view}


@api_method(
    "interactions.viewAction",
    params=ViewActionParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"view_id": "not_found", "action_id": "action_not_found"},
    errors=("not_found", "action_not_found", "dispatch_failed", "operation_timeout"),
)
async def interactions_view_action(call: Call, params: ViewActionParams) -> dict[str, Any]:
    """Parley: click a button / choose in a select of a modal or App Home (`block_actions`).

    The payload has the view (with the current input `state`) as its container, and a
    `trigger_id` the app may use to open, or push onto, a modal."""
    async with call.services.db.read() as session:
        target = await access_view_element(
            session, call.principal, params.view_id, params.action_id, params.block_id
        )
    row, app = target.view, target.app
    async with call.services.db.write() as uow:
        trigger_id = await do_create_trigger(
            uow, app, call.principal.user_id, view_id=row.id if row.type == "modal" else None
        )
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user_object(call),
        "api_app_id": app.id,
        "token": app.verification_token,
        "container": {"type": "view", "view_id": row.id},
        "trigger_id": trigger_id,
        "team": _team(call, app),
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view_object(row, app, {"values": params.values or {}}),
        "actions": [_action_object(target.block_id, target.element, params)],
    }
    await send_interactive(call, app, payload)
    return {}


def _options_url(app: App) -> str | None:
    """Slack's "Select Menus Options Load URL", else the interactivity request URL."""
    settings = app.manifest.get("settings") if isinstance(app.manifest, dict) else None
    interactivity = settings.get("interactivity") if isinstance(settings, dict) else None
    url = interactivity.get("message_menu_options_url") if isinstance(interactivity, dict) else None
    return url if isinstance(url, str) and url else app.interactivity_url


def _text_object(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        kind = value.get("type") if value.get("type") in ("plain_text", "mrkdwn") else "plain_text"
        return {"type": kind, "text": value["text"][:75]}
    return None


def _clean_options(value: Any) -> list[dict[str, Any]]:
    """Options an app answered with, kept only when well-formed (text and value)."""
    kept: list[dict[str, Any]] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        text = _text_object(item.get("text"))
        option_value = item.get("value")
        if text is None or not isinstance(option_value, str):
            continue
        option: dict[str, Any] = {"text": text, "value": option_value[:150]}
        description = _text_object(item.get("description"))
        if description is not None:
            option["description"] = description
        kept.append(option)
    return kept[:MAX_OPTIONS]


@api_method(
    "interactions.blockSuggestion",
    params=SuggestionParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"view_id": "not_found", "action_id": "action_not_found"},
    errors=("not_found", "action_not_found", "dispatch_failed", "operation_timeout"),
    response=BlockSuggestionResponse,
)
async def interactions_block_suggestion(call: Call, params: SuggestionParams) -> dict[str, Any]:
    """Parley: the options of an `external_select` in a view, for what the person typed.

    The app's options load URL (or Socket Mode) gets Slack's `block_suggestion` payload and
    answers `options` or `option_groups`; malformed options are dropped."""
    async with call.services.db.read() as session:
        target = await access_view_element(
            session,
            call.principal,
            params.view_id,
            params.action_id,
            params.block_id,
            types=EXTERNAL_SELECTS,
        )
    row, app = target.view, target.app
    payload: dict[str, Any] = {
        "type": "block_suggestion",
        "user": user_object(call),
        "container": {"type": "view", "view_id": row.id},
        "api_app_id": app.id,
        "token": app.verification_token,
        "action_id": params.action_id,
        "block_id": target.block_id,
        "value": params.value[:150],
        "team": _team(call, app),
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view_object(row, app),
    }
    body = await send_interactive(call, app, payload, url=_options_url(app)) or {}
    groups = []
    for group in body.get("option_groups") or []:
        label = _text_object(group.get("label")) if isinstance(group, dict) else None
        options = _clean_options(group.get("options")) if isinstance(group, dict) else []
        if label is not None and options:
            groups.append({"label": label, "options": options})
    return {"options": _clean_options(body.get("options")), "option_groups": groups}
