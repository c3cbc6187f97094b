"""The media settings read once: which Janus nodes, which TURN servers and secrets.

`PARLEY_JANUS_URLS` names external nodes as `id=url` pairs separated by commas, each with
optional `;key=value` options: `admin` (the admin API URL), `admin_secret`, `api_secret`:

    j1=http://10.0.0.5:8088/janus;admin=http://10.0.0.5:7088/admin;admin_secret=S;api_secret=A
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Literal

from parley.platform.settings import Settings

ManagedMode = Literal["auto", "on", "off"]
JANUS_BINARY = "janus"
COTURN_BINARY = "turnserver"


@dataclass(frozen=True)
class JanusNodeConfig:
    """How Parley reaches one Janus instance (never handed to a browser)."""

    node_id: str
    url: str  # the Janus API base, e.g. http://127.0.0.1:8088/janus
    api_secret: str = ""
    admin_url: str = ""
    admin_secret: str = ""


_NODE_OPTIONS = {"admin", "admin_secret", "api_secret"}


def parse_janus_urls(raw: str) -> list[JanusNodeConfig]:
    """`PARLEY_JANUS_URLS` as node configs, in the order given. Raises ValueError naming the
    entry that is malformed."""
    nodes: list[JanusNodeConfig] = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        node_id, sep, rest = entry.partition("=")
        url, *options = rest.split(";")
        if not sep or not node_id.strip() or not url.startswith(("http://", "https://")):
            raise ValueError(f"PARLEY_JANUS_URLS: {entry!r} is not id=http(s)://host:port/janus")
        fields: dict[str, str] = {}
        for option in options:
            key, sep, value = option.partition("=")
            if not sep or key.strip() not in _NODE_OPTIONS:
                raise ValueError(f"PARLEY_JANUS_URLS: unknown option {option!r} in {node_id!r}")
            fields[key.strip()] = value.strip()
        if any(node.node_id == node_id.strip() for node in nodes):
            raise ValueError(f"PARLEY_JANUS_URLS: node {node_id!r} is named twice")
        nodes.append(
            JanusNodeConfig(
                node_id=node_id.strip(),
                url=url.strip().rstrip("/"),
                api_secret=fields.get("api_secret", ""),
                admin_url=fields.get("admin", "").rstrip("/"),
                admin_secret=fields.get("admin_secret", ""),
            )
        )
    return nodes


def comma_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def managed_mode(settings: Settings) -> ManagedMode:
    mode = settings.media_managed.strip().lower()
    if mode not in ("auto", "on", "off"):
        raise ValueError(f"PARLEY_MEDIA_MANAGED must be auto, on or off, not {mode!r}")
    return mode  # type: ignore[return-value]


def manage_janus(settings: Settings) -> bool:
    """Whether `parley serve` should run Janus itself: not when external nodes are set;
    under `auto` only when the binary is installed."""
    mode = managed_mode(settings)
    if mode == "off" or settings.janus_urls.strip():
        return False
    return mode == "on" or shutil.which(JANUS_BINARY) is not None


def manage_coturn(settings: Settings) -> bool:
    """Whether `parley serve` should run coturn itself: not when TURN URLs are set."""
    mode = managed_mode(settings)
    if mode == "off" or settings.turn_urls.strip():
        return False
    return mode == "on" or shutil.which(COTURN_BINARY) is not None


def port_range(raw: str) -> tuple[int, int]:
    low, sep, high = raw.partition("-")
    try:
        first, last = int(low), int(high if sep else low)
    except ValueError:
        raise ValueError(f"{raw!r} is not a port range like 20000-40000") from None
    if not 0 < first <= last < 65536:
        raise ValueError(f"{raw!r} is not a port range like 20000-40000")
    return first, last
