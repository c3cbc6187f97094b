"""The workspaces feature as other features may use it; nothing else of it is public.

- The workspace as clients see it: `get_workspace`, `team_object` (team.info's object).
- Admin settings other features enforce: `workspace_policy` (who may create channels or
  invite), `default_channel_ids` (what new members join).
- Hooks that features above provide: `on_workspace_created` (`WorkspaceCreated`): the
  conversations feature creates #general through it.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.workspaces.hooks import WorkspaceCreated, on_workspace_created
from parley.features.workspaces.schemas import team_object
from parley.features.workspaces.settings import default_channel_ids, workspace_policy
from parley.features.workspaces.store import get_workspace

__all__ = [
    "WorkspaceCreated",
    "default_channel_ids",
    "get_workspace",
    "on_workspace_created",
    "team_object",
    "workspace_policy",
]
