"""Slack app manifests (JSON or YAML): parse, validate, and read the parts Parley uses.

Validation answers like Slack's `apps.manifest.validate`: `invalid_manifest` with a list of
`{message, pointer}` errors (JSON pointers into the manifest). Only what Slack itself would
refuse is an error: a scope or event in Slack's published lists (`slack/scopes.json`,
`slack/events.json`) that Parley does not serve or deliver yet is accepted and reported as
a warning of the same shape (`{code, message, pointer}`), so an app made for Slack installs
unchanged and its owner sees what will not work yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import yaml

from parley.platform.auth.scopes import BOT_SCOPES, KNOWN_SCOPES, USER_SCOPES
from parley.platform.errors import ApiError
from parley.platform.events.types import EVENT_TYPES

COMMAND_RE = re.compile(r"^/[a-z0-9_\-]{1,31}$")
MAX_NAME = 35
SLACK_LISTS = Path(__file__).parent / "slack"


@cache
def slack_scopes() -> dict[str, frozenset[str]]:
    """Slack's published scopes by token type (`bot`, `user`): what a manifest may ask for."""
    data = orjson.loads((SLACK_LISTS / "scopes.json").read_bytes())
    return {kind: frozenset(data[kind]) for kind in ("bot", "user")}


@cache
def slack_events() -> dict[str, tuple[str, ...]]:
    """Slack's published Events API event types, each with the scopes that allow it (any one;
    none: no scope needed). What a manifest's `bot_events` may list."""
    data = orjson.loads((SLACK_LISTS / "events.json").read_bytes())
    return {name: tuple(scopes) for name, scopes in data["events"].items()}


def served_scopes(scopes: tuple[str, ...]) -> tuple[str, ...]:
    """The scopes of `scopes` that Parley serves: what a token carries. The others stay in the
    manifest (and an install's grant) and are reported as warnings."""
    return tuple(s for s in scopes if s in KNOWN_SCOPES)


def event_coverage_lines() -> list[str]:
    """The Events API section of docs/api-coverage.md: what apps can subscribe to."""
    lines = [
        "## Events API event types",
        "",
        "Subscribable in a manifest's `settings.event_subscriptions.bot_events`; delivered",
        "by HTTP (signed) or Socket Mode when the app's bot may see the event. A manifest may",
        "also list any other event in Slack's published list (`features/apps/slack/events.json`):",
        "the app installs and `apps.manifest.validate` warns that Parley does not deliver it yet.",
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
    # What Parley accepted but does not serve or deliver yet ({code, message, pointer}).
    warnings: tuple[dict[str, str], ...] = field(default_factory=tuple)


class ManifestErrors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.warnings: list[dict[str, str]] = []

    def add(self, pointer: str, message: str) -> None:
        self.items.append({"message": message, "pointer": pointer})

    def warn(self, pointer: str, code: str, message: str) -> None:
        self.warnings.append({"code": code, "message": message, "pointer": pointer})

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


def _scopes(value: Any, kind: str, pointer: str, errors: ManifestErrors) -> tuple[str, ...]:
    """The manifest's scopes of one token type: a scope Slack does not publish for that type
    is an error; one Parley does not serve yet is kept (the install grants it) and warned of."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        errors.add(pointer, "must be a list of scope names")
        return ()
    published = slack_scopes()[kind]
    served = BOT_SCOPES if kind == "bot" else USER_SCOPES
    for index, scope in enumerate(value):
        if scope not in published and scope not in served:
            errors.add(f"{pointer}/{index}", f"unknown scope: {scope}")
        elif scope not in served:
            errors.warn(
                f"{pointer}/{index}",
                "scope_not_served",
                f"Parley does not serve {scope} yet: tokens are issued without it",
            )
    return tuple(dict.fromkeys(s for s in value if s in published or s in served))


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
    """Subscriptions: an event type Slack does not publish, or whose scope the manifest does
    not ask for, is an error; one Parley does not deliver yet is kept (delivered once Parley
    emits it) and warned of."""
    pointer = "/settings/event_subscriptions/bot_events"
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.add(pointer, "must be a list of event types")
        return ()
    delivered = EVENT_TYPES.events_api_scopes()  # declared by the features that emit them
    published = slack_events()
    for index, event in enumerate(value):
        if not isinstance(event, str) or (event not in delivered and event not in published):
            errors.add(f"{pointer}/{index}", f"unknown event type: {event}")
            continue
        needed = _event_scopes(event, delivered, published)
        if needed and not needed & set(bot_scopes):
            errors.add(
                f"{pointer}/{index}", f"{event} needs the bot scope {' or '.join(sorted(needed))}"
            )
        if event not in delivered:
            errors.warn(
                f"{pointer}/{index}",
                "event_not_delivered",
                f"Parley does not deliver {event} yet: the subscription is kept",
            )
    known = delivered.keys() | published.keys()
    return tuple(dict.fromkeys(e for e in value if isinstance(e, str) and e in known))


def _event_scopes(
    event: str, delivered: dict[str, str], published: dict[str, tuple[str, ...]]
) -> set[str]:
    """Any one of these bot scopes allows the subscription (empty: none needed). Parley's
    declaration names one scope; Slack's list may allow others (`groups:read` for
    `member_joined_channel`)."""
    if event in delivered and not delivered[event]:
        return set()
    return {s for s in (delivered.get(event), *published.get(event, ())) if s}


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
    bot_scopes = _scopes(scopes.get("bot"), "bot", "/oauth_config/scopes/bot", errors)
    user_scopes = _scopes(scopes.get("user"), "user", "/oauth_config/scopes/user", errors)
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
        warnings=tuple(errors.warnings),
    )
