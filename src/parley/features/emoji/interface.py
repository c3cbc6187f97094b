"""The emoji feature as other features may use it (reactions check names with it).

- `is_standard`, `split_skin_tone`, `strip_colons`: Slack's standard emoji names.
- `emoji_exists`: a standard or custom emoji of the workspace.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.emoji.standard import is_standard, split_skin_tone, strip_colons
from parley.features.emoji.store import emoji_exists

__all__ = ["emoji_exists", "is_standard", "split_skin_tone", "strip_colons"]
