"""PostgreSQL full-text search: the generated `messages.search_vector` column (GIN index),
ranked by ts_rank_cd. Queries use the same 'simple' configuration as the column."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    bindparam,
    func,
    literal_column,
    not_,
    or_,
)

from parley.features.search.backend import TextMatch
from parley.features.search.query import Term

_VECTOR: ColumnClause[Any] = literal_column("messages.search_vector")
_CONFIG: ColumnClause[Any] = literal_column("'simple'::regconfig")


def _prefix_query(term: Term) -> str:
    """`to_tsquery` text for `deplo*` or `"rel notes"*`: its tokens side by side, the last
    one a prefix. Tokens are word characters only, so they need no further escaping."""
    return " <-> ".join(f"'{token}'" for token in term.tokens) + ":*"


class PostgresBackend:
    def __init__(self) -> None:
        self._params = 0

    def _tsquery(self, term: Term) -> ColumnElement[Any]:
        self._params += 1
        name = f"ts_term_{self._params}"
        if term.prefix:
            return func.to_tsquery(_CONFIG, bindparam(name, _prefix_query(term)))
        if term.phrase:
            return func.phraseto_tsquery(_CONFIG, bindparam(name, " ".join(term.tokens)))
        return func.plainto_tsquery(_CONFIG, bindparam(name, term.text))

    def match(
        self,
        query: Select[Any],
        terms: tuple[Term, ...],
        excluded: tuple[Term, ...],
        *,
        rank: bool,
    ) -> TextMatch:
        self._params = 0
        score: ColumnElement[Any] | None = None
        if terms:
            wanted = self._tsquery(terms[0])
            for term in terms[1:]:
                wanted = wanted.op("&&")(self._tsquery(term))
            query = query.where(_VECTOR.op("@@")(wanted))
            if rank:
                score = func.ts_rank_cd(_VECTOR, wanted)
        if excluded:
            unwanted = [_VECTOR.op("@@")(self._tsquery(term)) for term in excluded]
            query = query.where(not_(or_(*unwanted)))
        return TextMatch(query, score)
