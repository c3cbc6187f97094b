"""One typed settings object; nothing else in Parley reads environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "PARLEY_"


class UnusableDatabaseUrl(ValueError):
    """A database URL Parley cannot use; the message is one line for the operator."""


# What hosting services hand out (no driver named) and what SQLAlchemy names: Parley runs
# on asyncpg and aiosqlite only.
_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}


def database_url_for(raw: str) -> str:
    """The SQLAlchemy URL Parley opens for `raw`: `postgresql://…` and `postgres://…` as
    asyncpg (with libpq's `sslmode=` given to asyncpg as `ssl=`), `sqlite:///path` as
    aiosqlite. Raises UnusableDatabaseUrl for anything else, naming what would work."""
    hint = "use postgresql://user:password@host/db or sqlite:///path/to/parley.db"
    try:
        url = make_url(raw.strip())
    except ArgumentError:
        raise UnusableDatabaseUrl(f"PARLEY_DATABASE_URL is not a database URL; {hint}") from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise UnusableDatabaseUrl(
            f"PARLEY_DATABASE_URL names {url.drivername}://, which Parley cannot use; {hint}"
        )
    if driver.startswith("sqlite") and url.database in {None, "", ":memory:"}:
        raise UnusableDatabaseUrl(
            "PARLEY_DATABASE_URL is an in-memory SQLite database (it would be lost on "
            f"restart and differ per connection); {hint}"
        )
    if driver.startswith("postgresql") and not url.database:
        raise UnusableDatabaseUrl(f"PARLEY_DATABASE_URL names no database; {hint}")
    query = dict(url.query)
    if "sslmode" in query:  # libpq's name; asyncpg takes the same values as `ssl`
        query["ssl"] = query.pop("sslmode")
    return url.set(drivername=driver, query=query).render_as_string(hide_password=False)


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Every field can be set by `PARLEY_<FIELD>` in the environment."""

    data_dir: Path = Path("parley-data")
    database_url: str = ""
    redis_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    max_body_bytes: int = 1_000_000
    rate_limits_enabled: bool = True
    secure_cookies: bool = False
    log_level: str = "info"
    # Files: where bytes are stored (see parley.features.files.storage), the largest file
    # accepted and each workspace's total (0 = unlimited).
    storage_url: str = ""
    file_max_bytes: int = 1024 * 1024 * 1024
    workspace_quota_bytes: int = 0
    # Outbound HTTP (link previews…) may reach private/loopback addresses only when true.
    outbound_allow_private: bool = False
    # Link previews (parley.features.unfurl): fetch a card for URLs posted in messages.
    unfurl_enabled: bool = True
    # Workspace sharding (PostgreSQL only; decision 0010): more databases besides
    # `database_url` (the primary, which holds the directory), as `name=url` pairs separated
    # by commas or spaces. Append new shards; never rename one that holds workspaces.
    shard_urls: str = ""
    # How long a node trusts its cached directory entry; a move also tells every node at
    # once (a control event), and a write that reaches the old shard is redirected anyway.
    shard_directory_ttl: float = 5.0
    # The garbage-collector policy of `parley serve` (platform/gc_policy.py, decision 0012):
    # freeze long-lived objects so collections stay short with thousands of sockets.
    gc_tuning: bool = True
    # When set, `parley serve` appends every collection's pause to this file (benchmarks).
    gc_pause_log: str = ""
    # Outbound email (platform/mail): the relay as smtp://user:pass@host:port?starttls=true
    # (smtps://… for implicit TLS) and the From address. Unset: no mail is sent, and the
    # admin screens say to share invite links by hand.
    smtp_url: str = ""
    mail_from: str = ""
    # How long a password-reset link works.
    password_reset_minutes: int = 30
    # Calls media (features/calls/media, docs/calls-media.md). External Janus nodes as
    # `id=url` pairs, comma separated, each optionally `;admin=URL;admin_secret=S;api_secret=S`.
    janus_urls: str = ""
    # `parley serve` runs Janus and coturn itself: auto (when installed and no external URLs
    # are set), on (always; an error in the log when they are missing), off (never).
    media_managed: str = "auto"
    # TURN/STUN URLs handed to devices (comma list); empty with managed coturn: its own.
    turn_urls: str = ""
    # Shared secrets of the TURN REST scheme, comma list: the first signs, all are accepted
    # (rotation: add the new one first, drop the old one after `turn_ttl`).
    turn_secrets: str = ""
    turn_ttl: int = 12 * 3600
    # Janus `ice_enforce_list` (interfaces or address prefixes for ICE); libnice ignores `lo`.
    ice_interfaces: str = ""
    # Ports of the managed servers: Janus HTTP/admin API (0 = a free port on 127.0.0.1), its
    # RTP range, coturn's listening port and relay range.
    janus_port: int = 0
    janus_admin_port: int = 0
    media_rtp_ports: str = "20000-40000"
    turn_port: int = 3478
    turn_relay_ports: str = "49152-65535"
    # Web sessions (the browser's sign-in cookie) end this many seconds after signing in,
    # whatever the activity (an absolute lifetime, as Slack's "session duration"): the
    # client then shows "Your session expired" and asks to sign in again.
    session_ttl: int = 30 * 24 * 3600
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def effective_database_url(self) -> str:
        """The database URL (as `database_url_for` reads it), defaulting to SQLite under the
        data directory. Raises UnusableDatabaseUrl for a URL Parley cannot use."""
        if self.database_url:
            return database_url_for(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'parley.db').resolve()}"

    @property
    def named_shard_urls(self) -> dict[str, str]:
        """`shard_urls` parsed: name -> URL, in the order given."""
        shards: dict[str, str] = {}
        for entry in self.shard_urls.replace(",", " ").split():
            name, sep, url = entry.partition("=")
            if not sep or not name or not url:
                raise ValueError(f"PARLEY_SHARD_URLS: {entry!r} is not name=url")
            if name in shards or name == "primary":
                raise ValueError(f"PARLEY_SHARD_URLS: shard {name!r} is named twice")
            shards[name] = url
        return shards

    @property
    def base_url(self) -> str:
        """The URL people and apps use to reach this server (no trailing slash)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in {"0.0.0.0", "::"} else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given non-None fields replaced."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_CONVERTERS: dict[str, Any] = {
    "data_dir": Path,
    "port": int,
    "max_body_bytes": int,
    "rate_limits_enabled": _env_bool,
    "secure_cookies": _env_bool,
    "file_max_bytes": int,
    "workspace_quota_bytes": int,
    "outbound_allow_private": _env_bool,
    "unfurl_enabled": _env_bool,
    "shard_directory_ttl": float,
    "gc_tuning": _env_bool,
    "password_reset_minutes": int,
    "turn_ttl": int,
    "janus_port": int,
    "janus_admin_port": int,
    "turn_port": int,
    "session_ttl": int,
}


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from the environment (`PARLEY_*`), then explicit overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name in Settings.__dataclass_fields__:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None and name != "extra":
            values[name] = _CONVERTERS.get(name, str)(raw)
    return Settings(**values).with_overrides(**overrides)
