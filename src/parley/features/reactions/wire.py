"""Reaction objects and events as documented types."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, WireModel


class ReactionItem(WireModel):
    type: str
    channel: str
    ts: Opt[str] = None


class ReactionEvent(WireModel):
    """`reaction_added` / `reaction_removed`."""

    type: str
    user: str
    reaction: str
    item: ReactionItem
    item_user: Opt[str] = None
