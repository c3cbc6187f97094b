"""Where file bytes live: one interface over local disk, S3, Azure Blob and GCS (obstore).

The backend is chosen by `PARLEY_STORAGE_URL`:

- empty (default): local disk under `<data_dir>/files`
- `file:///absolute/path`: local disk there
- `memory://`: in process memory (tests, throw-away servers)
- `s3://bucket?region=eu-west-1&endpoint=http://127.0.0.1:9000&allow_http=true`
- `az://container?account_name=acct&account_key=…` (or `use_emulator=true` for Azurite)
- `gs://bucket?service_account_path=/etc/parley/gcs.json`

Query parameters are obstore configuration keys (`endpoint`, `region`, `access_key_id`,
`account_name`, …); a few are HTTP client options (`allow_http`, `timeout`). Credentials
not in the URL come from the backend's usual environment variables (`AWS_*`, `AZURE_*`,
`GOOGLE_*`).

Every call goes through obstore's *synchronous* API on a worker thread. Its asyncio API
(through pyo3-async-runtimes) aborted the interpreter at exit in about one run in six on
this stack (obstore 0.12.1); the blocking calls in threads never did, and they stream
just the same: uploads go through a buffered writer (multipart on S3 and Azure),
downloads through a chunk iterator, so a file never sits whole in memory.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import obstore
from obstore.store import from_url

from parley.platform.settings import Settings

WRITE_BUFFER = 8 * 1024 * 1024  # bytes held before a part goes out (S3's minimum part is 5 MiB)
READ_CHUNK = 1024 * 1024
# Options for obstore's HTTP client rather than for the store itself.
_CLIENT_OPTIONS = frozenset(
    {"allow_http", "allow_invalid_certificates", "timeout", "connect_timeout", "user_agent"}
)
_SCHEMES = frozenset({"file", "memory", "s3", "s3a", "az", "azure", "abfs", "abfss", "gs"})


class StorageConfigError(ValueError):
    """`PARLEY_STORAGE_URL` cannot be understood (raised when the storage is first built:
    the preview worker builds it as the server starts)."""


class BlobNotFound(Exception):
    """The object is not in the store."""


@dataclass(frozen=True)
class StorageLocation:
    """A parsed storage URL: obstore's URL, its config and client options."""

    url: str
    scheme: str
    config: dict[str, str]
    client_options: dict[str, str]


def storage_url(settings: Settings) -> str:
    if settings.storage_url:
        return settings.storage_url
    return (settings.data_dir / "files").resolve().as_uri()


def parse_storage_url(url: str) -> StorageLocation:
    """Split `url` into the store's URL and its options; `StorageConfigError` when invalid."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise StorageConfigError(f"unsupported storage URL scheme {scheme!r} in {url!r}")
    if scheme not in {"file", "memory"} and not parts.netloc:
        raise StorageConfigError(f"storage URL {url!r} names no bucket or container")
    config: dict[str, str] = {}
    client: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        (client if key in _CLIENT_OPTIONS else config)[key] = value
    base = parts._replace(query="", fragment="").geturl()
    if scheme == "memory":
        base = "memory:///"
    return StorageLocation(url=base, scheme=scheme, config=config, client_options=client)


def _build_store(location: StorageLocation) -> Any:
    if location.scheme == "file":
        root = Path(urlsplit(location.url).path)
        root.mkdir(parents=True, exist_ok=True)
        return from_url(location.url)
    if location.scheme == "memory":
        return from_url(location.url)
    try:
        return from_url(
            location.url,
            config=location.config or None,  # type: ignore[arg-type]
            client_options=location.client_options or None,  # type: ignore[arg-type]
        )
    except Exception as error:  # obstore raises its own types for bad configuration
        raise StorageConfigError(f"cannot configure storage {location.url!r}: {error}") from None


class BlobStorage:
    """Streaming put/get/delete of objects by key, the same on every backend."""

    def __init__(self, location: StorageLocation) -> None:
        self.location = location
        self._store = _build_store(location)

    @property
    def backend(self) -> str:
        return {"s3a": "s3", "azure": "az", "abfs": "az", "abfss": "az"}.get(
            self.location.scheme, self.location.scheme
        )

    def open_writer(self, key: str) -> BlobWriter:
        return BlobWriter(self._store, key)

    async def put_bytes(self, key: str, data: bytes) -> None:
        """Store a small object (thumbnails, posters) in one request."""
        await asyncio.to_thread(obstore.put, self._store, key, data)

    async def stream(self, key: str, chunk_size: int = READ_CHUNK) -> AsyncIterator[bytes]:
        """The object's bytes in chunks of about `chunk_size`; `BlobNotFound` if absent."""
        try:
            result = await asyncio.to_thread(obstore.get, self._store, key)
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        chunks: Iterator[bytes] = iter(result.stream(min_chunk_size=chunk_size))
        while True:
            chunk = await asyncio.to_thread(next, chunks, None)
            if chunk is None:
                return
            yield bytes(chunk)

    async def read(self, key: str) -> bytes:
        """A whole small object (thumbnails only; files are always streamed)."""
        parts = [chunk async for chunk in self.stream(key)]
        return b"".join(parts)

    async def size(self, key: str) -> int | None:
        try:
            meta = await asyncio.to_thread(obstore.head, self._store, key)
        except FileNotFoundError:
            return None
        return int(meta["size"])

    async def delete(self, *keys: str) -> None:
        """Delete objects; keys that are already gone are not an error."""
        for key in keys:
            try:
                await asyncio.to_thread(obstore.delete, self._store, key)
            except FileNotFoundError:
                continue


class BlobWriter:
    """An upload in progress. Bytes are buffered up to `WRITE_BUFFER`, then handed to
    obstore's writer on a thread; `commit` finishes the object, `abort` discards it."""

    def __init__(self, store: Any, key: str) -> None:
        self._store = store
        self.key = key
        self._writer: Any = None
        self._buffer = bytearray()
        self.size = 0

    async def write(self, chunk: bytes) -> None:
        self._buffer += chunk
        self.size += len(chunk)
        if len(self._buffer) >= WRITE_BUFFER:
            await self._flush()

    async def _flush(self) -> None:
        if self._writer is None:
            self._writer = await asyncio.to_thread(
                obstore.open_writer, self._store, self.key, buffer_size=WRITE_BUFFER
            )
        data, self._buffer = bytes(self._buffer), bytearray()
        await asyncio.to_thread(self._writer.write, data)

    async def commit(self) -> None:
        if self._writer is None:
            await asyncio.to_thread(obstore.put, self._store, self.key, bytes(self._buffer))
            self._buffer = bytearray()
            return
        if self._buffer:
            await self._flush()
        await asyncio.to_thread(self._writer.close)

    async def abort(self) -> None:
        """Drop what was written. A writer that never closes leaves no object behind on
        S3/Azure (the multipart upload is abandoned); local disk keeps a staging file,
        so the key is deleted too."""
        self._buffer = bytearray()
        self._writer = None
        try:
            await asyncio.to_thread(obstore.delete, self._store, self.key)
        except FileNotFoundError:
            return


_cache: dict[str, BlobStorage] = {}
_cache_lock = threading.Lock()


def storage_for(settings: Settings) -> BlobStorage:
    """The storage for these settings, built once per URL and shared by requests and workers."""
    url = storage_url(settings)
    with _cache_lock:
        found = _cache.get(url)
        if found is None:
            found = _cache[url] = BlobStorage(parse_storage_url(url))
        return found
