"""Slack-shaped workspace (team) objects."""

from __future__ import annotations

from typing import Any

from parley.platform.tenancy import Workspace


def team_object(workspace: Workspace, base_url: str) -> dict[str, Any]:
    icon = workspace.icon_url
    return {
        "id": workspace.id,
        "name": workspace.name,
        "domain": workspace.domain,
        "email_domain": workspace.email_domain,
        "url": f"{base_url}/",
        "icon": {
            "image_default": not icon,
            **{f"image_{size}": icon for size in (34, 44, 68, 88, 102, 132, 230)},
        },
        "is_verified": False,
        "avatar_base_url": f"{base_url}/avatars/",
    }
