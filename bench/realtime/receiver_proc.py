"""A share of bench/realtime/run.py's receivers, in a process of its own (`--client-procs`).

One Python process cannot read 10,000 sockets as fast as Parley writes them, nor answer
their pings in time: it then measures itself. Each child opens its share of RTM sockets
(lean_socket.py: an asyncio protocol, ~8× cheaper per frame than the `websockets` client)
and records every message frame's arrival (`time.perf_counter()`: CLOCK_MONOTONIC on
Linux, one clock for every process, so the parent can subtract its send times).

Protocol, one JSON object per line: the parent writes {"urls": [...], "tokens": [...]}
(receiver i connects to urls[i % len(urls)]); the child answers {"connected": n, "from": t,
"to": t} (when it began and finished connecting). Then
"count" → {"received": n, "closed": n}; "stop" → {"arrivals": {text: [t, ...]},
"closed": n, "close_codes": {code: n}} and the child exits.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field

import httpx
import uvloop

from bench.realtime.lean_socket import LeanRtm, open_lean
from bench.realtime.run import rtm_connect_url


@dataclass
class Arrivals:
    by_text: dict[str, list[float]] = field(default_factory=dict)
    received: int = 0

    def record(self, text: str, arrived: float) -> None:
        self.received += 1
        self.by_text.setdefault(text, []).append(arrived)


def closes(sockets: list[LeanRtm]) -> dict[int, int]:
    """Close codes of the sockets the server closed (1006: dropped without a close frame)."""
    codes: dict[int, int] = {}
    for socket in sockets:
        code = socket.close_code if socket.close_code is not None else 1006
        if socket.lost.done() and code != 1000:
            codes[code] = codes.get(code, 0) + 1
    return codes


async def open_one(http: httpx.AsyncClient, token: str, seen: Arrivals) -> LeanRtm:
    return await open_lean(await rtm_connect_url(http, token), seen.record)


def answer(obj: object) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def main() -> None:
    loop = asyncio.get_running_loop()
    spec = json.loads(await loop.run_in_executor(None, sys.stdin.readline))
    urls: list[str] = spec["urls"]
    tokens: list[str] = spec["tokens"]
    limits = httpx.Limits(max_connections=64)
    clients = [httpx.AsyncClient(base_url=u, timeout=60, limits=limits) for u in urls]
    seen = Arrivals()
    sockets: list[LeanRtm] = []
    connecting_from = time.perf_counter()
    for start in range(0, len(tokens), 100):
        sockets += await asyncio.gather(
            *(
                open_one(clients[(start + i) % len(clients)], token, seen)
                for i, token in enumerate(tokens[start : start + 100])
            )
        )
    # One clock for every process (see above): the parent takes the earliest start and the
    # latest end over its children as the time to connect every socket.
    answer({"connected": len(sockets), "from": connecting_from, "to": time.perf_counter()})
    while True:
        command = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if command == "count":
            answer({"received": seen.received, "closed": sum(closes(sockets).values())})
        else:  # "stop" or the parent went away
            break
    codes = closes(sockets)
    for socket in sockets:
        socket.close()
    for client in clients:
        await client.aclose()
    answer({"arrivals": seen.by_text, "closed": sum(codes.values()), "close_codes": codes})


if __name__ == "__main__":
    uvloop.run(main())
