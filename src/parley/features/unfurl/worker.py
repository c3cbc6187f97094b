"""The unfurl worker: follows the event log and, for each new message with links, tells
subscribed apps (`link_shared`) and fetches Parley's own preview cards.

Off the request path by construction: `chat.postMessage` commits and logs its `message`
event; this worker (a `parley.platform.workers` entry) reads the log afterwards, so a slow or
hostile site never slows posting. Cards land on the message with `message_changed`.

A platform log consumer (`platform/events/consumer.py`): its position in each
workspace's log is persisted, so messages posted while it was down are unfurled when it
is back (the first run ever starts at the end of the logs: history is not unfurled), and
one node at a time runs it (a lease), so several nodes do not unfurl (or tell apps) twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from parley.features.apps.interface import event_apps
from parley.features.conversations.interface import get_conversation
from parley.features.messages.interface import Message, get_message
from parley.features.unfurl import actions
from parley.features.unfurl.cache import PreviewCache
from parley.features.unfurl.cards import card_for, card_url, is_card
from parley.features.unfurl.fetch import PAGE_LIMITS, Preview, fetch_preview
from parley.features.unfurl.links import message_links
from parley.platform.events.consumer import BatchHandler, ConsumerRunner, LogConsumer, leadership
from parley.platform.events.store import Row
from parley.platform.net.client import SafeClient, client_for
from parley.platform.services import Services

log = logging.getLogger("parley.features.unfurl")

# Messages that are someone saying something (not joins, topics, tombstones…).
NEW_MESSAGE_SUBTYPES = frozenset({None, "thread_broadcast", "bot_message", "me_message"})
CONSUMER_NAME = "unfurls"  # the log consumer's cursor and lease


@dataclass
class UnfurlConfig:
    poll_interval: float = 0.2
    batch: int = 500
    persist_every: float = 1.0  # the cursor's row is written at most once a second
    wake_on_events: bool = False  # polls every `poll_interval`: a pass per post would cost posts
    concurrency: int = 8  # messages unfurled at once


CONFIG = UnfurlConfig()


@dataclass(frozen=True)
class Job:
    workspace_id: str
    channel_id: str
    ts: str
    new: bool  # a new message (apps hear `link_shared`), not an edit


def job_for(workspace_id: str, payload: dict[str, Any]) -> Job | None:
    """The unfurl work a logged event asks for, if any."""
    if payload.get("type") != "message" or payload.get("is_ephemeral"):
        return None
    subtype = payload.get("subtype")
    channel = payload.get("channel")
    if subtype in NEW_MESSAGE_SUBTYPES:
        body, new = payload, True
    elif subtype == "message_changed" and isinstance(payload.get("message"), dict):
        body, new = payload["message"], False
        if "edited" not in body:
            return None  # a thread summary or an unfurl of ours: nothing new was said
    else:
        return None
    ts = body.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str):
        return None
    if new and "http" not in str(body.get("text", "")).lower() and not body.get("blocks"):
        return None  # (an edit may have removed the links its cards are for)
    return Job(workspace_id, channel, ts, new)


@dataclass(frozen=True)
class Found:
    """A message with links (or stale cards), read when its apps were told."""

    message: Message
    links: list[str]
    stale: bool


class Unfurler:
    def __init__(
        self,
        services: Services,
        config: UnfurlConfig = CONFIG,
        *,
        client: SafeClient | None = None,
        cache: PreviewCache | None = None,
    ) -> None:
        self.services = services
        self.config = config
        self.client = client or client_for(services.settings, PAGE_LIMITS)
        self.cache = cache or PreviewCache()
        self.tasks: set[asyncio.Task[None]] = set()
        self.fetching: dict[tuple[str, str], asyncio.Future[Preview | None]] = {}
        self.slots = asyncio.Semaphore(config.concurrency)
        self.own_origin = _origin(services.settings.base_url)

        self.consumer = ConsumerRunner(services, log_consumer(config), self.handle_rows)

    # --- following the log ----------------------------------------------------------------

    async def pass_once(self) -> int:
        """Handle what the log gained since the last pass; returns the events read."""
        return await self.consumer.pass_once()

    async def handle_rows(self, workspace_id: str, rows: list[Row]) -> None:
        """One batch of a workspace's log. Apps hear `link_shared` in the order the messages
        were posted (one message after the other); the page fetches then run concurrently
        (within the limit). The batch counts as handled, moving the cursor, once all ended."""
        tasks = []
        for row in rows:
            job = job_for(workspace_id, row["payload"])
            if job is None:
                continue
            try:
                found = await self.tell_apps(job)
            except Exception:
                log.exception("unfurl of %s/%s failed", job.channel_id, job.ts)
                continue
            if found is not None:
                tasks.append(self._start(job, found))
        await asyncio.gather(*tasks)

    def _start(self, job: Job, found: Found) -> asyncio.Task[None]:
        task = asyncio.create_task(self._run(job, found))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _run(self, job: Job, found: Found) -> None:
        try:
            async with self.slots:
                await self.add_cards(job, found)
        except Exception:
            log.exception("unfurl of %s/%s failed", job.channel_id, job.ts)

    async def drain(self) -> None:
        """Wait for the jobs started so far (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    # --- one message ------------------------------------------------------------------------

    async def handle(self, job: Job) -> None:
        """Everything one message asks for: tell the apps, then add Parley's cards."""
        found = await self.tell_apps(job)
        if found is not None:
            await self.add_cards(job, found)

    async def tell_apps(self, job: Job) -> Found | None:
        """Read the message; `link_shared` to the apps of its links' domains. None when
        there is nothing more to do for it."""
        async with self.services.db.read() as session:
            conversation = await get_conversation(session, job.workspace_id, job.channel_id)
            message = (
                await get_message(session, conversation.id, job.ts)
                if conversation is not None
                else None
            )
            if conversation is None or message is None or message.is_deleted:
                return None
            links = message_links(message.text, message.blocks)
            apps = await event_apps(session, job.workspace_id) if links else []
        current = message.attachments or []
        stale = any(is_card(a) and card_url(a) not in links for a in current)
        if not links and not stale:
            return None
        if job.new and actions.link_shared_apps(apps):
            async with self.services.db.write() as uow:
                await actions.do_emit_link_shared(uow, conversation, message, apps)
        return Found(message, links, stale)

    async def add_cards(self, job: Job, found: Found) -> None:
        """Fetch the previews of the message's links and put their cards on it."""
        message, links, stale = found.message, found.links, found.stale
        if not self.services.settings.unfurl_enabled:
            return
        if not (message.unfurl_links or message.unfurl_media):
            return
        current = message.attachments or []
        taken = {card_url(a) for a in current if is_card(a) and a.get("is_app_unfurl")}
        wanted = [url for url in links if url not in taken and _origin(url) != self.own_origin]
        previews = await asyncio.gather(*(self.preview(job.workspace_id, u) for u in wanted))
        cards = {
            p.url: card_for(p)
            for p in previews
            if p is not None and (message.unfurl_media if p.media else message.unfurl_links)
        }
        if not cards and not stale:
            return
        async with self.services.db.write() as uow:
            await actions.do_apply_parley_cards(
                uow, job.workspace_id, job.channel_id, job.ts, cards
            )

    async def preview(self, workspace_id: str, url: str) -> Preview | None:
        """The preview of `url`, from the cache when fetched recently (failures too)."""
        found, cached = self.cache.get(workspace_id, url)
        if found:
            return cached
        key = (workspace_id, url)
        fetching = self.fetching.get(key)
        if fetching is None:  # one fetch per URL even when several messages carry it
            fetching = asyncio.ensure_future(fetch_preview(self.client, url))
            self.fetching[key] = fetching
            try:
                preview = await fetching
            finally:
                del self.fetching[key]
            self.cache.put(workspace_id, url, preview)
            return preview
        return await asyncio.shield(fetching)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


def log_consumer(config: UnfurlConfig = CONFIG) -> LogConsumer:
    """The unfurl log consumer, as the feature registers it."""
    return LogConsumer(CONSUMER_NAME, unfurl_handler, **consumer_options(config))


def consumer_options(config: UnfurlConfig = CONFIG) -> dict[str, Any]:
    """How the unfurl consumer follows the log (also what feature.py registers)."""
    return {
        "batch": config.batch,
        "poll_interval": config.poll_interval,
        "persist_every": config.persist_every,
        "wake_on_events": config.wake_on_events,
    }


def unfurl_handler(services: Services) -> BatchHandler:
    """The consumer's handler: one Unfurler (client, preview cache, limits) per worker."""
    return Unfurler(services).handle_rows


@contextlib.asynccontextmanager
async def _leadership(services: Services) -> AsyncIterator[None]:
    """Hold the unfurl consumer's lease (the one node that unfurls) for the block."""
    async with leadership(services.db, CONSUMER_NAME):
        yield
