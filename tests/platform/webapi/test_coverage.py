"""docs/api-coverage.md is generated from the registry and must match it."""

from __future__ import annotations

from pathlib import Path

from parley.composition import install
from parley.platform.webapi.coverage import coverage_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "api-coverage.md"


def test_coverage_document_is_current() -> None:
    install()
    assert DOC.read_text() == coverage_markdown(), (
        "docs/api-coverage.md is stale: run `.venv/bin/parley dev api-coverage`"
    )
