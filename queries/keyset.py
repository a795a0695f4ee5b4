"""Keyset paging: a page starts after (or ends before) the position of a row it was given,
so page 2,000 costs what page 1 costs.

`SKIP $offset` reads and sorts every row before the page (a heap of offset + limit rows:
on Neo4j, offset 10,000 of a 100,000-show genre passed the 2 s time limit). A position is
instead the values of a row's sort columns; the next page keeps only the rows beyond it
(`beyond`), so each page sorts with a heap of `limit` rows, and the last page is the first
one read in the reversed order. A position travels in URLs as a cursor (`cursor`): its
values as JSON, base64url-encoded, checked against the order's columns when read back
(`position`), so a hand-edited cursor gets a clear error, never a wrong page.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import NamedTuple

from screengraph.queries.errors import QueryParameterError

MAX_CURSOR_CHARS = 2_000  # a position is a few short values; anything longer is not one


class Column(NamedTuple):
    """One column of an ORDER BY: its expression, its direction, the type of its values
    (never null: the expressions coalesce)."""

    expression: str
    descending: bool = False
    kind: type = str


def order_by(columns: tuple[Column, ...], reverse: bool = False) -> str:
    """The ORDER BY list of `columns`, or of the reversed order."""
    return ", ".join(c.expression + (" DESC" if c.descending != reverse else "") for c in columns)


def position_of(columns: tuple[Column, ...]) -> str:
    """The expression a query returns as a row's position: its sort values, as a list."""
    return "[" + ", ".join(c.expression for c in columns) + "]"


def beyond(columns: tuple[Column, ...], reverse: bool = False, name: str = "cursor") -> str:
    """The condition that keeps the rows after the position `$name` in this order (before
    it when `reverse`): true for every row when `$name` is null."""
    alternatives = []
    for i, column in enumerate(columns):
        before = [f"{c.expression} = ${name}[{j}]" for j, c in enumerate(columns[:i])]
        sign = ">" if column.descending == reverse else "<"
        alternatives.append(
            "(" + " AND ".join([*before, f"{column.expression} {sign} ${name}[{i}]"]) + ")"
        )
    return f"(${name} IS NULL OR " + " OR ".join(alternatives) + ")"


def cursor(position: list) -> str:
    """A row's position as the text a URL carries."""
    text = json.dumps(position, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def position(text: str, columns: tuple[Column, ...], parameter: str) -> list:
    """The position a cursor carries, checked against the order's columns; a
    QueryParameterError naming `parameter` when it is not one this order gave."""
    wrong = QueryParameterError(
        f"parameter '{parameter}' is not a position in this list (in this order): "
        "follow the page's own links, or page by 'offset'"
    )
    if len(text) > MAX_CURSOR_CHARS:
        raise wrong
    try:
        padded = text + "=" * (-len(text) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        raise wrong from None
    if not isinstance(values, list) or len(values) != len(columns):
        raise wrong
    for value, column in zip(values, columns, strict=True):
        if type(value) is not column.kind:
            raise wrong
    return values
