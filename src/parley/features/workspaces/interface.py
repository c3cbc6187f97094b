"""The workspaces feature as other features may use it; nothing else of it is public.

- Hooks that features above provide: `on_workspace_created` (`WorkspaceCreated`): the
  conversations feature creates #general through it.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.workspaces.hooks import WorkspaceCreated, on_workspace_created

__all__ = ["WorkspaceCreated", "on_workspace_created"]
