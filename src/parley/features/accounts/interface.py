"""The accounts feature as other features may use it; nothing else of it is public.

- Lookups: `get_account`, `normalise_email` (the login form of an address); `Account` for
  type annotations.
- Rules and actions: `password_matches`, `do_account_for_member`, `do_set_password`.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.accounts.actions import (
    do_account_for_member,
    do_set_password,
    password_matches,
)
from parley.features.accounts.models import Account
from parley.features.accounts.store import get_account, normalise_email

__all__ = [
    "Account",
    "do_account_for_member",
    "do_set_password",
    "get_account",
    "normalise_email",
    "password_matches",
]
