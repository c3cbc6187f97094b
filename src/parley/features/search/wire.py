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


class FileMatch(WireModel):
    id: str
    name: Opt[str] = None
    title: Opt[str] = None
    filetype: Opt[str] = None
    mimetype: Opt[str] = None
    user: Opt[str] = None
    size: Opt[int] = None
    created: Opt[int] = None
    url_private: Opt[str] = None
    permalink: Opt[str] = None
    channels: Opt[list[str]] = None
    groups: Opt[list[str]] = None
    ims: Opt[list[str]] = None
    score: Opt[float] = None


class SearchFiles(WireModel):
    matches: list[FileMatch]
    total: Opt[int] = None


class SearchFilesResponse(WireModel):
    query: str
    files: SearchFiles
    response_metadata: Opt[ResponseMetadata] = None


class PeopleMatch(WireModel):
    id: str
    name: str
    deleted: Opt[bool] = None
    real_name: Opt[str] = None
    is_bot: Opt[bool] = None


class SearchPeopleResponse(WireModel):
    query: str
    total: int
    members: list[PeopleMatch]
    response_metadata: Opt[ResponseMetadata] = None


class SearchAllResponse(WireModel):
    query: str
    messages: SearchMessages
    files: SearchFiles
