"""Pure functions over Slack mrkdwn and Block Kit: who and what a message mentions, links.

Slack's mention syntax (https://docs.slack.dev/messaging/formatting-message-text/):
`<@U123>` / `<@U123|name>` users, `<#C123>` / `<#C123|general>` channels,
`<!here>`, `<!channel>`, `<!everyone>` (also with a `|label`) for everyone in the channel,
`<!subteam^S123>` / `<!subteam^S123|@handle>` for a user group's members.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

USER_MENTION_RE = re.compile(r"<@([UW][A-Z0-9]{2,23})(?:\|[^>]*)?>")
CHANNEL_MENTION_RE = re.compile(r"<#([CGD][A-Z0-9]{2,23})(?:\|[^>]*)?>")
SPECIAL_MENTION_RE = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
SUBTEAM_MENTION_RE = re.compile(r"<!subteam\^(S[A-Z0-9]{2,23})(?:\|[^>]*)?>")
# A link in angle brackets (`<https://x|label>`) or a bare URL in the text.
LINK_RE = re.compile(r"<(?:https?://|mailto:)[^>\s]+>|\bhttps?://[^\s<>]+", re.IGNORECASE)

SPECIAL_MENTIONS = frozenset({"here", "channel", "everyone"})
_MAX_DEPTH = 12  # Block Kit nests a few levels; deeper input is not worth walking


@dataclass
class Mentions:
    users: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    special: set[str] = field(default_factory=set)
    subteams: list[str] = field(default_factory=list)  # user groups (`S…`)
    has_link: bool = False

    @property
    def everyone(self) -> bool:
        return bool(self.special)

    def add_user(self, user_id: str) -> None:
        if user_id not in self.users:
            self.users.append(user_id)

    def add_channel(self, channel_id: str) -> None:
        if channel_id not in self.channels:
            self.channels.append(channel_id)

    def add_subteam(self, subteam_id: str) -> None:
        if subteam_id not in self.subteams:
            self.subteams.append(subteam_id)

    def add_text(self, text: str) -> None:
        """Record everything mentioned in one piece of mrkdwn text."""
        for match in USER_MENTION_RE.finditer(text):
            self.add_user(match.group(1))
        for match in CHANNEL_MENTION_RE.finditer(text):
            self.add_channel(match.group(1))
        self.special.update(m.group(1) for m in SPECIAL_MENTION_RE.finditer(text))
        for match in SUBTEAM_MENTION_RE.finditer(text):
            self.add_subteam(match.group(1))
        if LINK_RE.search(text):
            self.has_link = True


def parse_mentions(text: str) -> Mentions:
    """The users, channels and special mentions in `text`, in order of first appearance."""
    found = Mentions()
    found.add_text(text or "")
    return found


def _walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object inside `value`, depth first."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child, depth + 1)


def _add_block_object(found: Mentions, obj: dict[str, Any]) -> None:
    kind = obj.get("type")
    if kind == "mrkdwn" and isinstance(obj.get("text"), str):
        found.add_text(obj["text"])
    elif kind == "user" and isinstance(obj.get("user_id"), str):
        found.add_user(obj["user_id"])  # rich_text user element
    elif kind == "channel" and isinstance(obj.get("channel_id"), str):
        found.add_channel(obj["channel_id"])
    elif kind == "usergroup" and isinstance(obj.get("usergroup_id"), str):
        found.add_subteam(obj["usergroup_id"])  # rich_text user group element
    elif kind == "broadcast" and obj.get("range") in SPECIAL_MENTIONS:
        found.special.add(str(obj["range"]))
    elif kind == "link" and isinstance(obj.get("url"), str):
        found.has_link = True


def message_mentions(text: str, blocks: list[Any] | None) -> Mentions:
    """Mentions from the text and from mrkdwn / rich_text elements inside the blocks."""
    found = parse_mentions(text)
    for obj in _walk(blocks or []):
        _add_block_object(found, obj)
    return found
