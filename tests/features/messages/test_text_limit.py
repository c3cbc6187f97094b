"""The web client refuses over-long messages before sending them, with the server's limit:
its constant (web/src/lib/limits.ts) must be the server's `MAX_TEXT`."""

from __future__ import annotations

import re
from pathlib import Path

from parley.features.messages.actions import MAX_TEXT

LIMITS_TS = Path(__file__).resolve().parents[3] / "web" / "src" / "lib" / "limits.ts"


def test_web_client_limit_is_the_server_limit() -> None:
    found = re.search(r"MESSAGE_TEXT_LIMIT = ([\d_]+);", LIMITS_TS.read_text())
    assert found, "MESSAGE_TEXT_LIMIT not found in web/src/lib/limits.ts"
    assert int(found.group(1).replace("_", "")) == MAX_TEXT == 40_000
