"""SQLite FTS5 search: `messages_fts` (external content over messages.text), ranked by bm25."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnClause, Select, bindparam, func, literal_column, select, table

from parley.features.messages.models import Message
from parley.features.search.backend import TextMatch
from parley.features.search.query import Term

_FTS = table("messages_fts", literal_column("rowid"))
_FTS_TABLE: ColumnClause[Any] = literal_column("messages_fts")
_FTS_ROWID: ColumnClause[Any] = literal_column("messages_fts.rowid")


def fts_expression(term: Term) -> str:
    """One FTS5 query string for a term: a quoted phrase of its tokens, `*` for a prefix.

    Quoting every term means nothing a user types is read as FTS5 syntax (`AND`, `NEAR`,
    column filters, unbalanced parentheses)."""
    quoted = '"' + " ".join(term.tokens).replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def _any_of(terms: tuple[Term, ...]) -> str:
    return " OR ".join(fts_expression(term) for term in terms)


class SqliteBackend:
    def match(
        self,
        query: Select[Any],
        terms: tuple[Term, ...],
        excluded: tuple[Term, ...],
        *,
        rank: bool,
    ) -> TextMatch:
        if terms:
            expression = " AND ".join(fts_expression(term) for term in terms)
            if excluded:
                expression = f"({expression}) NOT ({_any_of(excluded)})"
            columns = [_FTS_ROWID.label("message_id")]
            if rank:
                # bm25 is lower for better matches; negate it so that higher is better.
                columns.append((-func.bm25(_FTS_TABLE)).label("score"))
            # MATERIALIZED makes SQLite run the MATCH once and then look messages up by
            # primary key; left to itself it may walk messages and probe the index per row,
            # which is orders of magnitude slower on large tables.
            hits = (
                select(*columns)
                .select_from(_FTS)
                .where(_FTS_TABLE.op("MATCH")(bindparam("fts_query", expression)))
                .cte("fts_hits")
                .prefix_with("MATERIALIZED")
            )
            narrowed = query.join(hits, Message.id == hits.c.message_id)
            return TextMatch(narrowed, hits.c.score if rank else None)
        if excluded:
            # FTS5's NOT needs something on its left: subtract the excluded rows instead.
            unwanted = (
                select(_FTS_ROWID)
                .select_from(_FTS)
                .where(_FTS_TABLE.op("MATCH")(bindparam("fts_excluded", _any_of(excluded))))
            )
            return TextMatch(query.where(Message.id.not_in(unwanted)), None)
        return TextMatch(query, None)
