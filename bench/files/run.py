"""File transfer benchmark: a large file uploaded and downloaded through Parley
(files.getUploadURLExternal → POST to the upload URL → files.completeUploadExternal;
GET url_private_download with the token) on each storage backend, as a ratio to moving
the same bytes with the backend's own client (a plain file copy for local disk; obstore
put/get for S3 via moto's server and Azure Blob via Azurite), while sampling the Parley
server's resident memory to show that files stream (no whole-file buffering).

    .venv/bin/python -m bench.files.run [--size-mb 500] [--backends local,s3,azure]

Loopback only; servers on ports 18250-18259. Each transfer runs once per backend (bounded
by --size-mb). Prints a Markdown table and JSON (also written to bench/results/). Every
temporary file is deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import obstore
from obstore.store import from_url

from bench.wrk_runner import ROOT, start_parley, wait_ready

CHUNK = 1024 * 1024
PARLEY_PORT = 18250
MOTO_PORT = 18251
AZURITE_PORT = 18252
BUCKET = "parley-bench"
AZURITE_BIN = ROOT / "tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
AZURITE_ACCOUNT = "devstoreaccount1"
# Azurite's published well-known development key (not a secret).
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


# --- memory of the server process ----------------------------------------------------------


def _rss_kib(pid: int) -> int:
    """Resident memory of `pid` and its descendants in KiB, from /proc (0 once gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending += [int(c) for c in children]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


@dataclass
class RssSampler:
    """Samples a process tree's RSS every `interval` seconds on a thread while active."""

    pid: int
    interval: float = 0.02
    samples: list[int] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        self.before = _rss_kib(self.pid)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(_rss_kib(self.pid))
            time.sleep(self.interval)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    @property
    def peak_growth_mib(self) -> float:
        return (max(self.samples, default=self.before) - self.before) / 1024


# --- storage servers -------------------------------------------------------------------------


def _wait(check: Callable[[], bool], process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


def start_moto() -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    moto = Path(sys.executable).parent / "moto_server"
    endpoint = f"http://127.0.0.1:{MOTO_PORT}"
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(MOTO_PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait(lambda: httpx.get(endpoint, timeout=1).status_code == 200, process, "moto")
    httpx.put(f"{endpoint}/{BUCKET}", timeout=5).raise_for_status()
    config = {
        "endpoint": endpoint,
        "region": "us-east-1",
        "access_key_id": "testing",
        "secret_access_key": "testing",
        "virtual_hosted_style_request": "false",
    }
    query = "&".join(f"{k}={v}" for k, v in config.items())
    return process, f"s3://{BUCKET}?{query}&allow_http=true", config


def start_azurite(folder: Path) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    from azure.storage.blob import BlobServiceClient

    endpoint = f"http://127.0.0.1:{AZURITE_PORT}"
    process = subprocess.Popen(
        [
            str(AZURITE_BIN),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(AZURITE_PORT),
            "--location",
            str(folder),
            "--skipApiVersionCheck",
            "--loose",
            "--disableTelemetry",
            "--silent",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AZURITE_ACCOUNTS": ""},
    )
    _wait(lambda: httpx.get(endpoint, timeout=1).status_code < 500, process, "azurite")
    connection = (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"BlobEndpoint={endpoint}/{AZURITE_ACCOUNT};"
    )
    BlobServiceClient.from_connection_string(connection).create_container(BUCKET)
    config = {
        "account_name": AZURITE_ACCOUNT,
        "account_key": AZURITE_KEY,
        "endpoint": f"{endpoint}/{AZURITE_ACCOUNT}",
    }
    query = "&".join(f"{k}={v}" for k, v in config.items())
    return process, f"az://{BUCKET}?{query}&allow_http=true", config


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- the transfers ---------------------------------------------------------------------------


def make_file(path: Path, size: int) -> None:
    """`size` random bytes (incompressible, so no layer can cheat by compressing)."""
    with path.open("wb") as out:
        left = size
        while left:
            n = min(CHUNK, left)
            out.write(os.urandom(n))
            left -= n


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


async def seed(database_url: str) -> str:
    from parley.composition import upgrade_to_head_async
    from parley.features.workspaces.actions import check_create_workspace
    from parley.platform.db import Database

    await upgrade_to_head_async(database_url)
    db = Database(database_url)
    async with db.write() as uow:
        created = await check_create_workspace(
            uow,
            name="Bench",
            domain="bench",
            owner_email="owner@bench.example",
            owner_password="bench-password",
        )
    await db.dispose()
    return created.owner_token


def through_parley(api: str, token: str, source: Path, target: Path, pid: int) -> dict[str, float]:
    """Upload then download `source` through the Parley server at `api`."""
    size = source.stat().st_size
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=600) as http:
        got = http.post(
            f"{api}/files.getUploadURLExternal",
            data={"filename": source.name, "length": str(size)},
            headers=auth,
        ).json()
        assert got["ok"], got

        def upload() -> None:
            response = http.post(got["upload_url"], content=_chunks(source))
            assert response.status_code == 200, response.text

        with RssSampler(pid) as up_rss:
            up = _timed(upload)
        done = http.post(
            f"{api}/files.completeUploadExternal",
            data={"files": json.dumps([{"id": got["file_id"]}])},
            headers=auth,
        ).json()
        assert done["ok"], done
        url = done["files"][0]["url_private_download"]

        def download() -> None:
            with http.stream("GET", url, headers=auth) as response, target.open("wb") as out:
                assert response.status_code == 200
                for chunk in response.iter_bytes(CHUNK):
                    out.write(chunk)

        with RssSampler(pid) as down_rss:
            down = _timed(download)
        http.post(f"{api}/files.delete", data={"file": got["file_id"]}, headers=auth)
    assert target.stat().st_size == size
    target.unlink()
    return {
        "upload_s": up,
        "download_s": down,
        "upload_rss_growth_mib": up_rss.peak_growth_mib,
        "download_rss_growth_mib": down_rss.peak_growth_mib,
        "rss_before_mib": up_rss.before / 1024,
    }


def with_own_client(
    backend: str, config: dict[str, str], url: str, source: Path, target: Path
) -> dict[str, float]:
    """The same bytes moved by the backend's own client (copy, or obstore put/get)."""
    if backend == "local":
        stored = target.with_suffix(".stored")
        up = _timed(lambda: shutil.copyfile(source, stored))
        down = _timed(lambda: shutil.copyfile(stored, target))
        stored.unlink()
        target.unlink()
        return {"upload_s": up, "download_s": down}
    store = from_url(  # type: ignore[call-overload]
        url.split("?", 1)[0], config=config, client_options={"allow_http": True}
    )
    key = "bench/own-client"

    def get() -> None:
        with target.open("wb") as out:
            for chunk in obstore.get(store, key).stream(min_chunk_size=CHUNK):
                out.write(chunk)

    up = _timed(lambda: obstore.put(store, key, source))
    down = _timed(get)
    obstore.delete(store, key)
    assert target.stat().st_size == source.stat().st_size
    target.unlink()
    return {"upload_s": up, "download_s": down}


def run_backend(
    backend: str, work: Path, source: Path, database_url: str, token: str
) -> dict[str, Any]:
    helper: subprocess.Popen[bytes] | None = None
    config: dict[str, str] = {}
    storage_url = ""
    if backend == "s3":
        helper, storage_url, config = start_moto()
    elif backend == "azure":
        folder = work / "azurite"
        folder.mkdir()
        helper, storage_url, config = start_azurite(folder)
    data_dir = work / f"data-{backend}"
    data_dir.mkdir()
    parley = start_parley(
        database_url,
        PARLEY_PORT,
        PARLEY_DATA_DIR=str(data_dir),
        PARLEY_PORT=str(PARLEY_PORT),
        PARLEY_STORAGE_URL=storage_url,
        PARLEY_FILE_MAX_BYTES=str(source.stat().st_size + CHUNK),
        PARLEY_UNFURL_ENABLED="false",
    )
    try:
        wait_ready(f"http://127.0.0.1:{PARLEY_PORT}/healthz")
        api = f"http://127.0.0.1:{PARLEY_PORT}/api"
        parley_run = through_parley(api, token, source, work / "download.bin", parley.pid)
        own = with_own_client(backend, config, storage_url, source, work / "own.bin")
    finally:
        stop(parley)
        if helper is not None:
            stop(helper)
        shutil.rmtree(data_dir, ignore_errors=True)
    size_mb = source.stat().st_size / 1e6
    return {
        "backend": backend,
        "parley": parley_run,
        "own_client": own,
        "upload_mb_s": size_mb / parley_run["upload_s"],
        "download_mb_s": size_mb / parley_run["download_s"],
        "own_upload_mb_s": size_mb / own["upload_s"],
        "own_download_mb_s": size_mb / own["download_s"],
        "upload_ratio": own["upload_s"] / parley_run["upload_s"],
        "download_ratio": own["download_s"] / parley_run["download_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=500, help="file size in MB (1e6 bytes)")
    parser.add_argument("--backends", default="local,s3,azure", help="comma-separated")
    parser.add_argument("--workdir", default=None, help="where temporary files go (default /tmp)")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"local", "s3", "azure"}
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    if not 1 <= args.size_mb <= 4000:
        parser.error("--size-mb must be between 1 and 4000")
    work = Path(tempfile.mkdtemp(prefix="parley-bench-files-", dir=args.workdir))
    try:
        source = work / "payload.bin"
        make_file(source, args.size_mb * 1_000_000)
        database_url = f"sqlite+aiosqlite:///{work / 'parley.db'}"
        token = asyncio.run(seed(database_url))
        load_before = os.getloadavg()
        rows = [run_backend(b, work, source, database_url, token) for b in backends]
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        "| backend | upload MB/s | own client | ratio | download MB/s | own client | ratio |"
        " peak RSS growth up / down (MiB) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        p = row["parley"]
        print(
            f"| {row['backend']} | {row['upload_mb_s']:.0f} | {row['own_upload_mb_s']:.0f} | "
            f"{row['upload_ratio']:.2f} | {row['download_mb_s']:.0f} | "
            f"{row['own_download_mb_s']:.0f} | {row['download_ratio']:.2f} | "
            f"{p['upload_rss_growth_mib']:.0f} / {p['download_rss_growth_mib']:.0f} |"
        )
    result = {
        "args": vars(args),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "cpus": os.cpu_count(),
        "rows": rows,
    }
    print(json.dumps(result, indent=2))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"files-{stamp}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
