"""A query the engine cannot parse, told in plain words with where it stops making sense.

Both engines name the place (Neo4j `(line 2, column 1 (offset: 18))`, FalkorDB
`line: 2, column: 4, offset: 13`) inside their own prose; each backend's translation
hands its message here, and callers get one QuerySyntaxError with the line and column
(1-based, in the query as the analyst wrote it) that the console marks in its editor.
"""

from __future__ import annotations

import re

from screengraph.graph.errors import QueryError

_POSITION = re.compile(r"\(?line:? (\d+), column:? (\d+)")
_INVALID_INPUT = re.compile(r"^Invalid input (?:'[^']*'|at end of input):\s*")
# One alternative in an engine's "expected a, 'b', ',' or <EOF>": a quoted token, <EOF>, or words.
_ALTERNATIVE = re.compile(r"'[^']*'|<\w+>|[a-z][a-z ]*?(?=,|\s+or\s|$)")
_ALTERNATIVES_SHOWN = 8
_NEAR_CHARS = 24


class QuerySyntaxError(QueryError):
    """The engine could not parse the query: `line` and `column` say where (1-based).

    An engine's translation makes it from the engine's words; `in_query` then says it in
    plain words about the query the analyst wrote (what stands there, what was expected)."""

    def __init__(self, engine: str, detail: str, line: int, column: int, message: str = ""):
        super().__init__(message or f"{engine}: {detail} (line {line}, column {column})")
        self.engine, self.detail, self.line, self.column = engine, detail, line, column

    def shifted(self, prefix: str) -> QuerySyntaxError:
        """The same error about the query without `prefix` (Neo4j's vetting plans `EXPLAIN
        <query>`: the prefix moves the first line's columns)."""
        column = self.column - len(prefix) if self.line == 1 else self.column
        return QuerySyntaxError(self.engine, self.detail, self.line, column)

    def in_query(self, query: str) -> QuerySyntaxError:
        lines = query.split("\n")
        line = min(max(self.line, 1), max(len(lines), 1))
        column = min(max(self.column, 1), len(lines[line - 1]) + 1)
        what = _shorter(_INVALID_INPUT.sub("", self.detail.strip()).rstrip("."))
        message = (
            f"The query cannot be read at line {line}, column {column} "
            f"({_near(lines, line, column)}): {what} ({self.engine}). "
            "Correct it there and run it again."
        )
        return QuerySyntaxError(self.engine, self.detail, line, column, message)


def _shorter(detail: str) -> str:
    """Neo4j lists every token it would take (30 of them after a clause): keep a few."""
    head, sep, alternatives = detail.partition("expected ")
    items = _ALTERNATIVE.findall(alternatives)
    if not sep or len(items) <= _ALTERNATIVES_SHOWN:
        return detail
    shown = ", ".join(items[:_ALTERNATIVES_SHOWN])
    return f"{head}expected {shown} or one of {len(items) - _ALTERNATIVES_SHOWN} other words"


def _near(lines: list[str], line: int, column: int) -> str:
    text = lines[line - 1][column - 1 :]
    if not text.strip():
        return "at the end of the line" if line < len(lines) else "at the end of the query"
    clipped = text[:_NEAR_CHARS] + ("…" if len(text) > _NEAR_CHARS else "")
    return f"at “{clipped}”"


def neo4j_syntax_error(message: str) -> QuerySyntaxError | None:
    """From a Neo.ClientError.Statement.SyntaxError's message, when it names the place."""
    found = _POSITION.search(message)
    if not found:
        return None
    return QuerySyntaxError(
        "Neo4j", message[: found.start()], int(found.group(1)), int(found.group(2))
    )


def falkordb_syntax_error(message: str) -> QuerySyntaxError | None:
    """From FalkorDB's `errMsg: ... line: L, column: C, offset: O errCtx: ...`."""
    found = _POSITION.search(message) if message.startswith("errMsg:") else None
    if not found:
        return None
    detail = message[len("errMsg:") : found.start()]
    return QuerySyntaxError("FalkorDB", detail, int(found.group(1)), int(found.group(2)))
