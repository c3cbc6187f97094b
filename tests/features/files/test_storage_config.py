"""Choosing the backend from PARLEY_STORAGE_URL (GCS is configuration-tested only: no
emulator that obstore can talk to installs from PyPI or npm, see docs/files.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.features.files.storage import (
    BlobStorage,
    StorageConfigError,
    parse_storage_url,
    storage_url,
)
from parley.platform.settings import Settings, load_settings


def test_default_is_local_disk_under_the_data_dir(tmp_path: Path) -> None:
    url = storage_url(Settings(data_dir=tmp_path))
    assert url == (tmp_path / "files").resolve().as_uri()
    storage = BlobStorage(parse_storage_url(url))
    assert storage.backend == "file"
    assert (tmp_path / "files").is_dir()


def test_options_split_between_store_and_http_client() -> None:
    location = parse_storage_url(
        "s3://bucket?region=eu-west-1&endpoint=http://127.0.0.1:9000&allow_http=true"
    )
    assert location.url == "s3://bucket"
    assert location.config == {"region": "eu-west-1", "endpoint": "http://127.0.0.1:9000"}
    assert location.client_options == {"allow_http": "true"}


def test_gcs_store_is_configured_without_touching_the_network() -> None:
    # A service-account key with OAuth disabled: obstore never asks the metadata server.
    key = json.dumps(
        {
            "gcs_base_url": "http://127.0.0.1:9",
            "disable_oauth": True,
            "client_email": "",
            "private_key": "",
            "private_key_id": "",
        }
    )
    storage = BlobStorage(parse_storage_url(f"gs://parley-files?service_account_key={key}"))
    assert storage.backend == "gs"


def test_setting_is_read_from_the_environment() -> None:
    env = {"PARLEY_STORAGE_URL": "az://box?account_name=acct", "PARLEY_FILE_MAX_BYTES": "5"}
    settings = load_settings(env)
    assert (settings.storage_url, settings.file_max_bytes) == ("az://box?account_name=acct", 5)


@pytest.mark.parametrize("url", ["ftp://host/x", "s3://", "gs://", "s3://bucket?no_such_option=1"])
def test_bad_storage_urls_are_refused_at_start(url: str) -> None:
    with pytest.raises(StorageConfigError):
        BlobStorage(parse_storage_url(url))
