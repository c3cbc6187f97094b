"""The audit feature as other features may use it; nothing else of it is public.

- Writing: `record` (one entry, in the caller's transaction).
- Reading: `login_summary` / `LoginRow` (who signed in from where, for team.accessLogs);
  `latest_details` (the newest entry of an action about an entity, e.g. why someone was
  deactivated).

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.audit.actions import record
from parley.features.audit.store import LoginRow, latest_details, login_summary

__all__ = ["LoginRow", "latest_details", "login_summary", "record"]
