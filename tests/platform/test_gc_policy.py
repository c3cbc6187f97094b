"""The garbage-collector policy (platform/gc_policy.py) and its pause measurements."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from parley.platform.gc_policy import (
    GcPauses,
    GcPolicy,
    GcPolicyConfig,
    pause_percentiles,
    summarize,
)
from tests.conftest import free_port
from tests.factories import Factory
from tests.platform.events.test_scaleout import eventually

CONFIG = GcPolicyConfig(thresholds=(12_345, 11, 12), freeze_step=500, tick=60.0)


class Sockets:
    """What the policy sees of the gateway: how many sockets are open now."""

    def __init__(self) -> None:
        self.live = 0

    def __call__(self) -> int:
        return self.live


@pytest.fixture
def restore_gc() -> Iterator[None]:
    """Whatever a test does, the test process's collector is as it was afterwards."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class _Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


async def test_start_freezes_what_is_alive_and_sets_the_thresholds(restore_gc: None) -> None:
    before = gc.get_threshold()
    policy = GcPolicy(Sockets(), CONFIG)
    policy.start()
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == CONFIG.thresholds
        assert policy.freezes == 1
    finally:
        await policy.stop()
    assert gc.get_freeze_count() == 0  # the process may go on (tests, embedding)
    assert gc.get_threshold() == before


async def test_turned_off_it_leaves_the_collector_alone(restore_gc: None) -> None:
    before = gc.get_threshold()
    policy = GcPolicy(Sockets(), CONFIG, enabled=False)
    policy.start()
    try:
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == before
        policy_tick_task = policy._task
        assert policy_tick_task is None  # nothing to watch and no pause log
    finally:
        await policy.stop()
    assert gc.get_threshold() == before


def test_a_freeze_collects_cyclic_garbage_first_and_freezes_the_survivors(
    restore_gc: None,
) -> None:
    garbage = _Node()
    gone = weakref.ref(garbage)
    del garbage
    kept = _Node()
    GcPolicy(Sockets(), CONFIG).freeze()
    assert gone() is None  # collected, not frozen for ever
    assert gc.get_freeze_count() > 0
    assert kept not in gc.get_objects()  # frozen objects are in no generation a pass scans


def test_connects_are_frozen_every_step_and_when_a_burst_pauses(restore_gc: None) -> None:
    sockets = Sockets()
    policy = GcPolicy(sockets, CONFIG)
    policy.freeze()
    sockets.live = 200
    policy.tick()
    assert policy.freezes == 1  # still connecting, fewer than a step: wait
    policy.tick()
    assert (policy.freezes, policy.frozen_sockets) == (2, 200)  # the burst paused
    sockets.live = 300
    policy.tick()
    sockets.live = 850
    policy.tick()
    assert (policy.freezes, policy.frozen_sockets) == (3, 850)  # a step of 500 in a burst
    policy.tick()
    assert policy.freezes == 3  # nothing new: no collection


def test_many_disconnects_thaw_once_so_cyclic_garbage_of_closed_sockets_is_bounded(
    restore_gc: None,
) -> None:
    sockets = Sockets()
    policy = GcPolicy(sockets, CONFIG)
    sockets.live = 2000
    policy.freeze()
    sockets.live = 1500
    policy.tick()
    assert policy.thaws == 0  # a quarter gone: not yet
    garbage = _Node()
    gone = weakref.ref(garbage)
    gc.freeze()  # as if it had belonged to a socket frozen earlier
    del garbage
    sockets.live = 999
    policy.tick()
    assert policy.thaws == 1 and policy.frozen_sockets == 999
    assert gone() is None
    assert gc.get_freeze_count() > 0  # and frozen again


def test_pauses_are_measured_by_generation() -> None:
    pauses = GcPauses()
    pauses.install()
    try:
        gc.collect(0)
        gc.collect(2)
    finally:
        pauses.uninstall()
    summary = pauses.summary()
    assert summary["gen0"]["count"] >= 1
    assert summary["gen2"]["count"] >= 1
    assert 0 < summary["gen2"]["max_ms"] < 10_000
    cpu = summarize(pauses.records, cpu=True)
    assert 0 < cpu["gen2"]["max_ms"] <= summary["gen2"]["max_ms"] * 1.5  # CPU within wall
    assert pauses.take() and pauses.take() == []


def test_pause_percentiles_use_the_benches_nearest_rank() -> None:
    figures = pause_percentiles([float(n) for n in range(200, 0, -1)])
    assert figures == {"count": 200, "p50_ms": 100.0, "p99_ms": 198.0, "max_ms": 200.0}
    assert pause_percentiles([])["count"] == 0


async def test_the_pause_log_is_written_with_the_policy_off(
    restore_gc: None, tmp_path: Path
) -> None:
    log = tmp_path / "pauses.log"
    policy = GcPolicy(Sockets(), CONFIG, pause_log=log, enabled=False)
    policy.start()
    gc.collect(2)
    await policy.stop()
    lines = [line.split() for line in log.read_text().splitlines()]
    assert ["gc", "2"] in [[f[0], f[2]] for f in lines]
    assert all(float(f[3]) >= 0 and float(f[4]) >= 0 for f in lines if f[0] == "gc")
    assert gc.get_freeze_count() == 0


def _serve(settings_env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, **settings_env, "PARLEY_PORT": str(port), "PARLEY_LOG_LEVEL": "warning"}
    return subprocess.Popen(
        [sys.executable, "-m", "parley.cli.main", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _wait_ready(http: httpx.AsyncClient, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if (await http.get("/readyz", timeout=1)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("parley serve did not start")


def _log_lines(log: Path, kind: str) -> list[list[str]]:
    if not log.exists():
        return []
    return [f for f in (line.split() for line in log.read_text().splitlines()) if f[0] == kind]


@pytest.mark.parametrize("tuning", ["true", "false"])
async def test_parley_serve_applies_the_policy_unless_turned_off(
    tuning: str, database_url: str, factory: Factory, tmp_path: Path
) -> None:
    team = await factory.workspace()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "pauses.log"
    env = {
        "PARLEY_DATABASE_URL": database_url,
        "PARLEY_DATA_DIR": str(tmp_path),
        "PARLEY_GC_TUNING": tuning,
        "PARLEY_GC_PAUSE_LOG": str(log),
    }
    process = _serve(env, port)
    try:
        async with httpx.AsyncClient(base_url=url) as http:
            await _wait_ready(http, process)
            body = (
                await http.post(
                    "/api/rtm.connect", headers={"Authorization": f"Bearer {team.owner.token}"}
                )
            ).json()
        async with connect(body["url"]) as ws:
            await ws.recv()  # hello: the socket counts from now
            await eventually(lambda: bool(_log_lines(log, "gc")), 15)
            if tuning == "true":
                # Frozen at start-up, and again once the one new socket's burst "paused".
                await eventually(lambda: len(_log_lines(log, "freeze")) >= 2, 15)
    finally:
        process.terminate()
        process.wait(timeout=20)
    freezes = _log_lines(log, "freeze")
    assert _log_lines(log, "gc"), "pauses are measured either way"
    if tuning == "true":
        assert [int(f[2]) for f in freezes][:2] == [0, 1]  # sockets alive at each freeze
    else:
        assert freezes == []
