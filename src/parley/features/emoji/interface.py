"""The emoji feature as other features may use it (reactions check names with it).

- `is_standard`, `split_skin_tone`, `strip_colons`: Slack's standard emoji names.
- `emoji_exists`: a standard or custom emoji of the workspace.
- `check_upload_emoji`, `do_add_emoji`: admin.emoji.upload (the files feature stores the image).

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.emoji.actions import check_upload_emoji, do_add_emoji
from parley.features.emoji.standard import is_standard, split_skin_tone, strip_colons
from parley.features.emoji.store import emoji_exists

__all__ = [
    "check_upload_emoji",
    "do_add_emoji",
    "emoji_exists",
    "is_standard",
    "split_skin_tone",
    "strip_colons",
]
