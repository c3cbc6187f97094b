"""The shard directory: which database holds each workspace, cached on every node, and
where a new workspace goes (decision 0010, docs/operations.md "Sharding").

The directory is the `workspace_shards` table on the primary database. A workspace with no
row there lives on the primary, so an unsharded instance never reads or writes it, and
turning sharding on later needs no backfill. Each node caches entries for
`shard_directory_ttl` seconds; a move drops them at once on every node (the
`workspace_moved` control event, heard on the bus), and a write that still reaches the old
shard is turned away by the fence there and retried on the new one (`db.Database.write`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from parley.platform.clock import utc_now
from parley.platform.db import PRIMARY, Database, UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.store import Row
from parley.platform.events.types import EVENT_TYPES, EventPayload, EventType
from parley.platform.tenancy import Workspace, WorkspaceShard

log = logging.getLogger("parley.platform.shards")

MAX_CACHED = 200_000  # entries; 130,000 workspaces fit, a miss costs one primary read


class WorkspaceMovedEvent(EventPayload):
    """For the nodes: forget the cached shard of this workspace (it moved)."""

    shard: str


EVENT_TYPES.declare(
    EventType("workspace_moved", WorkspaceMovedEvent, ("control",), control=True, rtm=False)
)


@dataclass
class _Entry:
    shard: str
    expires: float


class Directory:
    """The `ShardLocator` of a sharded `Database`: lookups, cache, placement."""

    def __init__(self, db: Database, ttl: float) -> None:
        self.db = db
        self.ttl = ttl
        self._cache: dict[str, _Entry] = {}

    # --- lookups ------------------------------------------------------------------------

    async def shard_of(self, workspace_id: str, *, fresh: bool = False) -> str:
        """The shard holding `workspace_id` (the primary when the directory has no row)."""
        if not self.db.sharded:
            return PRIMARY
        entry = None if fresh else self._cache.get(workspace_id)
        if entry is not None and entry.expires > time.monotonic():
            return entry.shard
        async with self.db.primary.read() as session:
            shard = await session.scalar(
                select(WorkspaceShard.shard).where(WorkspaceShard.workspace_id == workspace_id)
            )
        shard = shard or PRIMARY
        if shard not in self.db.shards:
            # A node configured without a shard the directory names must not guess.
            raise RuntimeError(f"workspace {workspace_id} is on shard {shard!r}, not configured")
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[workspace_id] = _Entry(shard, time.monotonic() + self.ttl)
        return shard

    def forget(self, workspace_id: str) -> None:
        self._cache.pop(workspace_id, None)

    async def shard_of_domain(self, domain: str) -> str:
        """The shard of the workspace with this domain (the primary when none is listed)."""
        if not self.db.sharded:
            return PRIMARY
        async with self.db.primary.read() as session:
            shard = await session.scalar(
                select(WorkspaceShard.shard).where(WorkspaceShard.domain == domain.strip().lower())
            )
        return shard if shard in self.db.shards else PRIMARY

    def listen(self, rows: list[Row]) -> None:
        """A bus listener: a `workspace_moved` event drops the cached entry on this node."""
        for row in rows:
            if row["payload"].get("type") == "workspace_moved":
                self.forget(row["workspace_id"])

    # --- placement ----------------------------------------------------------------------

    async def workspace_counts(self) -> dict[str, int]:
        """Workspaces held by each shard (those moved away from it do not count)."""
        counts: dict[str, int] = {}
        for name, shard in self.db.shards.items():
            async with shard.read() as session:
                counts[name] = int(
                    await session.scalar(
                        select(func.count())
                        .select_from(Workspace)
                        .where(Workspace.moved_to.is_(None))
                    )
                    or 0
                )
        return counts

    async def emptiest(self) -> str:
        """The shard with the fewest workspaces; ties go to the one configured first."""
        counts = await self.workspace_counts()
        order = list(self.db.shards)
        return min(order, key=lambda name: (counts[name], order.index(name)))

    async def place(self, workspace_id: str, domain: str) -> str:
        """Reserve `domain` for the new workspace in the directory, on the emptiest shard.
        `domain_taken` when any shard has it (the directory's unique index; workspaces on
        the primary from before sharding have no row, so the primary is asked too)."""
        domain = domain.strip().lower()
        async with self.db.primary.read() as session:
            legacy = await session.scalar(select(Workspace.id).where(Workspace.domain == domain))
        if legacy is not None:
            raise ApiError("domain_taken")
        shard = await self.emptiest()
        try:
            async with self.db.primary.write() as uow:
                uow.session.add(
                    WorkspaceShard(
                        workspace_id=workspace_id, shard=shard, domain=domain, placed=utc_now()
                    )
                )
        except IntegrityError:
            raise ApiError("domain_taken") from None
        self._cache[workspace_id] = _Entry(shard, time.monotonic() + self.ttl)
        return shard

    async def unplace(self, workspace_id: str) -> None:
        """Give the reservation back: the workspace's creation failed."""
        self.forget(workspace_id)
        async with self.db.primary.write() as uow:
            await uow.session.execute(
                delete(WorkspaceShard).where(WorkspaceShard.workspace_id == workspace_id)
            )


def install_directory(
    db: Database, ttl: float, listen: Callable[[Callable[[list[Row]], None]], object]
) -> Directory:
    """Make `db` route by the directory, and keep its cache in step with moves."""
    directory = Directory(db, ttl)
    db.locator = directory
    listen(directory.listen)
    return directory


def directory_of(db: Database) -> Directory | None:
    """The directory a sharded database routes by (None unsharded)."""
    return db.locator if isinstance(db.locator, Directory) else None


@asynccontextmanager
async def new_workspace_write(
    db: Database, workspace_id: str, domain: str
) -> AsyncIterator[UnitOfWork]:
    """The write transaction that creates workspace `workspace_id`, on the shard it is
    placed on (the emptiest). Unsharded: the primary, as before. The directory row is
    committed first, so a crash can leave a reservation without a workspace (harmless:
    nothing is found through it) but never a workspace the directory does not know."""
    directory = directory_of(db)
    if directory is None:
        async with db.write() as uow:
            yield uow
        return
    shard = await directory.place(workspace_id, domain)
    try:
        with db.on_shard(shard, workspace_id):
            async with db.write() as uow:
                yield uow
    except BaseException:
        await directory.unplace(workspace_id)
        raise


ID_RANGE = 100_000_000  # ids per shard: integer keys (int4) leave room for 21 shards


async def claim_id_ranges(db: Database) -> None:
    """Give each shard its own range of generated integer ids (shard n from n·ID_RANGE, in
    configuration order; the primary is 0), so a moved row keeps its id without meeting
    another's. Idempotent: a sequence already past its range's start is left alone."""
    if not db.sharded:
        return
    for index, shard in enumerate(db.shards.values()):
        if index == 0:
            continue
        async with shard.write() as uow:
            sequences = (
                await uow.session.execute(
                    text(
                        "SELECT sequencename, last_value FROM pg_sequences "
                        "WHERE schemaname = current_schema()"
                    )
                )
            ).all()
            for name, last in sequences:
                if last is None or int(last) < index * ID_RANGE:
                    await uow.session.execute(
                        text("SELECT setval(:seq, :value)"),
                        {"seq": name, "value": index * ID_RANGE},
                    )
