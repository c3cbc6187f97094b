"""The registries features plug into. The platform reads them; it never imports a feature.

A feature is a folder under `parley/features/` with a `feature.py` whose `register(platform)`
adds what the feature brings: its tables and migrations, its Web API modules (their
`@api_method` decorators fill the method registry when imported), background workers, HTTP
routes, and lines for the API coverage document. The composition root
(`parley/composition.py`) calls every feature's `register` once per process, in dependency
order, before the app is built.

Event types, audiences, socket frame handlers and log consumers have registries of their
own next to the code that uses them (`platform/events/types.py`, `platform/events/audience.py`,
`platform/events/frames.py`, `platform/events/consumer.py`); `Platform` gives features one
handle to all of them (docs/events.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from parley.platform.auth.credentials import Credentials, NoCredentials
from parley.platform.events.audience import AUDIENCE_KINDS, AudienceKindResolver
from parley.platform.events.consumer import HandlerFactory, LogConsumer, consumer_worker
from parley.platform.events.frames import FRAME_HANDLERS, FrameHandler
from parley.platform.events.types import EVENT_TYPES, EventType
from parley.platform.rendering import CLIENT_FIELDS

if TYPE_CHECKING:
    from parley.platform.services import Services

Worker = Callable[["Services"], Awaitable[None]]
RouteFactory = Callable[[], list[BaseRoute]]
CoverageLines = Callable[[], list[str]]


@dataclass
class Platform:
    """What the features have registered; one per process (see `PLATFORM`)."""

    features: list[str] = field(default_factory=list)
    workers: dict[str, Worker] = field(default_factory=dict)
    route_factories: list[RouteFactory] = field(default_factory=list)
    coverage_sections: list[CoverageLines] = field(default_factory=list)
    model_modules: list[str] = field(default_factory=list)
    migration_dirs: list[Path] = field(default_factory=list)
    # Who a token or session cookie is: installed by the identity feature.
    credentials: Credentials = field(default_factory=NoCredentials)

    def api_modules(self, *modules: str) -> None:
        """Import modules whose `@api_method` handlers register Web API methods."""
        for module in modules:
            importlib.import_module(module)

    def models(self, *modules: ModuleType) -> None:
        """The feature's table modules (imported, so `Base.metadata` knows their tables)."""
        self.model_modules += [module.__name__ for module in modules]

    def migrations(self, directory: Path) -> None:
        """A folder of the feature's own Alembic revisions. All folders form one linear
        history with the platform's (`parley/migrations/versions`): a feature's first
        revision names the head it was written against as its `down_revision`."""
        if directory not in self.migration_dirs:
            self.migration_dirs.append(directory)

    def worker(self, name: str, worker: Worker) -> None:
        """A long-running task started with the server and restarted if it crashes."""
        if name in self.workers:
            raise RuntimeError(f"worker {name} registered twice")
        self.workers[name] = worker

    def routes(self, factory: RouteFactory) -> None:
        """HTTP routes outside `/api/<method>` (file downloads, OAuth pages, …)."""
        self.route_factories.append(factory)

    def coverage(self, section: CoverageLines) -> None:
        """Extra lines for docs/api-coverage.md (e.g. the events apps can subscribe to)."""
        self.coverage_sections.append(section)

    def credential_store(self, credentials: Credentials) -> None:
        """The one place tokens and sessions are resolved (the identity feature's)."""
        self.credentials = credentials

    def event_type(self, declaration: EventType) -> None:
        """Declare an event type the feature emits (emit() refuses undeclared ones)."""
        EVENT_TYPES.declare(declaration)

    def event_types(self, *declarations: EventType) -> None:
        for declaration in declarations:
            self.event_type(declaration)

    def audience_kind(self, name: str, resolver: AudienceKindResolver) -> None:
        """A new kind of audience (`{"kind": name, ...}`) and how a node resolves it to users."""
        AUDIENCE_KINDS.register(name, resolver)

    def socket_frame(self, frame_type: str, handler: FrameHandler) -> None:
        """Handle frames of `frame_type` that clients send on the real-time socket."""
        FRAME_HANDLERS.register(frame_type, handler)

    def log_consumer(self, name: str, make_handler: HandlerFactory, **options: Any) -> LogConsumer:
        """Follow the event log with a persisted cursor, on one node at a time (a worker
        named `name`); `make_handler(services)` builds the batch handler when the worker
        starts; `options` are `LogConsumer`'s (start, batch, poll_interval, …)."""
        consumer = LogConsumer(name, make_handler, **options)
        self.worker(name, consumer_worker(consumer))
        return consumer

    def client_fields(self, *names: str) -> None:
        """Fields only Parley's web client gets, when it asks (platform/rendering.py):
        stripped from Web API answers and socket frames for everyone else."""
        CLIENT_FIELDS.add(*names)

    def all_routes(self) -> list[BaseRoute]:
        return [route for factory in self.route_factories for route in factory()]


PLATFORM = Platform()
FeatureRegistration = Callable[[Platform], None]


def install_features(registrations: list[tuple[str, FeatureRegistration]]) -> Platform:
    """Register every feature once per process (create_app runs many times in tests)."""
    for name, register in registrations:
        if name in PLATFORM.features:
            continue
        register(PLATFORM)
        PLATFORM.features.append(name)
    return PLATFORM
