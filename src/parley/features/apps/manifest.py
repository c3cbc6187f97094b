"""Slack app manifests (JSON or YAML): parse, validate, and read the parts Parley uses.

Validation answers like Slack's `apps.manifest.validate`: `invalid_manifest` with a list of
`{message, pointer}` errors (JSON pointers into the manifest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson
import yaml

from parley.platform.auth.scopes import BOT_SCOPES, USER_SCOPES
from parley.platform.errors import ApiError
from parley.platform.events.types import EVENT_TYPES

COMMAND_RE = re.compile(r"^/[a-z0-9_\-]{1,31}$")
MAX_NAME = 35


def event_coverage_lines() -> list[str]:
    """The Events API section of docs/api-coverage.md: what apps can subscribe to."""
    lines = [
        "## Events API event types",
        "",
        "Subscribable in a manifest's `settings.event_subscriptions.bot_events`; delivered",
        "by HTTP (signed) or Socket Mode when the app's bot may see the event.",
        "",
        "| event type | status | bot scope |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| `{name}` | done | {f'`{scope}`' if scope else 'none'} |"
        for name, scope in EVENT_TYPES.events_api_scopes().items()
    ]
    return lines


@dataclass(frozen=True)
class SlashCommand:
    command: str
    url: str | None
    description: str
    usage_hint: str


@dataclass(frozen=True)
class Shortcut:
    name: str
    type: str  # global | message
    callback_id: str
    description: str


@dataclass(frozen=True)
class Manifest:
    """The validated manifest plus the parts Parley acts on."""

    raw: dict[str, Any]
    name: str
    description: str
    bot_name: str
    bot_scopes: tuple[str, ...]
    user_scopes: tuple[str, ...]
    redirect_urls: tuple[str, ...]
    request_url: str | None
    bot_events: tuple[str, ...]
    interactivity_url: str | None
    socket_mode: bool
    commands: tuple[SlashCommand, ...] = field(default_factory=tuple)
    shortcuts: tuple[Shortcut, ...] = field(default_factory=tuple)


class ManifestErrors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, pointer: str, message: str) -> None:
        self.items.append({"message": message, "pointer": pointer})

    def raise_if_any(self) -> None:
        if self.items:
            raise ApiError("invalid_manifest", errors=self.items)


def load_manifest(source: Any) -> dict[str, Any]:
    """A manifest given as a dict, a JSON string or a YAML string."""
    if isinstance(source, dict):
        return source
    if not isinstance(source, str) or not source.strip():
        raise ApiError(
            "invalid_manifest", errors=[{"message": "manifest is empty", "pointer": "/"}]
        )
    try:
        value = orjson.loads(source)
    except orjson.JSONDecodeError:
        try:
            value = yaml.safe_load(source)
        except yaml.YAMLError:
            value = None
    if not isinstance(value, dict):
        raise ApiError(
            "invalid_manifest",
            errors=[{"message": "manifest must be a JSON or YAML object", "pointer": "/"}],
        )
    return value


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _url(value: Any, pointer: str, errors: ManifestErrors) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value):
        errors.add(pointer, "must be an http(s) URL")
        return None
    return value


def _scopes(
    value: Any, allowed: tuple[str, ...], pointer: str, errors: ManifestErrors
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        errors.add(pointer, "must be a list of scope names")
        return ()
    for index, scope in enumerate(value):
        if scope not in allowed:
            errors.add(f"{pointer}/{index}", f"unknown or unsupported scope: {scope}")
    return tuple(dict.fromkeys(s for s in value if s in allowed))


def _commands(value: Any, errors: ManifestErrors) -> tuple[SlashCommand, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.add("/features/slash_commands", "must be a list")
        return ()
    found: dict[str, SlashCommand] = {}
    for index, item in enumerate(value):
        pointer = f"/features/slash_commands/{index}"
        item = _obj(item)
        command = _text(item.get("command")).strip().lower()
        if not COMMAND_RE.match(command):
            errors.add(f"{pointer}/command", "must start with / and be at most 32 characters")
            continue
        if command in found:
            errors.add(f"{pointer}/command", "duplicate command")
            continue
        url = _url(item.get("url"), f"{pointer}/url", errors)
        found[command] = SlashCommand(
            command, url, _text(item.get("description")), _text(item.get("usage_hint"))
        )
    return tuple(found.values())


def shortcuts_of(raw: dict[str, Any], errors: ManifestErrors | None = None) -> tuple[Shortcut, ...]:
    """`features.shortcuts`: global and message shortcuts (callback ids unique per app)."""
    value = _obj(raw.get("features")).get("shortcuts")
    if value is None:
        return ()
    if not isinstance(value, list):
        if errors is not None:
            errors.add("/features/shortcuts", "must be a list")
        return ()
    found: dict[str, Shortcut] = {}
    for index, item in enumerate(value):
        item = _obj(item)
        pointer = f"/features/shortcuts/{index}"
        name, kind = _text(item.get("name")).strip(), _text(item.get("type"))
        callback_id = _text(item.get("callback_id")).strip()
        problem = (
            "name is required"
            if not name
            else "type must be global or message"
            if kind not in ("global", "message")
            else "callback_id is required"
            if not callback_id
            else "duplicate callback_id"
            if callback_id in found
            else None
        )
        if problem:
            if errors is not None:
                errors.add(pointer, problem)
            continue
        found[callback_id] = Shortcut(name, kind, callback_id, _text(item.get("description")))
    return tuple(found.values())


def _events(value: Any, bot_scopes: tuple[str, ...], errors: ManifestErrors) -> tuple[str, ...]:
    pointer = "/settings/event_subscriptions/bot_events"
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.add(pointer, "must be a list of event types")
        return ()
    subscribable = EVENT_TYPES.events_api_scopes()  # declared by the features that emit them
    for index, event in enumerate(value):
        needed = subscribable.get(event) if isinstance(event, str) else None
        if needed is None:
            errors.add(f"{pointer}/{index}", f"unsupported event type: {event}")
        elif needed and needed not in bot_scopes:
            errors.add(f"{pointer}/{index}", f"{event} needs the bot scope {needed}")
    return tuple(dict.fromkeys(e for e in value if isinstance(e, str) and e in subscribable))


_DOMAIN_RE = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def _unfurl_domains(value: Any, errors: ManifestErrors) -> None:
    """`features.unfurl_domains`: at most five domain names (apps hear `link_shared`)."""
    pointer = "/features/unfurl_domains"
    if value is None:
        return
    if not isinstance(value, list) or len(value) > 5:
        errors.add(pointer, "must be a list of at most 5 domains")
        return
    for index, domain in enumerate(value):
        if not isinstance(domain, str) or not _DOMAIN_RE.match(domain.lower()):
            errors.add(f"{pointer}/{index}", "must be a domain name such as example.com")


def check_manifest(source: Any) -> Manifest:
    """Parse and validate; `invalid_manifest` with every problem found at once."""
    raw = load_manifest(source)
    errors = ManifestErrors()
    display = _obj(raw.get("display_information"))
    name = _text(display.get("name")).strip()
    if not name or len(name) > MAX_NAME:
        errors.add("/display_information/name", f"is required, at most {MAX_NAME} characters")
    features = _obj(raw.get("features"))
    bot_user = _obj(features.get("bot_user"))
    oauth = _obj(raw.get("oauth_config"))
    scopes = _obj(oauth.get("scopes"))
    bot_scopes = _scopes(scopes.get("bot"), BOT_SCOPES, "/oauth_config/scopes/bot", errors)
    user_scopes = _scopes(scopes.get("user"), USER_SCOPES, "/oauth_config/scopes/user", errors)
    redirects = oauth.get("redirect_urls") or []
    if not isinstance(redirects, list):
        errors.add("/oauth_config/redirect_urls", "must be a list")
        redirects = []
    for index, url in enumerate(redirects):
        _url(url, f"/oauth_config/redirect_urls/{index}", errors)
    settings = _obj(raw.get("settings"))
    subscriptions = _obj(settings.get("event_subscriptions"))
    interactivity = _obj(settings.get("interactivity"))
    socket_mode = bool(settings.get("socket_mode_enabled", False))
    request_url = _url(
        subscriptions.get("request_url"), "/settings/event_subscriptions/request_url", errors
    )
    bot_events = _events(subscriptions.get("bot_events"), bot_scopes, errors)
    interactive_url = _url(
        interactivity.get("request_url"), "/settings/interactivity/request_url", errors
    )
    commands = _commands(features.get("slash_commands"), errors)
    shortcuts = shortcuts_of(raw, errors)
    _unfurl_domains(features.get("unfurl_domains"), errors)
    if commands and "commands" not in bot_scopes:
        errors.add("/oauth_config/scopes/bot", "slash commands need the bot scope commands")
    if not socket_mode and bot_events and request_url is None:
        errors.add("/settings/event_subscriptions/request_url", "is required without Socket Mode")
    if bot_user.get("display_name") is not None and not _text(bot_user.get("display_name")):
        errors.add("/features/bot_user/display_name", "must be a non-empty string")
    errors.raise_if_any()
    return Manifest(
        raw=raw,
        name=name,
        description=_text(display.get("description")),
        bot_name=_text(bot_user.get("display_name")) or name,
        bot_scopes=bot_scopes,
        user_scopes=user_scopes,
        redirect_urls=tuple(str(u) for u in redirects),
        request_url=request_url,
        bot_events=bot_events,
        interactivity_url=interactive_url if interactivity.get("is_enabled", True) else None,
        socket_mode=socket_mode,
        commands=commands,
        shortcuts=shortcuts,
    )
