"""rtm.connect's and rtm.start's answers as documented types."""

from __future__ import annotations

from typing import Any

from parley.platform.webapi.openapi import Opt, WireModel


class RtmConnectResponse(WireModel):
    url: str


class RtmStartResponse(WireModel):
    """rtm.connect's URL with the workspace's state; each list holds at most 500 entries
    (`response_metadata.warnings` names those cut short); `self` is the caller."""

    url: str
    team: dict[str, Any]
    users: list[dict[str, Any]]
    channels: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    ims: list[dict[str, Any]]
    mpims: Opt[list[dict[str, Any]]] = None
