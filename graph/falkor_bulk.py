"""FalkorDB's bulk interface: GRAPH.BULK, fed nodes and relationships in its binary form.

The format is the one `falkordb-bulk-loader` sends (its label.py, relation_type.py and
entity_file.py): `GRAPH.BULK graph [BEGIN] <nodes> <relations> <label blobs> <type blobs>
<blob>...`, the first call with BEGIN (the graph must not exist), where a blob is
`name\\0`, a uint32 property count, each property name `\\0`-terminated, then each entity:
for a relationship its start and end node ids (uint64, the order nodes were sent in,
from 0), then one value per property: a type byte and the value (0 null, skipped; 1 bool;
2 double; 3 string, `\\0`-terminated; 4 int64; 5 array: int64 length, then its values).
We write the values ourselves, typed as they are in Python: the package's CSV reader
infers types from text, so a title `1941` or a source id `12` would become numbers.
"""

from __future__ import annotations

import struct
from typing import Any, Callable, Iterable

from graph.errors import QueryError

# Bytes sent per GRAPH.BULK call (the server's default limit on one argument is 512 MB).
CALL_BYTES = 32 * 1024 * 1024

_NULL, _BOOL, _DOUBLE, _STRING, _LONG, _ARRAY = 0, 1, 2, 3, 4, 5


def encode_value(value: Any, where: str) -> bytes:
    if value is None:
        return struct.pack("=B", _NULL)
    if isinstance(value, bool):
        return struct.pack("=B?", _BOOL, value)
    if isinstance(value, int):
        return struct.pack("=Bq", _LONG, value)
    if isinstance(value, float):
        return struct.pack("=Bd", _DOUBLE, value)
    if isinstance(value, str):
        if "\0" in value:  # the format ends a string at its first NUL
            raise QueryError(f"{where}: a text holds the character U+0000")
        return struct.pack("=B", _STRING) + value.encode("utf-8") + b"\0"
    if isinstance(value, (list, tuple)):
        return struct.pack("=Bq", _ARRAY, len(value)) + b"".join(
            encode_value(item, where) for item in value)
    raise QueryError(f"{where}: a {type(value).__name__} cannot be a property value")


def _header(name: str, properties: list[str]) -> bytes:
    return (name.encode() + b"\0" + struct.pack("=I", len(properties))
            + b"".join(p.encode() + b"\0" for p in properties))


class _Blobs:
    """Entities of one label or type, as blobs that fit in a call."""

    def __init__(self, name: str, properties: list[str]):
        self.name = name
        self.properties = properties
        self.header = _header(name, properties)
        self.rows: list[bytes] = []
        self.keys: list[tuple[str, str]] = []  # nodes' (label, key), in row order

    def add(self, row: bytes, key: tuple[str, str] | None) -> None:
        self.rows.append(row)
        if key is not None:
            self.keys.append(key)

    def take(self, node_ids: dict[tuple[str, str], int]) -> bytes:
        """The blob; its nodes get the next ids (the engine numbers them in blob order)."""
        for key in self.keys:
            node_ids[key] = len(node_ids)
        blob = self.header + b"".join(self.rows)
        self.rows, self.keys = [], []
        return blob


class BulkSender:
    """Sends nodes, then relationships, in calls of at most CALL_BYTES."""

    def __init__(self, send: Callable[[list[Any]], Any]):
        self.send = send
        self.begun = False
        self.node_ids: dict[tuple[str, str], int] = {}
        self.nodes = 0
        self.relationships = 0

    def _flush(self, pending: dict, nodes: bool, count: int) -> None:
        blobs = [b.take(self.node_ids) for b in pending.values() if b.rows]
        if not blobs:
            return
        head = ["BEGIN"] if not self.begun else []
        self.begun = True
        args = [*head, count if nodes else 0, 0 if nodes else count,
                len(blobs) if nodes else 0, 0 if nodes else len(blobs), *blobs]
        self.send(args)

    def _stream(self, items: Iterable[tuple], nodes: bool) -> None:
        # One blob per label (or type) and set of properties: a call may hold several
        # blobs of one label.
        pending: dict[tuple[str, tuple[str, ...]], _Blobs] = {}
        size = count = 0
        for name, properties, row, key in items:
            shape = (name, tuple(properties))
            blobs = pending.get(shape)
            if blobs is None:
                blobs = pending[shape] = _Blobs(name, properties)
            blobs.add(row, key)
            size += len(row)
            count += 1
            if size >= CALL_BYTES:
                self._flush(pending, nodes, count)
                size = count = 0
        self._flush(pending, nodes, count)

    def send_nodes(self, nodes: Iterable[tuple[str, dict[str, Any]]]) -> None:
        def rows():
            for label, properties in nodes:
                names = sorted(properties)
                where = f"{label} {properties.get('key')!r}"
                self.nodes += 1
                yield (label, names,
                       b"".join(encode_value(properties[n], f"{where}.{n}") for n in names),
                       (label, properties["key"]))
        self._stream(rows(), nodes=True)

    def send_relationships(self, relationships: Iterable[tuple[str, tuple[str, str],
                                                                tuple[str, str], dict[str, Any]]]
                           ) -> None:
        def rows():
            for rel_type, start, end, properties in relationships:
                names = sorted(properties)
                where = f"{rel_type} {start[1]!r}->{end[1]!r}"
                head = struct.pack("=QQ", self.node_ids[start], self.node_ids[end])
                self.relationships += 1
                yield (rel_type, names, head + b"".join(
                    encode_value(properties[n], f"{where}.{n}") for n in names), None)
        self._stream(rows(), nodes=False)
