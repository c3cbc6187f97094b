"""docs/api-coverage.md, generated from the method registry so that it cannot drift.

`SLACK_METHODS` lists the Slack Web API methods that matter to apps and clients, by family.
A method is "done" when it is registered here; "partial" when its registration names what
is missing; "not yet" otherwise. Parley's own methods are listed separately.

"forms tried" names the kinds of a method's parameters; the "Forms tried" table lists, per
kind, the forms real clients send that tests/platform/webapi/test_param_forms.py sends for
every parameter of that kind (both come from `WIRE_FORMS` in params.py).
"""

from __future__ import annotations

import orjson

from parley.platform.plugins import PLATFORM
from parley.platform.webapi.params import JSON, WIRE_FORMS, parameter_kinds
from parley.platform.webapi.registry import REGISTRY, Method

SLACK_METHODS: dict[str, tuple[str, ...]] = {
    "api / auth": ("api.test", "auth.test", "auth.revoke", "auth.teams.list"),
    "apps": (
        "apps.connections.open",
        "apps.event.authorizations.list",
        "apps.manifest.create",
        "apps.manifest.update",
        "apps.manifest.validate",
        "apps.manifest.delete",
        "apps.manifest.export",
        "apps.uninstall",
    ),
    "bookmarks": ("bookmarks.add", "bookmarks.edit", "bookmarks.list", "bookmarks.remove"),
    "bots": ("bots.info",),
    "calls": (
        "calls.add",
        "calls.end",
        "calls.info",
        "calls.update",
        "calls.participants.add",
        "calls.participants.remove",
    ),
    "chat": (
        "chat.postMessage",
        "chat.update",
        "chat.delete",
        "chat.postEphemeral",
        "chat.getPermalink",
        "chat.meMessage",
        "chat.scheduleMessage",
        "chat.scheduledMessages.list",
        "chat.deleteScheduledMessage",
        "chat.unfurl",
    ),
    "conversations": (
        "conversations.archive",
        "conversations.close",
        "conversations.create",
        "conversations.history",
        "conversations.info",
        "conversations.invite",
        "conversations.join",
        "conversations.kick",
        "conversations.leave",
        "conversations.list",
        "conversations.mark",
        "conversations.members",
        "conversations.open",
        "conversations.rename",
        "conversations.replies",
        "conversations.setPurpose",
        "conversations.setTopic",
        "conversations.unarchive",
    ),
    "dialog / views": ("dialog.open", "views.open", "views.publish", "views.push", "views.update"),
    "dnd": ("dnd.endDnd", "dnd.endSnooze", "dnd.info", "dnd.setSnooze", "dnd.teamInfo"),
    "emoji": ("emoji.list",),
    "files": (
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
        "files.delete",
        "files.info",
        "files.list",
        "files.remote.add",
        "files.remote.info",
        "files.remote.list",
        "files.remote.remove",
        "files.remote.share",
        "files.remote.update",
        "files.revokePublicURL",
        "files.sharedPublicURL",
        "files.upload",
    ),
    "oauth": ("oauth.v2.access", "oauth.v2.exchange"),
    "pins": ("pins.add", "pins.list", "pins.remove"),
    "reactions": ("reactions.add", "reactions.get", "reactions.list", "reactions.remove"),
    "reminders": (
        "reminders.add",
        "reminders.complete",
        "reminders.delete",
        "reminders.info",
        "reminders.list",
    ),
    "rtm": ("rtm.connect", "rtm.start"),
    "search": ("search.all", "search.files", "search.messages"),
    "stars": ("stars.add", "stars.list", "stars.remove"),
    "team": (
        "team.accessLogs",
        "team.billableInfo",
        "team.billing.info",
        "team.info",
        "team.integrationLogs",
        "team.preferences.list",
        "team.profile.get",
    ),
    "usergroups": (
        "usergroups.create",
        "usergroups.disable",
        "usergroups.enable",
        "usergroups.list",
        "usergroups.update",
        "usergroups.users.list",
        "usergroups.users.update",
    ),
    "users": (
        "users.conversations",
        "users.deletePhoto",
        "users.getPresence",
        "users.identity",
        "users.info",
        "users.list",
        "users.lookupByEmail",
        "users.profile.get",
        "users.profile.set",
        "users.setPhoto",
        "users.setPresence",
    ),
}


def _status(name: str) -> str:
    method = REGISTRY.get(name)
    if method is None:
        return "not yet"
    return f"partial: {method.partial}" if method.partial else "done"


_ENCODING_NAMES = {"form": "form", "query": "query", "json": "JSON body"}


def _forms_tried(method: Method | None) -> str:
    """The kinds of the method's parameters, in `WIRE_FORMS` order ("" when not served)."""
    if method is None:
        return ""
    kinds = set(parameter_kinds(method.params).values())
    return ", ".join(kind for kind in WIRE_FORMS if kind in kinds) or "no arguments"


def _literal(value: object) -> str:
    return "`" + orjson.dumps(value).decode().replace("|", "\\|") + "`"


def forms_legend() -> list[str]:
    lines = [
        "## Forms tried",
        "",
        "Every parameter of every method is sent in each form of its kind below, through",
        "the real argument parsing (tests/platform/webapi/test_param_forms.py), and must",
        "arrive as the value shown: form-encoded text (Bolt for JavaScript, slack_sdk's form",
        "methods), a query string (curl), a JSON body with native values (slack_sdk's chat.*,",
        "views.*…). A JSON `null` counts as an absent argument.",
        "",
        "| kind | sent | as | read as |",
        "| --- | --- | --- | --- |",
    ]
    for kind, forms in WIRE_FORMS.items():
        for form in forms:
            encodings = ", ".join(_ENCODING_NAMES[e] for e in form.encodings)
            if form.encodings == (JSON,):
                encodings = "JSON body, as a native value"
            lines.append(
                f"| {kind} | {_literal(form.sent)} | {encodings} | {_literal(form.expected)} |"
            )
    return lines


def _row(name: str, method: Method | None) -> str:
    scopes = ", ".join(f"`{s}`" for s in method.scopes) if method else ""
    tier = method.tier.value if method else ""
    return f"| `{name}` | {_status(name)} | {scopes} | {tier} | {_forms_tried(method)} |"


def coverage_markdown() -> str:
    known = {name for names in SLACK_METHODS.values() for name in names}
    done = sum(1 for name in known if name in REGISTRY)
    lines = [
        "# Slack Web API coverage",
        "",
        "Generated from Parley's method registry by `parley dev api-coverage`; a test fails",
        'when this file and the registry disagree. Status "done" means the method answers',
        'with Slack\'s documented fields and errors; "partial" names what is missing.',
        "",
        f"Slack methods implemented: **{done} of {len(known)}** listed here.",
        "",
        *forms_legend(),
        "",
    ]
    for family, names in SLACK_METHODS.items():
        lines += [
            f"## {family}",
            "",
            "| method | status | scopes | tier | forms tried |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [_row(name, REGISTRY.get(name)) for name in names]
        lines.append("")
    own = sorted(name for name, m in REGISTRY.items() if not m.slack_compatible)
    extra = sorted(name for name, m in REGISTRY.items() if m.slack_compatible and name not in known)
    lines += [
        "## Parley's own methods",
        "",
        "| method | summary | forms tried |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| `{name}` | {REGISTRY[name].summary} | {_forms_tried(REGISTRY[name])} |" for name in own
    ]
    if extra:
        lines += [
            "",
            "## Other Slack-compatible methods",
            "",
            "| method | status | forms tried |",
            "| --- | --- | --- |",
        ]
        lines += [
            f"| `{name}` | {_status(name)} | {_forms_tried(REGISTRY[name])} |" for name in extra
        ]
    for section in PLATFORM.coverage_sections:  # e.g. the events apps can subscribe to
        lines += ["", *section()]
    return "\n".join(lines) + "\n"
