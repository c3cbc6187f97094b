"""Moving one workspace to another shard while it stays in use (decision 0010).

1. Copy: every row of the workspace, table by table (parents first), from the shard it is
   on to the target, in batches. Reads and writes go on meanwhile, on the old shard.
2. Catch up: the copy is brought up to date with what was written meanwhile (rows compared
   by primary key and a digest of each row), still without holding anything.
3. Switch: one transaction on the old shard locks the workspace's row (FOR UPDATE). Writes
   to the workspace wait from here (`db.check_fence`: every write of a bound request takes
   KEY SHARE on that row; every write with events updates it). Under that hold every table
   is verified: the row count and a checksum of all rows, on both sides; a table written
   since the catch-up is brought up to date first and must then agree. Then `moved_to` is
   set on the old row and the transaction commits: the switch. The held writes find the
   workspace moved and are retried on the new shard.
4. The directory names the new shard; every node drops its cached entry (a control event
   on the bus), and one that has not heard yet is redirected by the fence.
5. After the directory TTL has passed (no node reads the old shard for it any more), the
   old rows are deleted; the old workspace row stays as the fence (a tombstone).

Which tables: every table with a `workspace_id` column, from the model registry, plus the
`workspaces` row itself. Rows in tables without one that the workspace's rows point at
(an account its members sign in with) are copied when the target lacks them and never
deleted. Other tables without `workspace_id` (consumer leases) belong to the shard, not
to a workspace, and do not move: `unmoved_tables()` lists them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Table, and_, delete, func, insert, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.db import Base, Database, Shard
from parley.platform.events.emit import control_audience, emit
from parley.platform.shards import directory_of
from parley.platform.tenancy import Workspace, WorkspaceShard

log = logging.getLogger("parley.platform.moves")

BATCH = 1_000
# Tables that have a workspace_id but are not the workspace's data (the directory itself).
NOT_WORKSPACE_DATA = {WorkspaceShard.__tablename__}

Progress = Callable[[str, int, int], None]


class MoveError(Exception):
    """The move cannot start or did not verify; the workspace stays where it was."""


@dataclass
class TableCheck:
    table: str
    rows: int
    checksum: str


@dataclass
class MoveReport:
    workspace_id: str
    source: str
    target: str
    copied: dict[str, int] = field(default_factory=dict)
    resynced: dict[str, int] = field(default_factory=dict)  # before the hold
    resynced_held: dict[str, int] = field(default_factory=dict)  # while writes were held
    verified: list[TableCheck] = field(default_factory=list)
    held_seconds: float = 0.0
    deleted: int = 0


# --- which tables -------------------------------------------------------------------------


def workspace_tables() -> list[Table]:
    """Tables holding a workspace's rows, parents before children (FK order)."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if table.name == Workspace.__tablename__
        or ("workspace_id" in table.c and table.name not in NOT_WORKSPACE_DATA)
    ]


def unmoved_tables() -> list[str]:
    """Tables that stay behind: shard-wide state and cross-workspace rows."""
    moved = {table.name for table in workspace_tables()}
    return [t.name for t in Base.metadata.sorted_tables if t.name not in moved]


def _owner(table: Table, workspace_id: str) -> Any:
    if table.name == Workspace.__tablename__:
        return table.c.id == workspace_id
    return table.c.workspace_id == workspace_id


def _pk(table: Table) -> list[Any]:
    return list(table.primary_key.columns)


def _digest_sql(table: Table) -> str:
    """md5 of one row's text. JSON is normalised: `json` keeps its input text, which a copy
    re-encodes, and a copy stores SQL NULL as JSON `null` (both read back as None)."""
    parts = []
    for column in table.columns:
        name = f'"{column.name}"'
        is_json = isinstance(column.type, JSON)
        parts.append(f"nullif({name}::jsonb, 'null'::jsonb)" if is_json else name)
    return f"md5(ROW({', '.join(parts)})::text)"


# --- reading and writing rows ---------------------------------------------------------------


async def _count(session: AsyncSession, table: Table, workspace_id: str) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(table).where(_owner(table, workspace_id))
        )
        or 0
    )


async def _digests(
    session: AsyncSession, table: Table, workspace_id: str
) -> dict[tuple[Any, ...], str]:
    pk = _pk(table)
    result = await session.execute(
        select(*pk, text(_digest_sql(table))).select_from(table).where(_owner(table, workspace_id))
    )
    return {tuple(row[:-1]): str(row[-1]) for row in result.all()}


async def _checksum(session: AsyncSession, table: Table, workspace_id: str) -> TableCheck:
    order = ", ".join(f'"{c.name}"' for c in _pk(table))
    where = "id = :w" if table.name == Workspace.__tablename__ else "workspace_id = :w"
    row = (
        await session.execute(
            text(
                f"SELECT count(*), md5(coalesce(string_agg({_digest_sql(table)}, '' "
                f"ORDER BY {order}), '')) FROM \"{table.name}\" WHERE {where}"
            ),
            {"w": workspace_id},
        )
    ).one()
    return TableCheck(table.name, int(row[0]), str(row[1]))


async def _rows_by_pk(
    session: AsyncSession, table: Table, keys: Sequence[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    pk = _pk(table)
    for start in range(0, len(keys), BATCH):
        chunk = list(keys[start : start + BATCH])
        result = await session.execute(select(table).where(tuple_(*pk).in_(chunk)))
        rows += [dict(row._mapping) for row in result.all()]
    return rows


async def _copy_table(
    source: Shard, target: Shard, table: Table, workspace_id: str, progress: Progress
) -> int:
    """Every row of the workspace in `table`, in primary-key order, batch by batch."""
    async with source.read() as session:
        total = await _count(session, table, workspace_id)
    progress(table.name, 0, total)
    pk = _pk(table)
    copied = 0
    last: tuple[Any, ...] | None = None
    while True:
        query = select(table).where(_owner(table, workspace_id)).order_by(*pk).limit(BATCH)
        if last is not None:
            query = query.where(tuple_(*pk) > tuple_(*last))
        async with source.read() as session:
            rows = [dict(row._mapping) for row in (await session.execute(query)).all()]
        if not rows:
            break
        async with target.write() as uow:
            await uow.session.execute(insert(table), rows)
        copied += len(rows)
        last = tuple(rows[-1][c.name] for c in pk)
        progress(table.name, copied, max(total, copied))
    return copied


async def _copy_referenced(source: Shard, target: Shard, workspace_id: str) -> None:
    """Rows outside the workspace that its rows point at (accounts), when the target lacks them."""
    moved = {t.name for t in workspace_tables()}
    for table in workspace_tables():
        for fk in table.foreign_keys:
            referred = fk.column.table
            if referred.name in moved:
                continue
            async with source.read() as session:
                ids = (
                    await session.scalars(
                        select(fk.parent)
                        .where(_owner(table, workspace_id), fk.parent.is_not(None))
                        .distinct()
                    )
                ).all()
            if not ids:
                continue
            async with target.read() as session:
                present = set(
                    (await session.scalars(select(fk.column).where(fk.column.in_(ids)))).all()
                )
            missing = [i for i in ids if i not in present]
            if missing:
                async with source.read() as session:
                    rows = [
                        dict(r._mapping)
                        for r in (
                            await session.execute(select(referred).where(fk.column.in_(missing)))
                        ).all()
                    ]
                async with target.write() as uow:
                    await uow.session.execute(insert(referred), rows)


async def _delete_workspace_rows(
    shard: Shard, workspace_id: str, *, keep_workspace_row: bool
) -> int:
    """Children first; the workspace row last (or kept: the fence)."""
    deleted = 0
    for table in reversed(workspace_tables()):
        if table.name == Workspace.__tablename__ and keep_workspace_row:
            continue
        async with shard.write() as uow:
            result = await uow.session.execute(delete(table).where(_owner(table, workspace_id)))
            deleted += int(getattr(result, "rowcount", 0) or 0)
    return deleted


# --- the switch -----------------------------------------------------------------------------


async def _resync(
    source: AsyncSession, target: AsyncSession, workspace_id: str, tables: list[Table]
) -> dict[str, int]:
    """Make the target's rows of `tables` equal the source's: rows compared by primary key
    and digest; missing ones inserted, changed ones updated, extra ones deleted."""
    changes: dict[str, int] = {}
    plans: list[
        tuple[Table, list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]
    ] = []
    for table in tables:
        source_rows, target_rows = await asyncio.gather(  # two connections: side by side
            _digests(source, table, workspace_id), _digests(target, table, workspace_id)
        )
        missing = [k for k in source_rows if k not in target_rows]
        changed = [k for k in source_rows if k in target_rows and target_rows[k] != source_rows[k]]
        extra = [k for k in target_rows if k not in source_rows]
        plans.append((table, missing, changed, extra))
        changes[table.name] = len(missing) + len(changed) + len(extra)
    for table, _missing, _changed, extra in reversed(plans):  # children first
        pk = _pk(table)
        for start in range(0, len(extra), BATCH):
            await target.execute(delete(table).where(tuple_(*pk).in_(extra[start : start + BATCH])))
    for table, missing, changed, _extra in plans:  # parents first
        pk = _pk(table)
        if missing:
            await target.execute(insert(table), await _rows_by_pk(source, table, missing))
        for row in await _rows_by_pk(source, table, changed):
            match = and_(*(column == row[column.name] for column in pk))
            await target.execute(update(table).where(match).values(**row))
    return changes


async def _checksums(
    held: AsyncSession, target: AsyncSession, workspace_id: str, table: Table
) -> tuple[TableCheck, TableCheck]:
    ours, theirs = await asyncio.gather(  # two connections: side by side
        _checksum(held, table, workspace_id), _checksum(target, table, workspace_id)
    )
    return ours, theirs


async def _catch_up(source: Shard, target: Shard, workspace_id: str, report: MoveReport) -> None:
    """Before the hold: bring the copy up to date with what was written while copying, so
    that the held pass has little left to do."""
    async with source.read() as session, target.write() as copy:
        report.resynced = await _resync(session, copy.session, workspace_id, workspace_tables())


async def _verify_under_hold(
    held: AsyncSession, target: Shard, workspace_id: str, report: MoveReport, progress: Progress
) -> None:
    """Checksums of every table on both sides; a table that differs (written since the
    catch-up) is brought up to date and must then agree."""
    tables = workspace_tables()
    checks: dict[str, TableCheck] = {}
    differing: list[Table] = []
    async with target.read() as session:
        for done, table in enumerate(tables):
            progress("switch: verify", done, len(tables))
            ours, theirs = await _checksums(held, session, workspace_id, table)
            if ours == theirs:
                checks[table.name] = ours
            else:
                differing.append(table)
        progress("switch: verify", len(tables), len(tables))
    if differing:
        async with target.write() as copy:
            report.resynced_held = await _resync(held, copy.session, workspace_id, differing)
        async with target.read() as session:
            for table in differing:
                ours, theirs = await _checksums(held, session, workspace_id, table)
                if ours != theirs:
                    raise MoveError(
                        f"{table.name}: {ours.rows} rows ({ours.checksum}) on the source, "
                        f"{theirs.rows} ({theirs.checksum}) on the target"
                    )
                checks[table.name] = ours
    report.verified = [checks[table.name] for table in tables]


async def _switch(
    source: Shard, target: Shard, workspace_id: str, report: MoveReport, progress: Progress
) -> None:
    """Hold the workspace's writes, verify (bringing up to date what changed), set the fence."""
    loop = asyncio.get_running_loop()
    async with source.write() as held:
        await held.session.execute(
            text("SELECT id FROM workspaces WHERE id = :w FOR UPDATE"), {"w": workspace_id}
        )
        started = loop.time()
        await _verify_under_hold(held.session, target, workspace_id, report, progress)
        await held.session.execute(
            update(Workspace).where(Workspace.id == workspace_id).values(moved_to=target.name)
        )
    report.held_seconds = loop.time() - started


# --- the command ----------------------------------------------------------------------------


async def _prepare(db: Database, workspace_id: str, target_name: str) -> tuple[Shard, Shard, bool]:
    """(source, target, whether an earlier run already switched and only has to finish)."""
    directory = directory_of(db)
    if directory is None:
        raise MoveError("not sharded: set PARLEY_SHARD_URLS")
    if target_name not in db.shards:
        raise MoveError(f"unknown shard {target_name!r}")
    source_name = await directory.shard_of(workspace_id, fresh=True)
    if source_name == target_name:
        raise MoveError(f"{workspace_id} is already on {target_name}")
    source, target = db.shards[source_name], db.shards[target_name]
    async with source.read() as session:
        row = await session.get(Workspace, workspace_id)
    if row is not None and row.moved_to == target_name:
        # The switch committed, then the run stopped before the directory was pointed at
        # the target: the copy there is the verified one; finish.
        return source, target, True
    if row is None or row.moved_to is not None:
        raise MoveError(f"{workspace_id} is not on {source_name}")
    # What an earlier, failed or reversed move left on the target (a tombstone included).
    await _delete_workspace_rows(target, workspace_id, keep_workspace_row=False)
    return source, target, False


async def _point_directory(db: Database, workspace_id: str, target: Shard, domain: str) -> None:
    from parley.platform.clock import utc_now

    async with db.primary.write() as uow:
        row = await uow.session.get(WorkspaceShard, workspace_id, with_for_update=True)
        if row is None:  # a workspace of the primary from before sharding
            uow.session.add(
                WorkspaceShard(
                    workspace_id=workspace_id, shard=target.name, domain=domain, placed=utc_now()
                )
            )
        else:
            row.shard = target.name


async def _announce(db: Database, workspace_id: str, target: Shard) -> None:
    """Every node drops its cached entry: a control event in the workspace's log."""
    with db.on_shard(target.name, workspace_id):
        async with db.write() as uow:
            await emit(
                uow,
                workspace_id,
                {"type": "workspace_moved", "shard": target.name},
                control_audience(),
            )


async def _copy_and_switch(
    source: Shard, target: Shard, workspace_id: str, report: MoveReport, progress: Progress
) -> None:
    try:
        try:
            await _copy_referenced(source, target, workspace_id)
        except IntegrityError as conflict:
            # Accounts are per shard (decision 0010): a member's email may already have an
            # account of its own on the target. Nothing is changed; the account directory
            # will remove this case.
            raise MoveError(
                f"a row it refers to conflicts on {target.name}: {conflict.orig}"
            ) from None
        for table in workspace_tables():
            report.copied[table.name] = await _copy_table(
                source, target, table, workspace_id, progress
            )
        await _catch_up(source, target, workspace_id, report)
        await _switch(source, target, workspace_id, report, progress)
    except BaseException:
        await _delete_workspace_rows(target, workspace_id, keep_workspace_row=False)
        raise


async def move_workspace(
    db: Database,
    workspace_id: str,
    target_name: str,
    progress: Progress = lambda label, done, total: None,
    settle_seconds: float | None = None,
) -> MoveReport:
    """Move `workspace_id` to shard `target_name` online (module docstring). On any failure
    before the switch the target's copy is removed and the workspace stays where it was."""
    source, target, switched = await _prepare(db, workspace_id, target_name)
    report = MoveReport(workspace_id, source.name, target.name)
    if not switched:
        await _copy_and_switch(source, target, workspace_id, report, progress)
    async with target.read() as session:
        domain = (await session.get(Workspace, workspace_id)).domain  # type: ignore[union-attr]
    await _point_directory(db, workspace_id, target, domain)
    directory = directory_of(db)
    assert directory is not None
    directory.forget(workspace_id)
    await _announce(db, workspace_id, target)
    # Nodes that missed the event trust their entry for at most the TTL: after it, nobody
    # reads the old rows, and they go.
    await asyncio.sleep(directory.ttl + 1.0 if settle_seconds is None else settle_seconds)
    progress("cleanup", 0, 1)
    report.deleted = await _delete_workspace_rows(source, workspace_id, keep_workspace_row=True)
    progress("cleanup", 1, 1)
    log.info(
        "moved %s from %s to %s (writes held %.3f s)",
        workspace_id,
        source.name,
        target.name,
        report.held_seconds,
    )
    return report
