"""rtm.connect's answer as a documented type."""

from __future__ import annotations

from parley.platform.webapi.openapi import WireModel


class RtmConnectResponse(WireModel):
    url: str
