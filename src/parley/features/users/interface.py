"""The users feature as other features may use it; nothing else of it is public.

- Who a member is: `get_user`, `get_users`, `get_user_by_email`, `get_bot_of_app`;
  bots by their B… id: `bots_by_bot_id`, and Slack's `bot_profile` of each: `bot_profiles`
  (`bot_profile_object`, `bot_icons` to build them);
  `member_objects` (rendered user objects, users.list's first page: rtm.start);
  `user_object` (one member as users.info gives it);
  `User` for type annotations (a feature that joins the table in SQL is listed in
  `tests/test_architecture.py`).
- Resolving what a message names: `existing_user_ids`, `display_names`, `users_by_name`.
- Rules: `check_user_in_workspace` (the member a request names must exist here),
  `check_email`, `check_password`, `check_role`.
- Actions: `do_create_user`, `do_set_deactivated`, `do_set_email`, `do_update_profile`
  (with `check_profile_changes` and `PROFILE_LIMITS`), `check_set_active` (an admin
  deactivating or reactivating a member, audited), `do_set_avatar` (a photo's URL: the
  files feature stores the bytes; `photo_url`, `photo_token`, `PHOTO_SIZES` are its shape).
- Hooks that features above provide: `on_member_created` (`MemberCreated`),
  `on_member_deactivated`.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.users.actions import (
    PROFILE_LIMITS,
    check_email,
    check_password,
    check_profile_changes,
    check_role,
    check_set_active,
    check_user_in_workspace,
    do_create_user,
    do_set_avatar,
    do_set_deactivated,
    do_set_email,
    do_update_profile,
)
from parley.features.users.hooks import MemberCreated, on_member_created, on_member_deactivated
from parley.features.users.models import User
from parley.features.users.rendered import member_objects
from parley.features.users.schemas import (
    PHOTO_SIZES,
    bot_icons,
    bot_profile_object,
    photo_token,
    photo_url,
    user_object,
)
from parley.features.users.store import (
    bot_profiles,
    bots_by_bot_id,
    display_names,
    existing_user_ids,
    get_bot_of_app,
    get_user,
    get_user_by_email,
    get_users,
    users_by_name,
)

__all__ = [
    "PHOTO_SIZES",
    "PROFILE_LIMITS",
    "MemberCreated",
    "User",
    "bot_icons",
    "bot_profile_object",
    "bot_profiles",
    "bots_by_bot_id",
    "check_email",
    "check_password",
    "check_profile_changes",
    "check_role",
    "check_set_active",
    "check_user_in_workspace",
    "display_names",
    "do_create_user",
    "do_set_avatar",
    "do_set_deactivated",
    "do_set_email",
    "do_update_profile",
    "existing_user_ids",
    "get_bot_of_app",
    "get_user",
    "get_user_by_email",
    "get_users",
    "member_objects",
    "on_member_created",
    "on_member_deactivated",
    "photo_token",
    "photo_url",
    "user_object",
    "users_by_name",
]
