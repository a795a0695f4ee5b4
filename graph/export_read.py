"""The graph read out for export: every node, then every relationship, a page at a time.

The export writers (JSON Lines, GraphML, neo4j-admin CSV) want nodes before the
relationships that join them, and must not hold the graph in memory. So nodes are read
label by label in pages of keys (key order, as graph/checksum.py reads them), and then
relationships by their start node, a page of start keys at a time: memory stays bounded by
a page and the busiest node's relationships, whatever the store's size.

Nodes come in key order, and the relationships of a start node in the order of their
type, end and properties: the same graph gives the same export, on either engine.

Items are the shapes the bulk paths already take (Backend.bulk_import,
graph/neo4j_import.py): a node is (label, properties with its key), a relationship
(type, (start label, key), (end label, key), properties). Only the Backend interface is
used, so it runs on either engine.

Not exported: the Neo4j load lease (graph/neo4j_lease.py), which says who is loading into
that server now, and the load history (graph/schema.py HISTORY_LABELS: who loaded what, and
each batch's change record), which is the store's own account of its loads, kept by its
backups, not part of the catalogue (the canonical checksum leaves it out too); an import
starts the new store's history. Nodes without a `key` cannot be the end of an
exported relationship and the model has none; they are counted and left out
(`ExportReader.keyless`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.checksum import canonical
from screengraph.graph.neo4j_lease import LEASE_LABEL
from screengraph.graph.schema import HISTORY_LABELS

PAGE = 1000
TIME_LIMIT_MS = 600_000
NOT_EXPORTED = frozenset({LEASE_LABEL, *HISTORY_LABELS})

Node = tuple[str, dict[str, Any]]
Relationship = tuple[str, tuple[str, str], tuple[str, str], dict[str, Any]]


def exported_labels(backend: Backend) -> list[str]:
    rows = backend.run_read("CALL db.labels() YIELD label RETURN label", max_rows=0).rows
    return sorted({row[0] for row in rows} - NOT_EXPORTED)


def _label_of(labels: list[str]) -> str:
    """A node's label in the export: the model gives each node one; a node with more is
    written under the first in name order (and read once, under that one)."""
    return sorted(labels)[0]


@dataclass
class ExportReader:
    """One pass over a backend's graph for one export."""

    backend: Backend
    page: int = PAGE
    keyless: int = 0

    def counts(self) -> tuple[int, int]:
        """How many nodes and relationships the export will hold (for a progress bar)."""
        nodes = sum(
            self.backend.run_read(
                f"MATCH (n:`{label}`) WHERE n.key IS NOT NULL RETURN count(n)",
                max_rows=0,
                timeout_ms=TIME_LIMIT_MS,
            ).value(0)
            for label in exported_labels(self.backend)
        )
        relationships = self.backend.run_read(
            "MATCH ()-[r]->() RETURN count(r)", max_rows=0, timeout_ms=TIME_LIMIT_MS
        ).value(0)
        return nodes, relationships

    def _key_pages(self, label: str) -> Iterator[list[list[Any]]]:
        return self.backend.keyed_pages(
            label, "labels(n), properties(n)", self.page, timeout_ms=TIME_LIMIT_MS
        )

    def nodes(self) -> Iterator[Node]:
        for label in exported_labels(self.backend):
            for rows in self._key_pages(label):
                for _key, labels, properties in rows:
                    if _label_of(labels) == label:
                        yield label, properties
            self.keyless += self.backend.run_read(
                f"MATCH (n:`{label}`) WHERE n.key IS NULL RETURN count(n)",
                max_rows=0,
                timeout_ms=TIME_LIMIT_MS,
            ).value(0)

    def relationships(self) -> Iterator[Relationship]:
        for label in exported_labels(self.backend):
            for rows in self._key_pages(label):
                keys = [row[0] for row in rows if _label_of(row[1]) == label]
                yield from relationships_from(self.backend, label, keys)


def relationships_from(
    backend: Backend, label: str, keys: list[str], among: Iterable[tuple[str, str]] | None = None
) -> Iterator[Relationship]:
    """The relationships that start at these nodes of one label; with `among`, only those
    that end at one of those (label, key) pairs."""
    ends = None if among is None else set(among)
    rows = backend.run_read(
        f"UNWIND $keys AS k MATCH (a:`{label}` {{key: k}})-[r]->(b) WHERE b.key IS NOT NULL "
        "RETURN a.key, type(r), labels(b), b.key, properties(r)",
        {"keys": keys},
        max_rows=0,
        timeout_ms=TIME_LIMIT_MS,
    ).rows
    # In one order whatever the engine's, so one graph always gives the same export.
    rows.sort(key=lambda row: (row[0], row[1], _label_of(row[2]), row[3], canonical(row[4])))
    for start_key, rel_type, end_labels, end_key, properties in rows:
        end = (_label_of(end_labels), end_key)
        if ends is None or end in ends:
            yield rel_type, (label, start_key), end, properties


def subgraph(
    backend: Backend, members: Iterable[tuple[str, str]]
) -> tuple[list[Node], list[Relationship]]:
    """Some nodes, given as (label, key), with every property, and the relationships
    among them: a query's or an entity's neighbourhood, for the web app's downloads.
    The caller bounds how many nodes it asks for."""
    by_label: dict[str, list[str]] = {}
    for label, key in dict.fromkeys(members):
        if label not in NOT_EXPORTED:
            by_label.setdefault(label, []).append(key)
    nodes: list[Node] = []
    found: list[tuple[str, str]] = []
    for label, keys in sorted(by_label.items()):
        rows = backend.run_read(
            f"UNWIND $keys AS k MATCH (n:`{label}` {{key: k}}) RETURN n.key, properties(n) "
            "ORDER BY n.key",
            {"keys": keys},
            max_rows=0,
        ).rows
        nodes += [(label, properties) for _key, properties in rows]
        found += [(label, key) for key, _ in rows]
    relationships: list[Relationship] = []
    for label in sorted(by_label):
        keys = [key for found_label, key in found if found_label == label]
        relationships += relationships_from(backend, label, keys, among=found)
    return nodes, relationships
