"""The full-text part of a search, one implementation per database dialect.

Everything else about a search (visibility, filters, sorting, paging) is ordinary SQL shared
by both dialects in `store.py`; a backend only turns the query's words into conditions on
the `messages` table and a relevance score that uses the dialect's own index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select

from parley.features.search.query import Term


@dataclass(frozen=True)
class TextMatch:
    """A select narrowed to the messages matching the words, and how well each matches."""

    select: Select[Any]
    score: ColumnElement[Any] | None  # higher is better; None when not ranking


class SearchBackend(Protocol):
    def match(
        self,
        select: Select[Any],
        terms: tuple[Term, ...],
        excluded: tuple[Term, ...],
        *,
        rank: bool,
    ) -> TextMatch:
        """Restrict `select` (over `messages`) to rows containing every term and no excluded
        one, using the full-text index; with `rank` (and terms), also score each row."""
        ...


def backend_for(dialect: str) -> SearchBackend:
    """The backend for a SQLAlchemy dialect name (`sqlite` or `postgresql`)."""
    if dialect == "sqlite":
        from parley.features.search.sqlite import SqliteBackend

        return SqliteBackend()
    if dialect == "postgresql":
        from parley.features.search.postgres import PostgresBackend

        return PostgresBackend()
    raise NotImplementedError(f"no search backend for {dialect}")
