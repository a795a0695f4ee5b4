"""FalkorDB's compact replies read straight into plain values (graph/values.py's shapes).

FalkorDB's Python client parses a compact reply into its own objects (Node, Edge,
OrderedDict, a function call per value), and graph/falkor_backend.py then walked those
again to make plain values. For the evidence behind a show's related content (about a
thousand rows of eight values for a show with busy people) those two passes were 40 % of
the call at p95 (22 ms with them against 13 ms for the reply alone, 10^6 credits). This
reads each value once.

Values screengraph's own queries never return (paths, points, vectors, temporal values)
go through the client's parser and the general conversion, so every value comes out as
it did (tests/graph/test_falkor_compact.py compares the two on every kind).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from falkordb.query_result import QueryResult, ResultSetScalarTypes
from redis.exceptions import ResponseError

from screengraph.graph.values import node_value, relationship_value

_NULL = ResultSetScalarTypes.VALUE_NULL.value
_STRING = ResultSetScalarTypes.VALUE_STRING.value
_INTEGER = ResultSetScalarTypes.VALUE_INTEGER.value
_BOOLEAN = ResultSetScalarTypes.VALUE_BOOLEAN.value
_DOUBLE = ResultSetScalarTypes.VALUE_DOUBLE.value
_ARRAY = ResultSetScalarTypes.VALUE_ARRAY.value
_EDGE = ResultSetScalarTypes.VALUE_EDGE.value
_NODE = ResultSetScalarTypes.VALUE_NODE.value
_MAP = ResultSetScalarTypes.VALUE_MAP.value


class CompactRead:
    """A read's reply: column names, rows of plain values (the first `cap` + 1 of them when
    `cap` is not 0: one more tells the caller it was cut), and the client's own result
    object for the statistics (only those: its rows are not parsed)."""

    def __init__(self, graph: Any, reply: list, general: Callable[[Any, Any], Any], cap: int = 0):
        """`general(cell, graph)` converts a value of a kind not read here."""
        if isinstance(reply[0], ResponseError) or isinstance(reply[-1], ResponseError):
            QueryResult(graph, reply)  # raises what the client raises ("version mismatch")
        self.stats = QueryResult(graph, [reply[-1]])
        self.columns: list[str] = []
        self.rows: list[list[Any]] = []
        if len(reply) > 1 and reply[0]:
            self.columns = [_text(name) for _kind, name in reply[0]]
            read = _Reader(graph, general)
            rows = reply[1][: cap + 1] if cap else reply[1]
            self.rows = [[read.value(cell) for cell in row] for row in rows]


class _Reader:
    def __init__(self, graph: Any, general: Callable[[Any, Any], Any]):
        self.graph = graph
        self.schema = graph.schema
        self.general = general

    def value(self, cell: list) -> Any:
        kind, value = cell[0], cell[1]
        if kind == _STRING:
            return _text(value)
        if kind == _INTEGER:
            return int(value)
        if kind == _NULL:
            return None
        if kind == _ARRAY:
            return self._array(value)
        if kind == _DOUBLE:
            return float(value)
        if kind == _BOOLEAN:
            return _text(value) == "true"
        if kind == _MAP:  # [key, value, key, value...]
            return dict(zip(map(_text, value[0::2]), self._array(value[1::2])))
        if kind == _NODE:
            labels = [self.schema.get_label(label) for label in value[1]]
            return node_value(labels, self._properties(value[2]))
        if kind == _EDGE:
            return relationship_value(
                self.schema.get_relation(value[1]), self._properties(value[4])
            )
        return self.general(cell, self.graph)

    def _array(self, members: list) -> list:
        """A list's members, the common kinds read in the loop itself: packed rows are
        lists of lists of strings and numbers, thousands of them in a busy show's related
        content, and a call per member was a third of reading them."""
        read: list[Any] = []
        append = read.append
        for kind, value in members:
            if kind == _STRING:
                append(value if value.__class__ is str else _text(value))
            elif kind == _INTEGER:
                append(int(value))
            elif kind == _NULL:
                append(None)
            elif kind == _ARRAY:
                append(self._array(value))
            else:
                append(self.value([kind, value]))
        return read

    def _properties(self, listed: list) -> dict[str, Any]:
        return {self.schema.get_property(p[0]): self.value(p[1:]) for p in listed}


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return value if isinstance(value, str) else str(value)
