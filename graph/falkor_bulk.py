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

import queue
import struct
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from screengraph.graph.backend import NodeRef
from screengraph.graph.errors import QueryError

# Bytes sent per GRAPH.BULK call (the server's default limit on one argument is 512 MB).
# The loader holds a call about twice over (as it is gathered, then as the blobs sent):
# at 32 MB the import added 65 MB to the peak of a bulk load of 20,000 IMDb-shaped titles
# whose planning needed 227 MB; the engine's work per call is the same whatever its size.
CALL_BYTES = 8 * 1024 * 1024

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
            encode_value(item, where) for item in value
        )
    raise QueryError(f"{where}: a {type(value).__name__} cannot be a property value")


def _header(name: str, properties: list[str]) -> bytes:
    return (
        name.encode()
        + b"\0"
        + struct.pack("=I", len(properties))
        + b"".join(p.encode() + b"\0" for p in properties)
    )


class _Blob:
    """Entities of one label (or type) and one set of properties, that came in a row."""

    def __init__(self, name: str, properties: tuple[str, ...]):
        self.data = bytearray(_header(name, list(properties)))

    def take(self) -> bytes:
        blob = bytes(self.data)
        self.data = bytearray()
        return blob


class BulkSender:
    """Sends nodes, then relationships, in calls of at most about CALL_BYTES.

    The engine numbers nodes from 0 in the order of their blobs. A blob is started
    whenever the label or the set of properties changes, so blobs keep the order nodes
    come in and a node's id is its place among them: a relationship names its ends by
    that place (NodeRef.position), and no map of every node's id is held. Nodes of one
    shape that come together make one long blob (loaders/bulk_graph.py orders them so);
    relationships of one shape share a blob per call whatever their order."""

    def __init__(self, send: Callable[[list[Any]], Any]):
        self.send = send
        self.begun = False
        self.nodes = 0
        self.relationships = 0

    def _send(self, blobs: list[_Blob], nodes: bool, count: int) -> None:
        if not blobs:
            return
        head = ["BEGIN"] if not self.begun else []
        self.begun = True
        args = [
            *head,
            count if nodes else 0,
            0 if nodes else count,
            len(blobs) if nodes else 0,
            0 if nodes else len(blobs),
        ]
        args.extend(blob.take() for blob in blobs)  # each blob let go as it is copied
        blobs.clear()
        self.send(args)

    def _stream(self, items: Iterable[tuple[str, tuple[str, ...], bytes]], nodes: bool) -> None:
        """Nodes go in the order they come (their place is their id): a blob per run of
        one shape. Relationships name their ends, so their order is free: one blob per
        shape in each call, however the shapes alternate. The engine's work per blob
        grows with the graph (its matrices are synced blob by blob): a blob every few
        relationships (credits with and without a character, say) made the import
        quadratic, 26,384 blobs for 124,595 relationships at 10^5 credits."""
        blobs: list[_Blob] = []
        open_blobs: dict[tuple[str, tuple[str, ...]], _Blob] = {}
        shape: tuple | None = None
        size = count = 0
        for name, properties, row in items:
            if shape != (name, properties):
                shape = (name, properties)
                if nodes or shape not in open_blobs:
                    open_blobs[shape] = _Blob(name, properties)
                    blobs.append(open_blobs[shape])
                    size += len(blobs[-1].data)
                blob = open_blobs[shape]
            blob.data += row
            size += len(row)
            count += 1
            if size >= CALL_BYTES:
                self._send(blobs, nodes, count)
                open_blobs.clear()
                shape, size, count = None, 0, 0
        self._send(blobs, nodes, count)

    def send_nodes(self, nodes: Iterable[tuple[str, dict[str, Any]]]) -> None:
        def rows():
            for label, properties in nodes:
                names = tuple(sorted(properties))
                where = f"{label} {properties.get('key')!r}"
                self.nodes += 1
                yield (
                    label,
                    names,
                    b"".join(encode_value(properties[n], f"{where}.{n}") for n in names),
                )

        self._stream(rows(), nodes=True)

    def send_relationships(
        self, relationships: Iterable[tuple[str, NodeRef, NodeRef, dict[str, Any]]]
    ) -> None:
        def rows():
            for rel_type, start, end, properties in relationships:
                names = tuple(sorted(properties))
                where = f"{rel_type} {start.key!r}->{end.key!r}"
                for node in (start, end):
                    if not 0 <= node.position < self.nodes:
                        raise QueryError(
                            f"{where}: its end {node.label} {node.key!r} is "
                            f"not among the {self.nodes} nodes sent"
                        )
                head = struct.pack("=QQ", start.position, end.position)
                self.relationships += 1
                yield (
                    rel_type,
                    names,
                    head + b"".join(encode_value(properties[n], f"{where}.{n}") for n in names),
                )

        self._stream(rows(), nodes=False)


class SendAhead:
    """Sends each call from a thread of its own while the caller encodes the next: the
    engine imports a call on its own core (GRAPH.BULK runs on the server's main thread)
    while Python builds the next one, instead of each waiting for the other. At most one
    call waits behind the one in flight, so a load holds two more calls, not the graph.

    Calls go in order. The first that fails is raised to the caller at its next call or
    when the block ends; the calls after it are not sent."""

    _DONE = object()

    def __init__(self, send: Callable[[list[Any]], Any]):
        self._send = send
        self._calls: queue.Queue = queue.Queue(maxsize=1)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._sending, name="graph-bulk", daemon=True)

    def __enter__(self) -> SendAhead:
        self._thread.start()
        return self

    def __call__(self, args: list[Any]) -> None:
        self._raise_failure()
        self._calls.put(args)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._calls.put(self._DONE)
        self._thread.join()  # the call in flight ends either way: the server finishes it
        if kind is None:
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failed is not None:
            raise self._failed

    def _sending(self) -> None:
        while (args := self._calls.get()) is not self._DONE:
            if self._failed is None:  # after a failure, calls are taken and dropped
                try:
                    self._send(args)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    self._failed = exc
