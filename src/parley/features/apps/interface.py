"""The apps feature as other features may use it (unfurl asks which apps take links).

- `get_app`: the app as it works in a workspace (created there or installed by OAuth).
- `event_apps`: apps with event subscriptions in a workspace.
- `App` for type annotations.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.apps.models import App
from parley.features.apps.store import event_apps, get_app

__all__ = ["App", "event_apps", "get_app"]
