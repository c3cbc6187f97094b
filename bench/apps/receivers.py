"""The apps' request URLs for bench/apps/run.py: N HTTP/1.1 receivers in their own process.

Kept out of the load generator's process so that 50 receivers do not compete with the
sender for one interpreter lock, and served with asyncio and keep-alive (as a real app's
web server would) so that what is measured is Parley's delivery, not the receivers.
Arrival times are `time.monotonic()`, which on Linux is one clock for every process.

Protocol on stdin/stdout, one JSON object per line:
    start-up        → {"urls": [...]}
    "total"         → {"total": <requests received>}
    "arrivals"      → {"arrivals": {message text: [arrival times]}}
    "quit" or EOF   → exits
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

MAX_BODY = 1 << 20


class Receivers:
    def __init__(self) -> None:
        self.total = 0
        self.arrivals: dict[str, list[float]] = {}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = min(int(value.strip() or 0), MAX_BODY)
                body = await reader.readexactly(length)
                now = time.monotonic()
                self.record(body, now)
                reply = self.challenge(body)
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
                    + f"content-length: {len(reply)}\r\n\r\n".encode()
                    + reply
                )
                await writer.drain()
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            asyncio.CancelledError,  # shutting down: the connection just ends
            ConnectionError,
        ):
            pass
        finally:
            writer.close()

    def record(self, body: bytes, now: float) -> None:
        self.total += 1
        try:
            event = json.loads(body).get("event") or {}
        except ValueError:
            return
        if event.get("type") == "message" and "subtype" not in event:
            self.arrivals.setdefault(str(event.get("text")), []).append(now)

    @staticmethod
    def challenge(body: bytes) -> bytes:
        try:
            return str(json.loads(body).get("challenge", "")).encode()
        except ValueError:
            return b""


def answer(obj: object) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def serve(count: int) -> None:
    receivers = Receivers()
    servers = [await asyncio.start_server(receivers.handle, "127.0.0.1", 0) for _ in range(count)]
    ports = [server.sockets[0].getsockname()[1] for server in servers]
    answer({"urls": [f"http://127.0.0.1:{port}/events" for port in ports]})
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line == "total":
            answer({"total": receivers.total})
        elif line == "arrivals":
            answer({"arrivals": receivers.arrivals})
        elif line in ("quit", ""):
            break
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50, help="how many receivers (apps)")
    asyncio.run(serve(parser.parse_args().count))


if __name__ == "__main__":
    main()
