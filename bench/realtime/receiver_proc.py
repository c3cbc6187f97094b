"""A share of bench/realtime/run.py's receivers, in a process of its own (`--client-procs`).

One Python process cannot read 10,000 sockets as fast as Parley writes them, nor answer
their pings in time: it then measures itself. Each child opens its share of RTM sockets
and records every message frame's arrival (`time.perf_counter()`: CLOCK_MONOTONIC on
Linux, one clock for every process, so the parent can subtract its send times).

Protocol, one JSON object per line: the parent writes {"urls": [...], "tokens": [...]}
(receiver i connects to urls[i % len(urls)]); the child answers {"connected": n}. Then
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
import orjson
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from bench.realtime.run import open_socket


@dataclass
class Arrivals:
    by_text: dict[str, list[float]] = field(default_factory=dict)
    received: int = 0
    closed: int = 0
    close_codes: dict[int, int] = field(default_factory=dict)


async def read_socket(ws: ClientConnection, seen: Arrivals) -> None:
    """Until the socket closes or the task is cancelled. No polling timeout: with 10,000
    sockets, a `wait_for` per socket every half second was most of the client's CPU."""
    try:
        async for raw in ws:
            now = time.perf_counter()
            frame = orjson.loads(raw)
            if frame.get("type") == "message" and "subtype" not in frame:
                seen.received += 1
                seen.by_text.setdefault(str(frame.get("text")), []).append(now)
    except ConnectionClosed as closed:
        seen.closed += 1
        code = closed.rcvd.code if closed.rcvd else 1006
        seen.close_codes[code] = seen.close_codes.get(code, 0) + 1
        return
    if ws.close_code is not None and ws.close_code != 1000:
        seen.closed += 1
        seen.close_codes[ws.close_code] = seen.close_codes.get(ws.close_code, 0) + 1


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
    sockets: list[ClientConnection] = []
    readers: list[asyncio.Task[None]] = []
    for start in range(0, len(tokens), 100):
        batch = await asyncio.gather(
            *(
                open_socket(clients[(start + i) % len(clients)], token)
                for i, token in enumerate(tokens[start : start + 100])
            )
        )
        # Read each socket from the moment it is open: an unread socket stops being read
        # by websockets once its queue fills, and then misses the server's pings.
        readers += [asyncio.create_task(read_socket(ws, seen)) for ws in batch]
        sockets += batch
    answer({"connected": len(sockets)})
    while True:
        command = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if command == "count":
            answer({"received": seen.received, "closed": seen.closed})
        else:  # "stop" or the parent went away
            break
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    for client in clients:
        await client.aclose()
    answer({"arrivals": seen.by_text, "closed": seen.closed, "close_codes": seen.close_codes})


if __name__ == "__main__":
    asyncio.run(main())
