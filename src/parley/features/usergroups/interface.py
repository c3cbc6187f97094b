"""The usergroups feature as other features may use it; nothing else of it is public.

Provisioning (SCIM Groups) maps its groups onto user groups with these:
- `UserGroup` for annotations and SQL filters (a feature that joins the table is listed in
  `tests/test_architecture.py`); `get_group`, `group_named`, `member_ids`,
  `members_by_group`;
- rules: `check_name`, `handle_from_name`;
- actions: `do_create_group`, `do_update_group` (with `GroupFields`), `do_set_members`,
  `do_set_enabled`.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.usergroups.actions import (
    GroupFields,
    check_name,
    do_create_group,
    do_set_enabled,
    do_set_members,
    do_update_group,
    handle_from_name,
)
from parley.features.usergroups.models import UserGroup
from parley.features.usergroups.store import get_group, group_named, member_ids, members_by_group

__all__ = [
    "GroupFields",
    "UserGroup",
    "check_name",
    "do_create_group",
    "do_set_enabled",
    "do_set_members",
    "do_update_group",
    "get_group",
    "group_named",
    "handle_from_name",
    "member_ids",
    "members_by_group",
]
