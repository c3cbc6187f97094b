"""SCIM filters (RFC 7644 §3.4.2.2) parsed into a tree, then run as SQL or on a dict.

`userName eq "ann@acme.example"`, `emails[type eq "work" and value co "@acme"]`,
`not (active eq false) and meta.lastModified gt "2026-01-01T00:00:00Z"`: what identity
providers send to find a person before creating them, and what a PATCH path names
(`members[value eq "U123"]`). A list query becomes one SQL condition, so a lookup among
350,000 members is an index probe, not a scan; an attribute the resource does not have is
`invalidFilter`, never a silent match-everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import ColumnElement, SQLColumnExpression, and_, false, func, not_, or_, true

from parley.features.scim.errors import ScimError

CompareOp = Literal["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]
_COMPARE_OPS = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"}
_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>[()\[\]])|(?P<word>[^\s()\[\]"]+))'
)
MAX_FILTER = 2_000


@dataclass(frozen=True)
class Compare:
    path: str  # lower-cased, e.g. "username", "emails.value", "name.givenname"
    op: CompareOp
    value: Any


@dataclass(frozen=True)
class Present:
    path: str


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    inner: Node


@dataclass(frozen=True)
class ValuePath:
    """`attr[filter]`: an item of a multi-valued attribute matches `inner`."""

    attribute: str
    inner: Node


Node = Compare | Present | And | Or | Not | ValuePath


def parse_filter(text: str) -> Node:
    if len(text) > MAX_FILTER:
        raise ScimError(400, "invalidFilter", "the filter is too long")
    parser = _Parser(_tokens(text))
    node = parser.expression()
    if parser.peek() is not None:
        raise ScimError(400, "invalidFilter", f"unexpected {parser.peek()!r}")
    return node


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position:].strip():
                raise ScimError(400, "invalidFilter", "the filter does not parse")
            break
        position = match.end()
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
    return tokens


class _Parser:
    """Recursive descent: `or` binds loosest, then `and`, then `not` and groups."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise ScimError(400, "invalidFilter", "the filter ends too early")
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise ScimError(400, "invalidFilter", f"expected {text!r}")

    def expression(self) -> Node:
        node = self.conjunction()
        while (self.peek() or "").lower() == "or":
            self.take()
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.term()
        while (self.peek() or "").lower() == "and":
            self.take()
            node = And(node, self.term())
        return node

    def term(self) -> Node:
        word = self.peek()
        if word == "(":
            self.take()
            node = self.expression()
            self.expect(")")
            return node
        if (word or "").lower() == "not":
            self.take()
            self.expect("(")
            inner = self.expression()
            self.expect(")")
            return Not(inner)
        return self.attribute_expression()

    def attribute_expression(self) -> Node:
        kind, path = self.take()
        if kind != "word":
            raise ScimError(400, "invalidFilter", f"expected an attribute, found {path!r}")
        path = _strip_schema(path).lower()
        if self.peek() == "[":
            self.take()
            inner = self.expression()
            self.expect("]")
            node: Node = ValuePath(path, inner)
            if (self.peek() or "").startswith("."):  # emails[type eq "work"].value: rare
                raise ScimError(400, "invalidFilter", "a sub-attribute after a filter")
            return node
        kind, op = self.take()
        op = op.lower()
        if op == "pr":
            return Present(path)
        if op not in _COMPARE_OPS:
            raise ScimError(400, "invalidFilter", f"unknown operator {op!r}")
        kind, raw = self.take()
        return Compare(path, op, _value(kind, raw))  # type: ignore[arg-type]


def _strip_schema(path: str) -> str:
    """`urn:ietf:params:scim:schemas:core:2.0:User:userName` → `userName`."""
    if path.lower().startswith("urn:"):
        return path.rsplit(":", 1)[1]
    return path


def _value(kind: str, raw: str) -> Any:
    if kind == "string":
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ScimError(400, "invalidFilter", "a string does not parse") from None
    lowered = raw.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return float(raw) if "." in raw else int(raw)
    except ValueError:
        raise ScimError(400, "invalidFilter", f"{raw!r} is not a value") from None


# --- as SQL ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """How one attribute path is stored: the SQL expression and how it compares."""

    expression: SQLColumnExpression[Any]
    kind: Literal["text", "exact", "bool", "time"] = "text"


def to_sql(node: Node, columns: Mapping[str, Column]) -> ColumnElement[bool]:
    if isinstance(node, And):
        return and_(to_sql(node.left, columns), to_sql(node.right, columns))
    if isinstance(node, Or):
        return or_(to_sql(node.left, columns), to_sql(node.right, columns))
    if isinstance(node, Not):
        return not_(to_sql(node.inner, columns))
    if isinstance(node, ValuePath):
        return to_sql(_prefixed(node.inner, node.attribute), columns)
    column = _column(columns, node.path)
    if isinstance(node, Present):
        return _present(column)
    return _compare_sql(column, node.op, node.value)


def _prefixed(node: Node, attribute: str) -> Node:
    """`emails[value eq x]` → `emails.value eq x` (one stored value per attribute here)."""
    if isinstance(node, And | Or):
        return type(node)(_prefixed(node.left, attribute), _prefixed(node.right, attribute))
    if isinstance(node, Not):
        return Not(_prefixed(node.inner, attribute))
    if isinstance(node, ValuePath):
        raise ScimError(400, "invalidFilter", "nested filters")
    if isinstance(node, Present):
        return Present(f"{attribute}.{node.path}")
    return Compare(f"{attribute}.{node.path}", node.op, node.value)


def _column(columns: Mapping[str, Column], path: str) -> Column:
    column = columns.get(path)
    if column is None:
        raise ScimError(400, "invalidFilter", f"cannot filter on {path!r}")
    return column


def _present(column: Column) -> ColumnElement[bool]:
    if column.kind in {"bool", "time"}:
        return column.expression.is_not(None)
    return and_(column.expression.is_not(None), column.expression != "")


def _compare_sql(column: Column, op: CompareOp, value: Any) -> ColumnElement[bool]:
    if column.kind == "bool":
        return _compare_bool(column.expression, op, value)
    if column.kind == "time":
        return _compare_time(column.expression, op, value)
    if value is None:
        return column.expression.is_(None) if op == "eq" else column.expression.is_not(None)
    if not isinstance(value, str):
        raise ScimError(400, "invalidFilter", "compare text with a string")
    # Text attributes are caseExact false in our schemas: compare lower-cased.
    left = column.expression if column.kind == "exact" else func.lower(column.expression)
    right = value if column.kind == "exact" else value.lower()
    comparisons: dict[str, Callable[[], ColumnElement[bool]]] = {
        "eq": lambda: left == right,
        "ne": lambda: or_(left != right, column.expression.is_(None)),
        "co": lambda: left.contains(right, autoescape=True),
        "sw": lambda: left.startswith(right, autoescape=True),
        "ew": lambda: left.endswith(right, autoescape=True),
        "gt": lambda: left > right,
        "ge": lambda: left >= right,
        "lt": lambda: left < right,
        "le": lambda: left <= right,
    }
    return comparisons[op]()


def _compare_bool(
    expression: SQLColumnExpression[Any], op: CompareOp, value: Any
) -> ColumnElement[bool]:
    if not isinstance(value, bool) or op not in {"eq", "ne"}:
        raise ScimError(400, "invalidFilter", "a boolean compares with eq or ne and true/false")
    wanted = value if op == "eq" else not value
    return expression == (true() if wanted else false())


def _compare_time(
    expression: SQLColumnExpression[Any], op: CompareOp, value: Any
) -> ColumnElement[bool]:
    if not isinstance(value, str) or op in {"co", "sw", "ew"}:
        raise ScimError(400, "invalidFilter", "a time compares with a date-time string")
    try:
        seconds = int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise ScimError(400, "invalidFilter", f"{value!r} is not a date-time") from None
    comparisons: dict[str, Callable[[], ColumnElement[bool]]] = {
        "eq": lambda: expression == seconds,
        "ne": lambda: expression != seconds,
        "gt": lambda: expression > seconds,
        "ge": lambda: expression >= seconds,
        "lt": lambda: expression < seconds,
        "le": lambda: expression <= seconds,
    }
    return comparisons[op]()


# --- on a dict (PATCH paths) ----------------------------------------------------------------


def matches(node: Node, item: Mapping[str, Any]) -> bool:
    """Whether one item of a multi-valued attribute (`{"value": …, "type": …}`) matches."""
    if isinstance(node, And):
        return matches(node.left, item) and matches(node.right, item)
    if isinstance(node, Or):
        return matches(node.left, item) or matches(node.right, item)
    if isinstance(node, Not):
        return not matches(node.inner, item)
    if isinstance(node, ValuePath):
        raise ScimError(400, "invalidFilter", "nested filters")
    found = _lookup(item, node.path)
    if isinstance(node, Present):
        return found not in (None, "", [])
    return _compare_value(found, node.op, node.value)


def _lookup(item: Mapping[str, Any], path: str) -> Any:
    for key, value in item.items():
        if key.lower() == path:
            return value
    return None


def _compare_value(found: Any, op: CompareOp, value: Any) -> bool:
    if isinstance(found, str) and isinstance(value, str):
        found, value = found.lower(), value.lower()
    if op == "eq":
        return bool(found == value)
    if op == "ne":
        return bool(found != value)
    if found is None:
        return False
    if op in {"co", "sw", "ew"}:
        if not isinstance(found, str) or not isinstance(value, str):
            return False
        return {"co": value in found, "sw": found.startswith(value), "ew": found.endswith(value)}[
            op
        ]
    try:
        return bool(
            {"gt": found > value, "ge": found >= value, "lt": found < value, "le": found <= value}[
                op
            ]
        )
    except TypeError:
        return False
