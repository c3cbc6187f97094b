"""A real `parley serve` process on loopback, for tests that need a separate process
(fuzzing over HTTP, SIGKILL at random moments, flooding)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port

PARLEY = str(Path(sys.executable).with_name("parley"))


class ServerProcess:
    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        *,
        port: int | None = None,
        rate_limits: bool = False,
        extra_env: dict[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.rate_limits = rate_limits
        self.extra_env = extra_env or {}
        self.log_path = log_path or data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PARLEY_DATABASE_URL": self.database_url,
            "PARLEY_HOST": "127.0.0.1",
            "PARLEY_PORT": str(self.port),
            "PARLEY_DATA_DIR": str(self.data_dir),
            "PARLEY_RATE_LIMITS_ENABLED": "true" if self.rate_limits else "false",
            "PARLEY_LOG_LEVEL": "warning",
            "PARLEY_PUBLIC_URL": self.url,
            **self.extra_env,
        }
        if "PARLEY_REDIS_URL" not in self.extra_env:
            env.pop("PARLEY_REDIS_URL", None)  # one process: the in-process event bus
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [PARLEY, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"parley serve exited: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        raise RuntimeError("parley serve did not become ready")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss(self) -> int:
        """Resident memory of the server process, in bytes (Linux /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing, like a power cut for the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
