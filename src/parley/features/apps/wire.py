"""Views, commands and shortcuts as the web client reads them (permissive: never filters)."""

from __future__ import annotations

from typing import Any, Literal

from parley.platform.webapi.openapi import Opt, WireModel


class TextObject(WireModel):
    type: Literal["plain_text", "mrkdwn"]
    text: str
    emoji: Opt[bool] = None


class OptionObject(WireModel):
    text: TextObject
    value: str
    description: Opt[TextObject] = None


class OptionGroup(WireModel):
    label: TextObject
    options: list[OptionObject]


class BlockElement(WireModel):
    """A Block Kit block or element, as loosely as a renderer reads it."""

    type: str
    action_id: Opt[str] = None
    block_id: Opt[str] = None


class View(WireModel):
    id: str
    type: Literal["modal", "home"]
    app_id: str
    title: TextObject | None = None
    submit: TextObject | None = None
    close: TextObject | None = None
    blocks: list[BlockElement]
    private_metadata: Opt[str] = None
    callback_id: Opt[str] = None
    hash: Opt[str] = None
    root_view_id: Opt[str] = None
    previous_view_id: str | None = None
    clear_on_close: Opt[bool] = None
    notify_on_close: Opt[bool] = None
    submit_disabled: Opt[bool] = None


class SlashCommand(WireModel):
    command: str
    app_id: str
    description: str
    usage_hint: str


class Shortcut(WireModel):
    app_id: str
    name: str
    type: Literal["global", "message"]
    callback_id: str
    description: str


class ViewsListResponse(WireModel):
    views: list[View]


class CommandsListResponse(WireModel):
    commands: list[SlashCommand]


class ShortcutsListResponse(WireModel):
    shortcuts: list[Shortcut]


class ViewSubmitResponse(WireModel):
    response_action: Opt[str] = None
    errors: Opt[dict[str, str]] = None
    view: Opt[View] = None


class BlockSuggestionResponse(WireModel):
    options: list[OptionObject]
    option_groups: Opt[list[OptionGroup]] = None


class AppHomeResponse(WireModel):
    channel: str
    view: View | None = None


class CommandInvokeResponse(WireModel):
    response: dict[str, Any] | None = None


class ViewEvent(WireModel):
    """`view_opened`, `view_updated`, `view_closed`, `app_home_updated` (to the viewer)."""

    type: str
    view: View


class BotIcons(WireModel):
    image_36: Opt[str] = None
    image_48: Opt[str] = None
    image_72: Opt[str] = None


class BotObject(WireModel):
    """bots.info's `bot` (and, with `team_id` instead of `user_id`, a `bot_profile`)."""

    id: str
    deleted: bool
    name: str
    updated: int
    app_id: str | None = None
    user_id: Opt[str] = None
    icons: Opt[BotIcons] = None


class BotsInfoResponse(WireModel):
    bot: BotObject


class ManifestWarning(WireModel):
    """What a manifest asks for that Parley does not serve or deliver yet (Slack's error
    shape): `scope_not_served`, `event_not_delivered`."""

    code: str
    message: str
    pointer: str


class ManifestExportResponse(WireModel):
    manifest: dict[str, Any]
    warnings: Opt[list[ManifestWarning]] = None
