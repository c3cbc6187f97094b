"""Imports every feature's `api` module so that their methods register. The one list."""

from __future__ import annotations

import importlib

API_MODULES = (
    "parley.auth.api",
    "parley.auth.invites_api",
    "parley.audit.api",
    "parley.users.api",
    "parley.workspaces.api",
    "parley.conversations.api",
    "parley.messages.api",
    "parley.reactions.api",
    "parley.pins.api",
    "parley.bookmarks.api",
    "parley.emoji.api",
    "parley.search.api",
    "parley.events.api",
    "parley.files.api",
    "parley.unfurl.api",
    "parley.apps.api",
    "parley.apps.interactive_api",
    "parley.apps.views_api",
    "parley.apps.client_api",
)


def load_all_methods() -> None:
    for module in API_MODULES:
        importlib.import_module(module)
