"""Storage backends for the file tests: local disk, S3 (moto's server) and Azure (Azurite).

moto and Azurite are real servers on loopback ports, started once per test run; a backend
whose server cannot be started is skipped with the reason (Azurite needs Node and
`scripts/install --dev`, which installs it from tools/azurite/package-lock.json).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parley.platform.settings import Settings
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[3]
AZURITE_BIN = ROOT / "tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
AZURITE_ACCOUNT = "devstoreaccount1"
# Azurite's published well-known development key (not a secret).
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
BUCKET = "parley-test"


def _wait_until(check: object, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if check():  # type: ignore[operator]
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start in 30 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """An S3 API (moto server mode) on a loopback port with an empty bucket."""
    moto = Path(sys.executable).parent / "moto_server"
    if not moto.exists():
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until(lambda: httpx.get(endpoint, timeout=1).status_code == 200, process, "moto")
        httpx.put(f"{endpoint}/{BUCKET}", timeout=5).raise_for_status()
        yield (
            f"s3://{BUCKET}?endpoint={endpoint}&region=us-east-1&access_key_id=testing"
            "&secret_access_key=testing&virtual_hosted_style_request=false&allow_http=true"
        )
    finally:
        _stop(process)


def _create_container(endpoint: str) -> None:
    from azure.storage.blob import BlobServiceClient

    connection = (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"BlobEndpoint={endpoint}/{AZURITE_ACCOUNT};"
    )
    BlobServiceClient.from_connection_string(connection).create_container(BUCKET)


@pytest.fixture(scope="session")
def azurite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Azure Blob (Azurite) on a loopback port with an empty container."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the Azure backend tests need Azurite")
    if not AZURITE_BIN.exists():
        pytest.skip("Azurite is not installed: run scripts/install --dev (needs npm)")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    location = tmp_path_factory.mktemp("azurite")
    process = subprocess.Popen(
        [
            str(AZURITE_BIN),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(port),
            "--location",
            str(location),
            "--skipApiVersionCheck",
            "--loose",
            "--disableTelemetry",
            "--silent",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AZURITE_ACCOUNTS": ""},
    )
    try:
        _wait_until(lambda: httpx.get(endpoint, timeout=1).status_code < 500, process, "azurite")
        _create_container(endpoint)
        yield (
            f"az://{BUCKET}?account_name={AZURITE_ACCOUNT}&account_key={AZURITE_KEY}"
            f"&endpoint={endpoint}/{AZURITE_ACCOUNT}&allow_http=true"
        )
    finally:
        _stop(process)


@pytest.fixture(params=["local", "s3", "azure"])
def backend(request: pytest.FixtureRequest) -> str:
    """The storage URL for each backend ("" = the default, local disk)."""
    if request.param == "s3":
        return str(request.getfixturevalue("moto_url"))
    if request.param == "azure":
        return str(request.getfixturevalue("azurite_url"))
    return ""


@pytest.fixture
def settings(database_url: str, tmp_path: Path, backend: str) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        public_url="http://parley.test",
        storage_url=backend,
        workspace_quota_bytes=0,
    )
