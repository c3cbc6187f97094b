"""The garbage-collector policy of a long-running server that holds many sockets.

Why: CPython's cyclic collector scans every tracked object of a generation. With 10,000
sockets connected the oldest generation holds millions of objects (each socket's protocol,
task, queues, scope), and a full collection took 0.2-0.8 s, every few seconds while sockets
connected (docs/benchmarks.md, "10,000 sockets"). A message fanned out during one of them
was late by that much. Those objects live as long as their socket: scanning them again and
again finds nothing.

The policy (decision 0012):
- after start-up, everything alive (modules, the app, the services) is collected once and
  moved to the permanent generation (`gc.freeze()`), which collections never scan;
- while sockets connect, every `freeze_step` new sockets (or as soon as a burst of connects
  pauses) the collector runs over what is not yet frozen, which is only the objects of the
  latest connects, and freezes the survivors: the generations a collection scans stay small,
  whatever the number of sockets;
- frozen objects that become garbage are still freed by reference counting; only garbage in
  reference cycles waits. When half the sockets frozen so far have gone, the next tick
  unfreezes, collects everything once (one long pause, at a time of few sockets) and freezes
  again, so that cyclic garbage of closed sockets is bounded;
- the young-generation threshold is raised from 700 to `thresholds[0]` allocations, so the
  bursts of short-lived objects of a fan-out to 10,000 sockets do not run a collection
  every few hundred of them.

`parley serve` applies it (the setting `gc_tuning`, env `PARLEY_GC_TUNING=false`, turns it
off). `GcPauses` measures each collection's duration (wall and CPU time) by generation
through `gc.callbacks`; with `gc_pause_log` set it appends them to that file once a second
(for bench/realtime).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("parley.platform.gc")

GENERATIONS = 3
Pause = tuple[float, int, float, float]  # (perf_counter at start, generation, wall ms, CPU ms)


@dataclass(frozen=True)
class GcPolicyConfig:
    """The policy's knobs; tests shrink them."""

    thresholds: tuple[int, int, int] = (20_000, 10, 10)
    freeze_step: int = 500  # new sockets between two freezes during a burst of connects
    tick: float = 1.0  # seconds between two looks at the socket count
    thaw_fraction: float = 0.5  # frozen sockets gone before one full unfrozen collection
    thaw_minimum: int = 1000  # below this many frozen sockets, never thaw (little to leak)


def pause_percentiles(durations: list[float]) -> dict[str, float | int]:
    """count, p50, p99 and max of pause durations in ms (nearest rank, as the benches)."""
    if not durations:
        return {"count": 0, "p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(durations)

    def rank(p: float) -> float:
        k = max(0, min(len(ordered) - 1, round(p / 100.0 * len(ordered) + 0.5) - 1))
        return round(ordered[k], 2)

    return {
        "count": len(ordered),
        "p50_ms": rank(50),
        "p99_ms": rank(99),
        "max_ms": round(ordered[-1], 2),
    }


class GcPauses:
    """Every collection's pause, by generation, from `gc.callbacks` (cheap: two clock reads).

    `records` keeps (monotonic start, generation, wall ms, CPU ms) of the collections not
    yet taken by `take()`, at most `limit` of them (the oldest are dropped, and counted,
    beyond it). Wall time is the stall the event loop saw; the thread's CPU time is the
    collector's own work: on shared cores the two differ by however long the OS kept the
    process waiting.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self.records: list[Pause] = []
        self.dropped = 0
        self._started = 0.0
        self._started_cpu = 0.0
        self._installed = False

    def install(self) -> None:
        if not self._installed:
            gc.callbacks.append(self._on_gc)
            self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            gc.callbacks.remove(self._on_gc)
            self._installed = False

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            self._started_cpu = time.thread_time()
            return
        ended, ended_cpu = time.perf_counter(), time.thread_time()
        if len(self.records) >= self.limit:
            self.records.pop(0)
            self.dropped += 1
        generation = int(info.get("generation", 0))
        wall_ms = (ended - self._started) * 1000
        cpu_ms = (ended_cpu - self._started_cpu) * 1000
        self.records.append((self._started, generation, wall_ms, cpu_ms))

    def take(self) -> list[Pause]:
        taken, self.records = self.records, []
        return taken

    def summary(self) -> dict[str, dict[str, float | int]]:
        """The pauses recorded so far (not yet taken), by generation."""
        return summarize(self.records)


def summarize(records: list[Pause], *, cpu: bool = False) -> dict[str, dict[str, float | int]]:
    """Pauses by generation: wall time (the default), or the collector's CPU time."""
    by_generation: list[list[float]] = [[] for _ in range(GENERATIONS)]
    for record in records:
        by_generation[min(record[1], GENERATIONS - 1)].append(record[3] if cpu else record[2])
    return {f"gen{g}": pause_percentiles(by_generation[g]) for g in range(GENERATIONS)}


class GcPolicy:
    """Applied by `start()` (after the app's start-up) and undone by `stop()`.

    `live_sockets` reports how many sockets this process holds now; the policy looks at it
    every `config.tick` seconds to freeze after connects and thaw after many disconnects.
    """

    def __init__(
        self,
        live_sockets: Callable[[], int],
        config: GcPolicyConfig | None = None,
        pause_log: Path | None = None,
        *,
        enabled: bool = True,
    ) -> None:
        self.live_sockets = live_sockets
        self.enabled = enabled
        self.config = config or GcPolicyConfig()
        self.pause_log = pause_log
        self.pauses = GcPauses()
        self.frozen_sockets = 0  # sockets alive at the last freeze
        self.freezes = 0
        self.thaws = 0
        self._last_seen = 0
        self._saved_thresholds: tuple[int, int, int] | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Collect and freeze what start-up left alive, set thresholds, start watching.

        Disabled, it changes nothing in the collector and only measures pauses (when there
        is a pause log): the "before" of the benchmarks.
        """
        if self.pause_log is not None:
            self.pauses.install()
        if self.enabled:
            self._saved_thresholds = gc.get_threshold()
            gc.set_threshold(*self.config.thresholds)
            self.freeze()
        if self.enabled or self.pause_log is not None:
            self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        """Stop watching; unfreeze and put the thresholds back (the process may go on)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._flush_pauses()
        self.pauses.uninstall()
        if self.enabled:
            gc.unfreeze()
        if self._saved_thresholds is not None:
            gc.set_threshold(*self._saved_thresholds)
            self._saved_thresholds = None

    def freeze(self) -> None:
        """Collect what is not frozen yet (recent objects only), freeze the survivors."""
        gc.collect()
        gc.freeze()
        self.frozen_sockets = self._last_seen = self.live_sockets()
        self.freezes += 1
        self._log_event("freeze")

    def thaw(self) -> None:
        """One full collection over everything, to free closed sockets' cyclic garbage."""
        gc.unfreeze()
        self.thaws += 1
        self.freeze()

    def tick(self) -> None:
        """Freeze after connects, thaw after many disconnects; called every `config.tick`."""
        live = self.live_sockets()
        config = self.config
        gone = self.frozen_sockets - live
        if self.frozen_sockets >= config.thaw_minimum and gone >= (
            config.thaw_fraction * self.frozen_sockets
        ):
            self.thaw()
        elif live - self.frozen_sockets >= config.freeze_step or (
            live > self.frozen_sockets and live == self._last_seen  # a burst has paused
        ):
            self.freeze()
        self._last_seen = live

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.config.tick)
            try:
                if self.enabled:
                    self.tick()
                self._flush_pauses()
            except Exception:  # the policy must never take the server down
                log.warning("garbage-collector policy tick failed", exc_info=True)

    def _log_event(self, event: str) -> None:
        if self.pause_log is None:
            return
        line = f"{event} {time.perf_counter():.6f} {self.frozen_sockets} {gc.get_freeze_count()}\n"
        with self.pause_log.open("a") as out:
            out.write(line)

    def _flush_pauses(self) -> None:
        """Append the pauses measured since the last flush: `gc <start> <gen> <ms> <cpu ms>`."""
        if self.pause_log is None:
            return
        records = self.pauses.take()
        if records:
            with self.pause_log.open("a") as out:
                out.writelines(
                    f"gc {start:.6f} {gen} {ms:.3f} {cpu_ms:.3f}\n"
                    for start, gen, ms, cpu_ms in records
                )
