"""The Events API: turns logged events into per-app deliveries and delivers them.

Off the request path by construction: a message is committed and its event logged; these
workers follow the log, so a slow or dead app never slows chat.

1. Ingest (one node: the platform log consumer `app-events`, `platform/events/consumer.py`):
   for each workspace where an app was created or installed (the feature places the
   consumer's cursor then, `actions.ensure_cursor`) and that has event-subscribed apps,
   decide which apps may see each logged event (bot membership, subscriptions) and insert
   one delivery per (app, event) with a stable `event_id`, in the transaction that moves
   the cursor: each event is ingested exactly once.
2. Dispatch (every node, the `app-event-delivery` worker; Socket Mode connections are per
   node): lease due deliveries, POST them signed (HTTP apps) or send them over Socket
   Mode, and record the outcome: retried with backoff and `X-Slack-Retry-Num`/`-Reason`,
   given up after the last retry, and the app disabled after `disable_after` events in a
   row were given up (the reason is kept for admins: `apps.event_delivery.status`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.apps import actions, store
from parley.features.apps.models import EVENTS_CONSUMER, App, AppDelivery
from parley.features.apps.routing import envelope, events_for_app, may_see
from parley.features.apps.signing import signed_headers
from parley.features.apps.socket import SocketUnavailable, socket_hub
from parley.platform import visibility
from parley.platform.clock import as_utc, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.events.consumer import ConsumerRunner, InTransaction, LogConsumer
from parley.platform.events.store import Row
from parley.platform.net.client import FetchError, FetchResult, Limits, client_for
from parley.platform.services import Services

log = logging.getLogger("parley.features.apps.delivery")


@dataclass
class DeliveryConfig:
    # Both workers wake when events are committed (this node's or, over the bus, another's),
    # and dispatch also when this node ingested; this is only the fallback pass, for retries
    # coming due and deliveries another node ingested.
    poll_interval: float = 0.25
    ingest_batch: int = 500
    dispatch_batch: int = 100
    request_timeout: float = 3.0  # Slack's: an app answers within 3 seconds
    # Slack retries three times: immediately, after about a minute, after about five.
    retry_delays: tuple[float, ...] = (1.0, 60.0, 300.0)
    disable_after: int = 20  # events given up in a row
    lease_seconds: float = 30.0
    socket_wait: float = 1.0  # no Socket Mode connection here: look again after this
    socket_give_up: float = 600.0  # … and give up on an event this old
    concurrency: int = 64
    max_response_bytes: int = 64 * 1024


CONFIG = DeliveryConfig()


CONNECTIONS_PER_ORIGIN = 8
MAX_POOLS = 512


# Set when this node ingested deliveries: its dispatcher sends them at once instead of at
# its next poll (the ingest runs as the log consumer's worker; dispatch is another worker).
_INGESTED: dict[int, asyncio.Event] = {}


def ingested_signal(services: Services) -> asyncio.Event:
    """The signal of this running server (one per `Services`, like `socket_hub`)."""
    return _INGESTED.setdefault(id(services.realtime), asyncio.Event())


async def followed_workspaces(session: AsyncSession) -> list[str]:
    """Read only the workspaces with event-subscribed apps; another's cursor waits."""
    return await store.workspaces_with_event_apps(session)


def ingest_options(config: DeliveryConfig = CONFIG) -> dict[str, Any]:
    """How the ingest follows the log (`platform.log_consumer` options, see feature.py)."""
    return {
        "follow": "cursors",
        "only": followed_workspaces,
        "batch": config.ingest_batch,
        "poll_interval": config.poll_interval,
    }


def ingest_consumer(config: DeliveryConfig = CONFIG) -> LogConsumer:
    return LogConsumer(EVENTS_CONSUMER, ingest_handler, **ingest_options(config))


def ingest_handler(services: Services) -> InTransaction:
    """Insert each batch's deliveries in the cursor's transaction (exactly once)."""
    signal = ingested_signal(services)

    async def wake_dispatch() -> None:
        signal.set()

    async def handle(uow: UnitOfWork, workspace_id: str, rows: list[Row]) -> None:
        batches = await deliveries_for(uow, workspace_id, rows)
        await actions.enqueue_deliveries_for_apps(uow, batches)
        if any(bodies for _, bodies in batches):
            uow.on_commit(wake_dispatch)

    return InTransaction(handle)


async def deliveries_for(
    uow: UnitOfWork, workspace_id: str, rows: list[Row]
) -> list[tuple[App, list[dict[str, Any]]]]:
    """Each event-subscribed app's envelopes for the events it may see."""
    apps = await store.event_apps(uow.session, workspace_id)
    # One query per conversation in the batch, not one per (app, conversation).
    members: dict[str, frozenset[str]] = {}

    async def is_member(conversation_id: str, user_id: str) -> bool:
        if conversation_id not in members:
            members[conversation_id] = frozenset(
                await visibility.member_ids(uow.session, conversation_id)
            )
        return user_id in members[conversation_id]

    return [
        (
            app,
            [
                envelope(app, event, seq=row["seq"], kind=kind, created=row["created"])
                for row in rows
                if await may_see(app, row["audience"], is_member)
                for kind, event in events_for_app(app, row["payload"])
            ],
        )
        for app in apps
    ]


class Deliverer:
    def __init__(self, services: Services, config: DeliveryConfig = CONFIG) -> None:
        self.services = services
        self.config = config
        self.inflight: set[int] = set()
        self.delivered: dict[int, str] = {}
        # Pooled clients, one per app origin (address checks still run per request), sharing
        # one TLS context: building one costs milliseconds (it loads the CA bundle).
        self.pools: OrderedDict[str, httpx.AsyncClient] = OrderedDict()
        self.tls = ssl.create_default_context(cafile=certifi.where())
        self.tasks: set[asyncio.Task[None]] = set()
        self.slots = asyncio.Semaphore(config.concurrency)
        self.wake = ingested_signal(services)
        # Workspaces with event-subscribed apps, read each pass; None until the first.
        self.watched: frozenset[str] | None = None
        # The ingest, for driving both halves pass by pass (tests, the CLI); the server
        # runs it as the log consumer's worker, on one node.
        self.ingester = ConsumerRunner(services, ingest_consumer(config))

    def on_events(self, rows: list[dict[str, Any]]) -> None:
        """Bus listener: committed events in a workspace that apps watch may have made
        deliveries (the leader's ingest): look now rather than at the next poll. Events of
        other workspaces do not wake it: under load that would be a query per commit."""
        watched = self.watched
        if watched is None or any(row.get("workspace_id") in watched for row in rows):
            self.wake.set()

    async def ingest(self) -> int:
        """One pass of the ingest consumer; returns the events read."""
        return await self.ingester.pass_once()

    # --- dispatch -------------------------------------------------------------------------

    async def dispatch(self) -> int:
        await self.flush_successes()
        now = utc_now()
        async with self.services.db.read() as session:
            self.watched = frozenset(await store.workspaces_with_event_apps(session))
            due = await store.due_deliveries(session, now, self.config.dispatch_batch)
        due = [d for d in due if d.id not in self.inflight]
        if not due:
            return 0
        until = now + timedelta(seconds=self.config.lease_seconds)
        async with self.services.db.write() as uow:
            claimed = await store.claim_deliveries(uow.session, [d.id for d in due], now, until)
        async with self.services.db.read() as session:
            apps = await store.apps_by_id(session, {d.app_id for d in due if d.id in claimed})
        for delivery in due:
            if delivery.id not in claimed:
                continue
            self.inflight.add(delivery.id)
            task = asyncio.create_task(self._deliver(delivery, apps.get(delivery.app_id)))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return len(claimed)

    async def flush_successes(self) -> None:
        """Record the deliveries that succeeded since the last pass, in one transaction."""
        if not self.delivered:
            return
        batch, self.delivered = self.delivered, {}
        async with self.services.db.write() as uow:
            await actions.do_record_successes(uow, batch)

    async def _deliver(self, delivery: AppDelivery, app: App | None) -> None:
        try:
            async with self.slots:
                await self._attempt(delivery, app)
        except Exception:
            log.exception("delivery %s failed unexpectedly", delivery.id)
        finally:
            self.inflight.discard(delivery.id)

    async def _attempt(self, delivery: AppDelivery, app: App | None) -> None:
        if app is None:
            return  # deleted: its deliveries went with it
        age = (utc_now() - as_utc(delivery.created)).total_seconds()
        if app.max_event_age and age > app.max_event_age:
            async with self.services.db.write() as uow:
                await actions.do_expire(uow, delivery.id, age, app.max_event_age)
            return
        if not app.events_enabled:
            await self._fail(delivery, "unknown_error", "event delivery is disabled", final=True)
            return
        if app.socket_mode:
            await self._attempt_socket(app, delivery)
        elif app.request_url:
            await self._attempt_http(app, delivery)
        else:
            await self._fail(delivery, "unknown_error", "no request URL", final=True)

    async def _attempt_socket(self, app: App, delivery: AppDelivery) -> None:
        hub = socket_hub(self.services)
        if not hub.has(app.id):
            age = (utc_now() - as_utc(delivery.created)).total_seconds()
            if age > self.config.socket_give_up:
                await self._fail(delivery, "connection_failed", "no connection", final=True)
                return
            async with self.services.db.write() as uow:
                await actions.do_hold(uow, delivery.id, self.config.socket_wait)
            return
        try:
            await hub.request(
                app.id,
                "events_api",
                delivery.body,
                wait=self.config.request_timeout,
                accepts_response_payload=False,
                retry_attempt=delivery.attempts,
                retry_reason=delivery.retry_reason,
            )
        except TimeoutError:
            await self._fail(delivery, "timeout", "not acknowledged in time")
            return
        except SocketUnavailable as gone:
            await self._fail(delivery, "connection_failed", str(gone))
            return
        await self._succeed(delivery)

    async def _attempt_http(self, app: App, delivery: AppDelivery) -> None:
        assert app.request_url is not None
        body = orjson.dumps(delivery.body)
        headers = signed_headers(app.signing_secret, body, "application/json")
        if delivery.attempts:
            headers["x-slack-retry-num"] = str(delivery.attempts)
            headers["x-slack-retry-reason"] = delivery.retry_reason or "unknown_error"
        client = client_for(
            self.services.settings,
            Limits(max_bytes=self.config.max_response_bytes, timeout=self.config.request_timeout),
        )
        client.user_agent = "Slackbot 1.0 (+https://api.slack.com/robots) Parley"
        try:
            result = await client.post(
                app.request_url, body, headers, http=self._pool_for(app.request_url)
            )
        except FetchError as error:
            reason = "http_timeout" if "timed out" in error.reason else "connection_failed"
            await self._fail(delivery, reason, error.reason)
            return
        problem = _problem(delivery.body, result)
        if problem is None:
            await self._succeed(delivery)
            return
        no_retry = result.headers.get("x-slack-no-retry") == "1"
        reason = "too_many_redirects" if 300 <= result.status < 400 else "http_error"
        await self._fail(delivery, reason, problem, final=no_retry)

    async def _succeed(self, delivery: AppDelivery) -> None:
        # Batched: written by the next pass (a lease keeps it from being sent again).
        self.delivered[delivery.id] = delivery.app_id

    async def _fail(
        self, delivery: AppDelivery, reason: str, error: str, *, final: bool = False
    ) -> None:
        delays = self.config.retry_delays
        retry_in = None if final or delivery.attempts >= len(delays) else delays[delivery.attempts]
        async with self.services.db.write() as uow:
            await actions.do_record_failure(
                uow,
                delivery.id,
                reason=reason,
                error=error,
                retry_in=retry_in,
                disable_after=self.config.disable_after,
            )

    def _pool_for(self, url: str) -> httpx.AsyncClient:
        """The keep-alive pool for `url`'s origin. One small pool per origin rather than one
        big one: httpcore scans every connection of a pool on each request, and with one
        pool of 64 connections to 50 apps that scan took ~30 % of the server's CPU
        (py-spy, bench/apps). The least recently used pool goes once there are too many;
        it is closed after the request timeout, so requests still on it finish."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        pool = self.pools.get(origin)
        if pool is not None:
            self.pools.move_to_end(origin)
            return pool
        pool = httpx.AsyncClient(
            trust_env=False,
            follow_redirects=False,
            timeout=self.config.request_timeout,
            limits=httpx.Limits(max_connections=CONNECTIONS_PER_ORIGIN),
            verify=self.tls,
        )
        self.pools[origin] = pool
        if len(self.pools) > MAX_POOLS:
            _, oldest = self.pools.popitem(last=False)
            task = asyncio.create_task(self._close_later(oldest))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return pool

    async def _close_later(self, pool: httpx.AsyncClient) -> None:
        try:
            await asyncio.sleep(self.config.request_timeout + 1)
        finally:
            await pool.aclose()

    async def run(self) -> None:
        """The dispatch worker (every node): send what is due until cancelled."""
        unlisten = self.services.realtime.bus.listen(self.on_events)
        try:
            while True:
                self.wake.clear()
                try:
                    await self.dispatch()
                except Exception:
                    log.exception("event dispatch pass failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.config.poll_interval)
        finally:
            unlisten()
            for task in list(self.tasks):
                task.cancel()
            with contextlib.suppress(Exception):
                await self.flush_successes()
            for pool in self.pools.values():
                await pool.aclose()


def _problem(body: dict[str, Any], result: FetchResult) -> str | None:
    """Why an app's answer counts as a failure, or None for success."""
    if not 200 <= result.status < 300:
        return f"HTTP {result.status}"
    if body.get("type") == "url_verification":
        challenge = str(body.get("challenge", ""))
        if challenge.encode() not in result.body:
            return "url_verification: the challenge was not echoed"
    return None


async def run_event_dispatch(services: Services) -> None:
    await Deliverer(services).run()
