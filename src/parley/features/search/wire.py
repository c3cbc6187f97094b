"""Search answers as documented types (permissive: never filters)."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, ResponseMetadata, WireModel


class MatchChannel(WireModel):
    id: str
    name: Opt[str] = None
    is_im: Opt[bool] = None
    is_mpim: Opt[bool] = None


class SearchMatch(WireModel):
    ts: str
    text: str
    user: Opt[str] = None
    username: Opt[str] = None
    permalink: Opt[str] = None
    channel: MatchChannel


class SearchMessages(WireModel):
    matches: list[SearchMatch]
    total: Opt[int] = None


class SearchMessagesResponse(WireModel):
    query: str
    messages: SearchMessages
    response_metadata: Opt[ResponseMetadata] = None
