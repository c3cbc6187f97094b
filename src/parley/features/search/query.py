"""Slack's search query language parsed into a plain value: no database, no clock.

Supported: free words, `word*` prefixes, quoted phrases, `-word`/`-"phrase"` exclusions,
`in:#channel`, `in:<#C…>`, `in:@user` (the DM with them), `from:@user`, `from:<@U…>`,
`from:me`, `to:me`/`to:@user`, `-in:`/`-from:`, `before:`, `after:`, `on:`, `during:`,
`has:link`, `has:reaction`, `has::emoji:`, `has:pin`, `is:thread`, `is:saved`.

A modifier whose value does not parse (`before:someday`) is kept as ordinary text, the way
Slack treats anything that is not a filter as words to look for.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

_MODIFIER = re.compile(r"^(in|from|to|before|after|on|during|has|is):(.+)$", re.IGNORECASE)
_CHANNEL_LINK = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")
_USER_LINK = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_EMOJI = re.compile(r"^:([a-z0-9_+'-]{1,98}):$")
_WORD_CHARS = re.compile(r"\w+")
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_MONTH_NAMES = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}


@dataclass(frozen=True)
class Term:
    """Text to find: a word (optionally a `prefix*`) or an exact phrase."""

    text: str
    phrase: bool = False
    prefix: bool = False

    @property
    def tokens(self) -> list[str]:
        """The lower-cased word tokens, as a full-text index splits them."""
        return [token.lower() for token in _WORD_CHARS.findall(self.text)]


@dataclass(frozen=True)
class Ref:
    """A channel or user as written: an id (`<#C…>`, `<@U…>`) or a name (`#general`, `@ann`)."""

    value: str
    is_id: bool = False

    @property
    def is_me(self) -> bool:
        return not self.is_id and self.value.lower() == "me"


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    in_channels: tuple[Ref, ...] = ()
    in_dms: tuple[Ref, ...] = ()  # in:@user: the direct message with that user
    not_in_channels: tuple[Ref, ...] = ()
    from_users: tuple[Ref, ...] = ()
    not_from_users: tuple[Ref, ...] = ()
    to_users: tuple[Ref, ...] = ()
    since: date | None = None  # inclusive, in the searcher's time zone
    until: date | None = None  # exclusive
    has: frozenset[str] = field(default_factory=frozenset)  # link, reaction, pin
    reactions: tuple[str, ...] = ()  # has::emoji_name:
    is_thread: bool = False
    is_saved: bool = False

    @property
    def has_text(self) -> bool:
        return bool(self.terms)

    @property
    def is_empty(self) -> bool:
        """Nothing to search for (a blank query, or only punctuation)."""
        return self == SearchQuery()


def parse_query(raw: str, *, today: date) -> SearchQuery:
    """Parse a search box string; `today` (the searcher's local date) anchors `during:today`."""
    query = SearchQuery()
    for negated, quoted, token in _lex(raw.translate(_SMART_QUOTES)):
        query = _apply(query, negated, quoted, token, today)
    return query


def _lex(raw: str) -> list[tuple[bool, bool, str]]:
    """Split into (negated, quoted, text) tokens; an unclosed quote runs to the end."""
    tokens: list[tuple[bool, bool, str]] = []
    i, n = 0, len(raw)
    while i < n:
        if raw[i].isspace():
            i += 1
            continue
        negated = raw[i] == "-" and i + 1 < n and not raw[i + 1].isspace()
        if negated:
            i += 1
        if raw[i] == '"':
            end = raw.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append((negated, True, raw[i + 1 : end]))
            i = end + 1
            continue
        start = i
        while i < n and not raw[i].isspace():
            i += 1
        tokens.append((negated, False, raw[start:i]))
    return tokens


def _apply(query: SearchQuery, negated: bool, quoted: bool, token: str, today: date) -> SearchQuery:
    if not quoted:
        match = _MODIFIER.match(token)
        if match:
            applied = _apply_modifier(query, negated, match.group(1).lower(), match.group(2), today)
            if applied is not None:
                return applied
    return _add_text(query, negated, quoted, token)


def _add_text(query: SearchQuery, negated: bool, quoted: bool, token: str) -> SearchQuery:
    prefix = not quoted and token.endswith("*")
    term = Term(token.rstrip("*") if prefix else token, phrase=quoted, prefix=prefix)
    if not term.tokens:
        return query  # punctuation alone finds nothing; ignore it rather than match nothing
    if len(term.tokens) > 1 and not quoted:
        term = replace(term, phrase=True)  # "e-mail" or "v1.2": its parts, side by side
    if negated:
        return replace(query, excluded=(*query.excluded, term))
    return replace(query, terms=(*query.terms, term))


def _apply_modifier(
    query: SearchQuery, negated: bool, key: str, value: str, today: date
) -> SearchQuery | None:
    """The query with one `key:value` filter added, or None when the value is not valid."""
    if key == "in":
        return _apply_in(query, negated, value)
    if key == "from":
        ref = _user_ref(value)
        if ref is None:
            return None
        if negated:
            return replace(query, not_from_users=(*query.not_from_users, ref))
        return replace(query, from_users=(*query.from_users, ref))
    if negated:
        return None  # other filters have no negative form
    if key == "to":
        ref = _user_ref(value)
        return None if ref is None else replace(query, to_users=(*query.to_users, ref))
    if key in {"before", "after", "on", "during"}:
        return _apply_dates(query, key, value, today)
    if key == "has":
        return _apply_has(query, value)
    if key == "is" and value.lower() == "thread":
        return replace(query, is_thread=True)
    if key == "is" and value.lower() == "saved":
        return replace(query, is_saved=True)
    return None


def _apply_in(query: SearchQuery, negated: bool, value: str) -> SearchQuery | None:
    user = _user_ref(value) if value.startswith(("@", "<@")) else None
    if user is not None:
        return None if negated else replace(query, in_dms=(*query.in_dms, user))
    channel = _channel_ref(value)
    if channel is None:
        return None
    if negated:
        return replace(query, not_in_channels=(*query.not_in_channels, channel))
    return replace(query, in_channels=(*query.in_channels, channel))


def _channel_ref(value: str) -> Ref | None:
    link = _CHANNEL_LINK.match(value)
    if link:
        return Ref(link.group(1), is_id=True)
    name = value.removeprefix("#").lower()
    return Ref(name) if name and " " not in name else None


def _user_ref(value: str) -> Ref | None:
    link = _USER_LINK.match(value)
    if link:
        return Ref(link.group(1), is_id=True)
    name = value.removeprefix("@")
    return Ref(name) if name and not name.startswith("<") else None


def _apply_has(query: SearchQuery, value: str) -> SearchQuery | None:
    lowered = value.lower()
    if lowered in {"link", "reaction", "pin"}:
        return replace(query, has=query.has | {lowered})
    emoji = _EMOJI.match(lowered)
    if emoji:
        return replace(query, reactions=(*query.reactions, emoji.group(1)))
    return None


def _apply_dates(query: SearchQuery, key: str, value: str, today: date) -> SearchQuery | None:
    span = date_span(value, today, whole_period=key == "during")
    if span is None:
        return None
    first, after_last = span
    if key == "before":
        return _narrow(query, None, first)
    if key == "after":
        return _narrow(query, after_last, None)
    return _narrow(query, first, after_last)


def _narrow(query: SearchQuery, since: date | None, until: date | None) -> SearchQuery:
    """Intersect the query's date range with [since, until)."""
    if since is not None and (query.since is None or since > query.since):
        query = replace(query, since=since)
    if until is not None and (query.until is None or until < query.until):
        query = replace(query, until=until)
    return query


def date_span(value: str, today: date, *, whole_period: bool) -> tuple[date, date] | None:
    """The days [first, after_last) that `value` names: a day, or with `during:` also a
    month (`2026-11`, `november`), a year (`2026`), `week` or `month` (the current ones)."""
    lowered = value.lower()
    named_days = {"today": today, "yesterday": today - timedelta(days=1)}
    if lowered in named_days:
        day = named_days[lowered]
        return day, day + timedelta(days=1)
    day_match = _DAY.match(lowered)
    if day_match:
        found = _safe_date(*(int(part) for part in day_match.groups()))
        return None if found is None else (found, found + timedelta(days=1))
    if not whole_period:
        return None
    return _period_span(lowered, today)


def _period_span(value: str, today: date) -> tuple[date, date] | None:
    if value == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=7)
    if value == "month":
        return _month_span(today.year, today.month)
    if value == "year":
        return date(today.year, 1, 1), date(today.year + 1, 1, 1)
    if value in _MONTH_NAMES:
        return _month_span(today.year, _MONTH_NAMES[value])
    month_match = _MONTH.match(value)
    if month_match:
        year, month = (int(part) for part in month_match.groups())
        return _month_span(year, month) if 1 <= month <= 12 and 1 <= year < 9999 else None
    if _YEAR.match(value) and 1 <= int(value) < 9999:
        return date(int(value), 1, 1), date(int(value) + 1, 1, 1)
    return None


def _month_span(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, first + timedelta(days=calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if found < date.max else None  # the day after must exist too
