"""Slack's user group object (`usergroups.*` answers and `subteam_*` events)."""

from __future__ import annotations

from typing import Any

from parley.features.usergroups.models import UserGroup

MAX_USERS_IN_EVENT = 500  # Slack truncates `users` in subteam_updated; `user_count` is exact


def usergroup_object(
    group: UserGroup,
    *,
    users: list[str] | None = None,
    user_count: int | None = None,
    count_as_text: bool = True,
) -> dict[str, Any]:
    """The group; `users` and `user_count` only when asked for (include_users / include_count),
    as Slack leaves them out otherwise. Slack's methods send `user_count` as a string, its
    events as a number (`count_as_text=False`)."""
    channels = list(group.channels or [])
    body: dict[str, Any] = {
        "id": group.id,
        "team_id": group.workspace_id,
        "is_usergroup": True,
        "is_subteam": True,
        "name": group.name,
        "description": group.description,
        "handle": group.handle,
        "is_external": False,
        "date_create": group.date_create,
        "date_update": group.date_update,
        "date_delete": group.date_delete,
        "auto_type": None,
        "auto_provision": False,
        "enterprise_subteam_id": "",
        "created_by": group.created_by,
        "updated_by": group.updated_by,
        "deleted_by": group.deleted_by,
        "prefs": {"channels": channels, "groups": []},
        "channel_count": len(channels),
    }
    if users is not None:
        body["users"] = users
    if user_count is not None:
        body["user_count"] = str(user_count) if count_as_text else user_count
    return body
