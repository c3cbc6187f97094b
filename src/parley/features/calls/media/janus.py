"""An async client of one Janus node's HTTP API (the "Janus API", not a browser library).

One session per node carries every handle this Parley process attaches there. A long poll
(`GET /janus/<session>?maxev=`) brings the node's events: the answer to a plugin request
sent earlier (tied by its `transaction`) resolves that request; the rest (webrtcup,
hangup, slowlink, VideoRoom talking…) go to `on_event`. A keepalive every 25 s keeps the
session alive (Janus drops it after 60 s of silence). When the node stops answering, or
answers that it has never heard of the session (it restarted and lost every room), the
client calls `on_down` once and keeps trying to open a new session.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from parley.features.calls.media.config import JanusNodeConfig
from parley.features.calls.media.engine import Jsep, MediaError, MediaUnavailable

log = logging.getLogger("parley.calls.media.janus")

JsonObject = dict[str, Any]
EventHandler = Callable[["JanusNode", JsonObject], Awaitable[None]]
DownHandler = Callable[["JanusNode", str], Awaitable[None]]

KEEPALIVE_SECONDS = 25.0
REQUEST_TIMEOUT = 10.0
SESSION_NOT_FOUND = 458

# Janus and VideoRoom error codes, as the reason a caller sees (MediaError.reason).
_REASONS = {
    454: "invalid_request",
    456: "invalid_request",
    458: "media_session_lost",
    459: "media_handle_lost",
    464: "invalid_sdp",
    465: "invalid_sdp",
    466: "invalid_sdp",
    426: "no_such_room",
    428: "no_such_feed",
    429: "invalid_request",
    430: "invalid_request",
    436: "feed_already_exists",
    432: "room_full",
}


def reason_for(code: int | None) -> str:
    return _REASONS.get(code or 0, "media_server_error")


class JanusNode:
    """The connection to one Janus instance."""

    def __init__(
        self, config: JanusNodeConfig, *, on_event: EventHandler, on_down: DownHandler
    ) -> None:
        self.config = config
        self.node_id = config.node_id
        self.on_event = on_event
        self.on_down = on_down
        self.session_id: int | None = None
        self.healthy = False
        self.detail = "not connected yet"
        self._pending: dict[str, asyncio.Future[JsonObject]] = {}
        self._ids = itertools.count(1)
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(REQUEST_TIMEOUT, connect=2.0))
        self._poll_http = httpx.AsyncClient(timeout=httpx.Timeout(45.0, connect=2.0))
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"janus-{self.node_id}")

    async def wait_connected(self, within: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), within)
        return self._connected.is_set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.session_id is not None and self.healthy:
            with contextlib.suppress(httpx.HTTPError, MediaError):
                await self._post(f"/{self.session_id}", {"janus": "destroy"})
        self._fail_pending("media node connection closed")
        await self._http.aclose()
        await self._poll_http.aclose()

    async def _run(self) -> None:
        pause = 0.2
        while True:
            try:
                await self._open_session()
                pause = 0.2
                await self._serve_session()
            except asyncio.CancelledError:
                raise
            except (httpx.HTTPError, MediaError, ValueError, KeyError, TypeError) as error:
                await self._mark_down(f"{type(error).__name__}: {error}")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)

    async def _open_session(self) -> None:
        reply = await self._post("", {"janus": "create"})
        self.session_id = int(reply["data"]["id"])
        self.healthy = True
        self.detail = ""
        self._connected.set()
        log.info("janus node %s: session %s", self.node_id, self.session_id)

    async def _serve_session(self) -> None:
        keepalive = asyncio.create_task(self._keep_alive())
        try:
            while True:
                for event in await self._poll():
                    await self._dispatch(event)
        finally:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            with contextlib.suppress(httpx.HTTPError, MediaError):
                await self._post(f"/{self.session_id}", {"janus": "keepalive"})

    async def _poll(self) -> list[JsonObject]:
        params: dict[str, str] = {"maxev": "20", "rid": str(next(self._ids))}
        if self.config.api_secret:
            params["apisecret"] = self.config.api_secret
        response = await self._poll_http.get(f"{self.config.url}/{self.session_id}", params=params)
        response.raise_for_status()
        body = response.json()
        events = body if isinstance(body, list) else [body]
        for event in events:
            if event.get("janus") == "error":
                code = event.get("error", {}).get("code")
                raise MediaError(reason_for(code), event.get("error", {}).get("reason", ""))
        return [event for event in events if event.get("janus") != "keepalive"]

    async def _dispatch(self, event: JsonObject) -> None:
        waiter = self._pending.pop(str(event.get("transaction", "")), None)
        if waiter is not None and event.get("janus") == "event":
            if not waiter.done():
                waiter.set_result(event)
            return
        try:
            await self.on_event(self, event)
        except Exception:  # one bad listener must not stop the node's events
            log.exception("janus node %s: event handler failed", self.node_id)

    async def _mark_down(self, detail: str) -> None:
        was_healthy = self.healthy
        self.healthy = False
        self.detail = detail
        self.session_id = None
        self._connected.clear()
        self._fail_pending(detail)
        if was_healthy:
            log.warning("janus node %s is down: %s", self.node_id, detail)
            try:
                await self.on_down(self, detail)
            except Exception:
                log.exception("janus node %s: down handler failed", self.node_id)

    def _fail_pending(self, detail: str) -> None:
        for waiter in self._pending.values():
            if not waiter.done():
                waiter.set_exception(MediaUnavailable(f"media node {self.node_id}: {detail}"))
        self._pending.clear()

    # -- requests --------------------------------------------------------------------

    async def _post(self, path: str, body: JsonObject) -> JsonObject:
        body = {**body, "transaction": body.get("transaction") or secrets.token_hex(8)}
        if self.config.api_secret:
            body["apisecret"] = self.config.api_secret
        response = await self._http.post(f"{self.config.url}{path}", json=body)
        response.raise_for_status()
        reply: JsonObject = response.json()
        if reply.get("janus") == "error":
            error = reply.get("error", {})
            raise MediaError(reason_for(error.get("code")), str(error.get("reason", "")))
        return reply

    def _require_session(self) -> int:
        if not self.healthy or self.session_id is None:
            raise MediaUnavailable(f"media node {self.node_id} is not reachable ({self.detail})")
        return self.session_id

    async def _call(self, path: str, body: JsonObject) -> JsonObject:
        """A request whose failure to connect means the node is unavailable."""
        try:
            return await self._post(path, body)
        except httpx.HTTPError as error:
            raise MediaUnavailable(f"media node {self.node_id}: {error}") from error

    async def attach(self, plugin: str = "janus.plugin.videoroom") -> int:
        session = self._require_session()
        reply = await self._call(f"/{session}", {"janus": "attach", "plugin": plugin})
        return int(reply["data"]["id"])

    async def detach(self, handle: int) -> None:
        session = self._require_session()
        await self._call(f"/{session}/{handle}", {"janus": "detach"})

    async def trickle(self, handle: int, candidate: JsonObject) -> None:
        session = self._require_session()
        await self._call(f"/{session}/{handle}", {"janus": "trickle", "candidate": candidate})

    async def message(
        self, handle: int, body: JsonObject, jsep: Jsep | None = None
    ) -> tuple[JsonObject, Jsep | None]:
        """A plugin request: its data and JSEP, whether the plugin answers at once
        (`success`) or later on the long poll (`ack`, then an `event`). A plugin error is
        raised as MediaError; no answer within REQUEST_TIMEOUT too (never a hang)."""
        session = self._require_session()
        transaction = secrets.token_hex(8)
        waiter: asyncio.Future[JsonObject] = asyncio.get_running_loop().create_future()
        self._pending[transaction] = waiter  # before sending: the event may beat the ack
        request: JsonObject = {"janus": "message", "transaction": transaction, "body": body}
        if jsep is not None:
            request["jsep"] = {"type": jsep.type, "sdp": jsep.sdp}
        try:
            reply = await self._call(f"/{session}/{handle}", request)
            if reply.get("janus") != "ack":
                return _plugin_result(reply)
            return _plugin_result(await asyncio.wait_for(waiter, REQUEST_TIMEOUT))
        except TimeoutError:
            raise MediaError("media_timeout", f"{body.get('request')} got no answer") from None
        finally:
            self._pending.pop(transaction, None)

    async def server_info(self) -> JsonObject:
        response = await self._http.get(f"{self.config.url}/info")
        response.raise_for_status()
        info: JsonObject = response.json()
        return info

    async def admin(self, request: str, **fields: Any) -> JsonObject:
        """One admin API request (`list_sessions`, `handle_info`, …)."""
        if not self.config.admin_url:
            raise MediaUnavailable(f"media node {self.node_id} has no admin URL configured")
        body = {"janus": request, "transaction": secrets.token_hex(8), **fields}
        if self.config.admin_secret:
            body["admin_secret"] = self.config.admin_secret
        try:
            response = await self._http.post(self.config.admin_url, json=body)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise MediaUnavailable(f"media node {self.node_id} admin API: {error}") from error
        reply: JsonObject = response.json()
        if reply.get("janus") == "error":
            error_body = reply.get("error", {})
            raise MediaError(reason_for(error_body.get("code")), str(error_body.get("reason", "")))
        return reply


def _plugin_result(reply: JsonObject) -> tuple[JsonObject, Jsep | None]:
    data: JsonObject = reply.get("plugindata", {}).get("data", {})
    if "error_code" in data or data.get("videoroom") == "error":
        raise MediaError(reason_for(data.get("error_code")), str(data.get("error", "")))
    raw = reply.get("jsep")
    jsep = Jsep(type=raw["type"], sdp=raw["sdp"]) if raw else None
    return data, jsep
