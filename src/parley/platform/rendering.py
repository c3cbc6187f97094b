"""Fields Parley adds for its own web client (server-rendered HTML), and who gets them.

Slack's objects have no `html`: Parley's web client shows messages from HTML the server
renders and sanitises once (the messages feature's `html`, `rendered_attachments`). Apps
and SDKs must see Slack's shapes, so these fields reach only a browser session that asks
for them (decision 0014):

- Web API: the `X-Parley-Render: html` request header (`webapi/http.py`);
- the socket: `render=html` in the `/rtm` URL's query (`events/gateway.py`, `fanout.py`);
- Events API and Socket Mode deliveries never carry them (apps).

Features declare their client-only field names with `platform.client_fields(...)`; the
edges strip them (from any depth: a `message_changed` carries two message objects) from
whatever goes to everyone else. A cheap look at the encoded text first keeps the common
case (nothing to strip) to one encoding.
"""

from __future__ import annotations

from typing import Any

from parley.platform.auth.principal import Principal

RENDER_HEADER = "x-parley-render"
RENDER_QUERY = "render"
RENDER_HTML = "html"


class ClientFields:
    """The registered client-only field names."""

    def __init__(self) -> None:
        self._names: frozenset[str] = frozenset()
        self._needles: tuple[bytes, ...] = ()
        self._text_needles: tuple[str, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        return self._names

    def add(self, *names: str) -> None:
        self._names = self._names | frozenset(names)
        # A key as it appears in JSON text (a string value holding it is escaped: \").
        self._text_needles = tuple(f'"{name}":' for name in sorted(self._names))
        self._needles = tuple(needle.encode() for needle in self._text_needles)

    def mentioned_in(self, encoded: bytes | str) -> bool:
        """Whether JSON text may hold one of the fields (never False when it does)."""
        if isinstance(encoded, str):
            return any(needle in encoded for needle in self._text_needles)
        return any(needle in encoded for needle in self._needles)

    def strip(self, value: Any) -> Any:
        """A copy of `value` without the fields, at any depth."""
        names = self._names
        if isinstance(value, dict):
            return {k: self.strip(v) for k, v in value.items() if k not in names}
        if isinstance(value, list):
            return [self.strip(item) for item in value]
        return value


CLIENT_FIELDS = ClientFields()


def wants_rendering(principal: Principal | None, asked: str | None) -> bool:
    """Only Parley's web client gets the fields: a browser session that asked for them."""
    return (
        principal is not None
        and principal.token_kind == "session"
        and (asked or "").strip().lower() == RENDER_HTML
    )
