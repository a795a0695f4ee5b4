"""A graph export (graph/export_jsonl.py) written into an empty store, on either engine.

Nodes are created in batches of one label, `UNWIND $rows AS r CREATE (n:`Label`) SET n =
r.p`, then relationships in batches of one (type, start label, end label), each matching
its two ends by key (the unique key indexes, made first by ensure_schema). Only the
Backend interface is used, so moving a store from the embedded engine to Neo4j, or back,
is an export on one and an import on the other.

A line that cannot be imported is reported with its number and reason, and the lines
around it still are: a line that is not a valid item, a node whose key another line
already gave (found when a batch's write is refused by the key constraint, then its rows
written one at a time), a relationship whose start or end no node line gave. A file
without its end line, or whose end line counts other than what was read, was cut short or
edited: that is reported too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.bounded_log import BoundedLog
from screengraph.graph.errors import BulkImportRefused, ConstraintViolation
from screengraph.graph.export_jsonl import BadLine, EndItem, Item, NodeItem, RelationshipItem
from screengraph.graph.export_read import NOT_EXPORTED
from screengraph.graph.schema import LAYOUT_LABEL

BATCH = 1000
TIME_LIMIT_MS = 600_000


@dataclass
class ImportSummary:
    nodes: int = 0
    relationships: int = 0
    rejects: BoundedLog[BadLine] = field(default_factory=BoundedLog)  # the first KEPT
    problems: list[str] = field(default_factory=list)  # about the file as a whole

    def line(self) -> str:
        text = f"imported {self.nodes:,} nodes and {self.relationships:,} relationships"
        if self.rejects:
            text += f"; {len(self.rejects):,} lines rejected"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "relationships": self.relationships,
            "rejected": [{"line": r.line, "reason": r.reason} for r in self.rejects],
            "rejected_count": len(self.rejects),
            "problems": self.problems,
        }


def _labels(labels: tuple[str, ...]) -> str:
    return "".join(f":`{label}`" for label in labels)


class GraphImport:
    """One import into one backend."""

    def __init__(
        self, backend: Backend, batch: int = BATCH, on_item: Callable[[int], None] = lambda n: None
    ):
        self.backend = backend
        self.batch = max(1, batch)
        self.on_item = on_item
        self.summary = ImportSummary()
        self._nodes: dict[tuple[str, ...], list[NodeItem]] = {}
        self._relationships: dict[tuple[str, str, str], list[RelationshipItem]] = {}
        self._pending_nodes = 0

    def check_target(self) -> None:
        """Refuse a store with data. A store `screengraph init` made holds only its layout
        node: that one is replaced by the export's (the layout the data was written in)."""
        others = " AND ".join(f"NOT n:`{label}`" for label in sorted({*NOT_EXPORTED, LAYOUT_LABEL}))
        if self.backend.run_read(f"MATCH (n) WHERE {others} RETURN count(n) > 0", max_rows=0).value(
            0
        ):
            raise BulkImportRefused(
                f"the {self.backend.name} graph is not empty: an export is imported into an "
                "empty store only (so the result is the exported graph). Import into a new "
                "store (another --data-dir, NEO4J_DATABASE or server), or empty this one "
                "first if it holds nothing you need."
            )

    def run(self, items: Iterable[Item]) -> ImportSummary:
        """Import the items; loads into the same store wait until it is done."""
        self.backend.ensure_schema()
        with self.backend.one_load_at_a_time():
            self.check_target()
            self.backend.run_write(f"MATCH (l:`{LAYOUT_LABEL}`) DELETE l")
            return self._run(items)

    def _run(self, items: Iterable[Item]) -> ImportSummary:
        end: EndItem | None = None
        read_nodes = read_relationships = 0
        for item in items:
            if isinstance(item, BadLine):
                self.summary.rejects.append(item)
            elif isinstance(item, NodeItem):
                read_nodes += 1
                self._add_node(item)
            elif isinstance(item, RelationshipItem):
                read_relationships += 1
                self._add_relationship(item)
            elif end is not None:
                self.summary.rejects.append(BadLine(item.line, "a second end line"))
            else:
                end = item
        self._flush_nodes()
        for shape in list(self._relationships):
            self._write_relationships(shape)
        if end is None:
            self.summary.problems.append(
                "the file has no end line: it was cut short (an export that did not finish, "
                "or a partial copy), so the graph imported is not the whole export"
            )
        elif (end.nodes, end.relationships) != (read_nodes, read_relationships):
            self.summary.problems.append(
                f"the end line (line {end.line}) counts {end.nodes:,} nodes and "
                f"{end.relationships:,} relationships, but {read_nodes:,} and "
                f"{read_relationships:,} were read: the file was edited or cut"
            )
        return self.summary

    # -- nodes --------------------------------------------------------------------

    def _add_node(self, item: NodeItem) -> None:
        rows = self._nodes.setdefault(item.labels, [])
        rows.append(item)
        self._pending_nodes += 1
        if len(rows) >= self.batch:
            self._write_nodes(item.labels)

    def _flush_nodes(self) -> None:
        for labels in list(self._nodes):
            self._write_nodes(labels)

    def _write_nodes(self, labels: tuple[str, ...]) -> None:
        items = self._nodes.pop(labels, [])
        if not items:
            return
        self._pending_nodes -= len(items)
        statement = f"UNWIND $rows AS r CREATE (n{_labels(labels)}) SET n = r.p"
        try:
            self._write(statement, [{"p": item.properties} for item in items])
            written = len(items)
        except ConstraintViolation:
            written = 0
            for item in items:  # find the lines whose key is taken
                try:
                    self._write(statement, [{"p": item.properties}])
                    written += 1
                except ConstraintViolation:
                    self.summary.rejects.append(
                        BadLine(
                            item.line,
                            f"a {':'.join(labels)} node with the key "
                            f"{item.properties['key']!r} is already imported (an "
                            "earlier line gives the same key)",
                        )
                    )
        self.summary.nodes += written
        self.on_item(len(items))

    # -- relationships ------------------------------------------------------------

    def _add_relationship(self, item: RelationshipItem) -> None:
        if self._pending_nodes:
            self._flush_nodes()  # its ends may be among the nodes not written yet
        shape = (item.type, item.start[0], item.end[0])
        rows = self._relationships.setdefault(shape, [])
        rows.append(item)
        if len(rows) >= self.batch:
            self._write_relationships(shape)

    def _write_relationships(self, shape: tuple[str, str, str]) -> None:
        items = self._relationships.pop(shape, [])
        if not items:
            return
        rel_type, start_label, end_label = shape
        made = self._write(
            f"UNWIND $rows AS r MATCH (a:`{start_label}` {{key: r.s}}) "
            f"MATCH (b:`{end_label}` {{key: r.e}}) CREATE (a)-[x:`{rel_type}`]->(b) "
            "SET x = r.p RETURN r.n",
            [
                {"n": item.line, "s": item.start[1], "e": item.end[1], "p": item.properties}
                for item in items
            ],
        ).rows
        written = {row[0] for row in made}
        for item in items:
            if item.line not in written:
                self.summary.rejects.append(
                    BadLine(
                        item.line,
                        f"no node line gives its start ({item.start[0]} "
                        f"{item.start[1]!r}) or its end ({item.end[0]} {item.end[1]!r})",
                    )
                )
        self.summary.relationships += len(written)
        self.on_item(len(items))

    def _write(self, statement: str, rows: list[dict[str, Any]]):
        return self.backend.run_write(statement, {"rows": rows}, timeout_ms=TIME_LIMIT_MS)
