"""The files feature as other features may use it; nothing else of it is public.

- `File` and `FileShare` for SQL (search finds files by name and title; a feature that joins
  the tables is listed in `tests/test_architecture.py`).
- `visible_to(viewer)`: the SQL condition on `File` rows that a viewer may see (their own
  uploads, and files shared where they may read).
- `get_file_objects`: Slack file objects, each listing only the shares the viewer may see.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.files.actions import get_file_objects
from parley.features.files.models import File, FileShare
from parley.features.files.store import visible_to

__all__ = ["File", "FileShare", "get_file_objects", "visible_to"]
