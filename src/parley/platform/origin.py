"""Where a change came from: the request's address and user agent, or the command line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip_address: str = ""
    user_agent: str = ""


CLI_ORIGIN = Origin(ip_address="", user_agent="parley-cli")
