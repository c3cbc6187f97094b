"""One typed settings object; nothing else in Parley reads environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "PARLEY_"


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
    # The garbage-collector policy of `parley serve` (platform/gc_policy.py, decision 0009):
    # freeze long-lived objects so collections stay short with thousands of sockets.
    gc_tuning: bool = True
    # When set, `parley serve` appends every collection's pause to this file (benchmarks).
    gc_pause_log: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to SQLite under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'parley.db').resolve()}"

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
    "gc_tuning": _env_bool,
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
