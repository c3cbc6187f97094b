"""Fetched previews remembered per (workspace, URL) for a while, in this process's memory.

No table (and no migration): a restart or another node fetches again, which costs one
request per link. Failures are remembered for less time than successes."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from parley.features.unfurl.fetch import Preview


@dataclass
class PreviewCache:
    ttl: float = 30 * 60.0
    failure_ttl: float = 5 * 60.0
    max_entries: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _entries: OrderedDict[tuple[str, str], tuple[float, Preview | None]] = field(
        default_factory=OrderedDict
    )

    def get(self, workspace_id: str, url: str) -> tuple[bool, Preview | None]:
        """(found, preview): a remembered failure is (True, None)."""
        key = (workspace_id, url)
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires, preview = entry
        if expires <= self.clock():
            del self._entries[key]
            return False, None
        self._entries.move_to_end(key)
        return True, preview

    def put(self, workspace_id: str, url: str, preview: Preview | None) -> None:
        ttl = self.ttl if preview is not None else self.failure_ttl
        self._entries[(workspace_id, url)] = (self.clock() + ttl, preview)
        self._entries.move_to_end((workspace_id, url))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
