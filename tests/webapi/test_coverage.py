"""docs/api-coverage.md is generated from the registry and must match it."""

from __future__ import annotations

from pathlib import Path

from parley.webapi.coverage import coverage_markdown
from parley.webapi.methods import load_all_methods

DOC = Path(__file__).resolve().parents[2] / "docs" / "api-coverage.md"


def test_coverage_document_is_current() -> None:
    load_all_methods()
    assert DOC.read_text() == coverage_markdown(), (
        "docs/api-coverage.md is stale: run `.venv/bin/parley dev api-coverage`"
    )
