"""Slack's `emoji.list` shape: name -> image URL, or `alias:<name>` for an alias."""

from __future__ import annotations

from collections.abc import Sequence

from parley.features.emoji.models import CustomEmoji


def emoji_value(emoji: CustomEmoji) -> str:
    return f"alias:{emoji.alias_for}" if emoji.alias_for else emoji.url


def emoji_map(rows: Sequence[CustomEmoji]) -> dict[str, str]:
    return {row.name: emoji_value(row) for row in rows}
