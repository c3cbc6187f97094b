"""Parley's methods the web client calls to reach apps: `commands.invoke` (typing
`/cmd text`), `interactions.blockAction` (clicking a button or choosing in a select),
`commands.list`, and `incomingWebhooks.create`."""

from __future__ import annotations

import time
from typing import Any

import orjson

from parley.features.apps import actions, store
from parley.features.apps.api import _base_url
from parley.features.apps.caller import send_interactive, user_object
from parley.features.apps.interactive import new_response_url, parse_reply, post_reply, send_to_app
from parley.features.apps.manifest import shortcuts_of
from parley.features.apps.models import App
from parley.features.apps.views import do_create_trigger
from parley.features.apps.wire import CommandsListResponse, ShortcutsListResponse
from parley.features.messages.interface import message_object
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackTs
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


class InvokeParams(Params):
    channel: str | None = None
    command: str | None = None
    text: str = ""


class BlockActionParams(Params):
    channel: str | None = None
    ts: SlackTs | None = None
    action_id: str | None = None
    block_id: str | None = None
    value: str | None = None
    selected_option: Any = None


class WebhookParams(Params):
    channel: str | None = None


async def _trigger(call: Call, app: App) -> str:
    async with call.services.db.write() as uow:
        return await do_create_trigger(uow, app, call.principal.user_id)


@api_method(
    "commands.invoke",
    params=InvokeParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"channel": "channel_not_found", "command": "invalid_command"},
    errors=("channel_not_found", "invalid_command", "dispatch_failed", "operation_timeout"),
)
async def commands_invoke(call: Call, params: InvokeParams) -> dict[str, Any]:
    """Parley: run a slash command (`/cmd text`) in a channel on the caller's behalf.

    The app gets Slack's slash command payload (signed POST or Socket Mode); its immediate
    answer is shown (ephemeral unless `response_type` is `in_channel`)."""
    principal = call.principal
    async with call.services.db.read() as session:
        target = await actions.access_command(session, principal, params.channel, params.command)
    conversation, command, app = target.conversation, target.command, target.app
    response_url = await new_response_url(
        call.services,
        _base_url(call),
        app,
        channel_id=conversation.id,
        user_id=principal.user_id,
        message_ts=None,
    )
    form = {
        "token": app.verification_token,
        "team_id": principal.workspace_id,
        "team_domain": principal.team_domain,
        "channel_id": conversation.id,
        "channel_name": conversation.name or conversation.id,
        "user_id": principal.user_id,
        "user_name": principal.user_name,
        "command": command.command,
        "text": params.text,
        "api_app_id": app.id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": await _trigger(call, app),
    }
    answer = await send_to_app(
        call.services,
        app,
        url=command.url or app.request_url,
        kind="slash_commands",
        payload=dict(form),
        form=form,
    )
    reply = parse_reply(answer)
    if reply is None or reply.empty:
        return {"response": None}
    async with call.services.db.write() as uow:
        shown = await post_reply(
            uow, app, conversation, user_id=principal.user_id, reply=reply, original=None
        )
    return {"response": shown}


@api_method("commands.list", tier=Tier.T3, slack_compatible=False, response=CommandsListResponse)
async def commands_list(call: Call, params: Any) -> dict[str, Any]:
    """Parley: the slash commands of the workspace's apps (for the composer's autocomplete)."""
    async with call.services.db.read() as session:
        commands = await store.commands_of_workspace(session, call.principal.workspace_id)
    return {
        "commands": [
            {
                "command": c.command,
                "app_id": c.app_id,
                "description": c.description,
                "usage_hint": c.usage_hint,
            }
            for c in commands
        ]
    }


def _action_object(
    block_id: str, element: dict[str, Any], params: BlockActionParams
) -> dict[str, Any]:
    action: dict[str, Any] = {
        "action_id": params.action_id,
        "block_id": block_id,
        "type": element.get("type", "button"),
        "action_ts": f"{time.time():.6f}",
    }
    if isinstance(element.get("text"), dict):
        action["text"] = element["text"]
    if element.get("type") == "button":
        action["value"] = params.value if params.value is not None else element.get("value", "")
    elif params.selected_option is not None:
        option = params.selected_option
        action["selected_option"] = orjson.loads(option) if isinstance(option, str) else option
    elif params.value is not None:
        action["value"] = params.value
    return action


@api_method(
    "interactions.blockAction",
    params=BlockActionParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={
        "channel": "channel_not_found",
        "ts": "message_not_found",
        "action_id": "action_not_found",
    },
    errors=(
        "channel_not_found",
        "message_not_found",
        "action_not_found",
        "app_not_found",
        "dispatch_failed",
        "operation_timeout",
    ),
)
async def interactions_block_action(call: Call, params: BlockActionParams) -> dict[str, Any]:
    """Parley: click a button / choose in a select of an app's message (`block_actions`).

    The app gets Slack's `block_actions` payload with `response_url` and `trigger_id`."""
    principal = call.principal
    async with call.services.db.read() as session:
        target = await actions.access_message_action(
            session, principal, params.channel, params.ts, params.action_id, params.block_id
        )
    conversation, message, app = target.conversation, target.message, target.app
    response_url = await new_response_url(
        call.services,
        _base_url(call),
        app,
        channel_id=conversation.id,
        user_id=principal.user_id,
        message_ts=message.ts,
    )
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user_object(call),
        "api_app_id": app.id,
        "token": app.verification_token,
        "container": {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": conversation.id,
            "is_ephemeral": False,
        },
        "trigger_id": await _trigger(call, app),
        "team": {"id": principal.workspace_id, "domain": principal.team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": conversation.id, "name": conversation.name or conversation.id},
        "message": message_object(message),
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [_action_object(target.block_id, target.element, params)],
    }
    await send_interactive(call, app, payload)
    return {}


@api_method(
    "incomingWebhooks.create",
    params=WebhookParams,
    tier=Tier.T2,
    slack_compatible=False,
    missing_errors={"channel": "channel_not_found"},
    errors=("channel_not_found", "no_permission"),
)
async def incoming_webhooks_create(call: Call, params: WebhookParams) -> dict[str, Any]:
    """Parley: make a secret incoming-webhook URL that posts into `channel`.

    For workspace admins, or apps with the `incoming-webhook` scope."""
    principal = call.principal
    async with call.services.db.write() as uow:
        created = await actions.check_create_webhook(uow, principal, params.channel)
    conversation = created.conversation
    url = f"{_base_url(call)}/services/{principal.workspace_id}/{created.hook.id}/{created.secret}"
    return {
        "incoming_webhook": {
            "channel": conversation.name or conversation.id,
            "channel_id": conversation.id,
            "configuration_url": "",
            "url": url,
        }
    }


class ShortcutParams(Params):
    app_id: str | None = None
    callback_id: str | None = None
    channel: str | None = None
    ts: SlackTs | None = None


@api_method("shortcuts.list", tier=Tier.T3, slack_compatible=False, response=ShortcutsListResponse)
async def shortcuts_list(call: Call, params: Any) -> dict[str, Any]:
    """Parley: the global and message shortcuts of the workspace's apps."""
    async with call.services.db.read() as session:
        apps = await store.apps_of_workspace(session, call.principal.workspace_id)
    return {
        "shortcuts": [
            {
                "app_id": app.id,
                "name": s.name,
                "type": s.type,
                "callback_id": s.callback_id,
                "description": s.description,
            }
            for app in apps
            for s in shortcuts_of(app.manifest)
        ]
    }


@api_method(
    "interactions.shortcut",
    params=ShortcutParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=(
        "app_not_found",
        "shortcut_not_found",
        "channel_not_found",
        "message_not_found",
        "dispatch_failed",
        "operation_timeout",
    ),
)
async def interactions_shortcut(call: Call, params: ShortcutParams) -> dict[str, Any]:
    """Parley: run an app's global shortcut, or its message shortcut on (channel, ts).

    The app gets Slack's `shortcut` or `message_action` payload with a `trigger_id`."""
    principal = call.principal
    async with call.services.db.read() as session:
        target = await actions.access_shortcut(
            session, principal, params.app_id, params.callback_id, params.channel, params.ts
        )
    app, shortcut = target.app, target.shortcut
    payload: dict[str, Any] = {
        "type": "shortcut" if target.message is None else "message_action",
        "callback_id": shortcut.callback_id,
        "trigger_id": await _trigger(call, app),
        "action_ts": f"{time.time():.6f}",
        "team": {"id": principal.workspace_id, "domain": principal.team_domain},
        "user": user_object(call),
        "api_app_id": app.id,
        "token": app.verification_token,
        "is_enterprise_install": False,
        "enterprise": None,
    }
    conversation, message = target.conversation, target.message
    if conversation is not None and message is not None:
        payload.update(
            channel={"id": conversation.id, "name": conversation.name or conversation.id},
            message=message_object(message),
            message_ts=message.ts,
            response_url=await new_response_url(
                call.services,
                _base_url(call),
                app,
                channel_id=conversation.id,
                user_id=principal.user_id,
                message_ts=None,
            ),
        )
    await send_interactive(call, app, payload)
    return {}
