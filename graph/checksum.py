"""A canonical checksum of a whole graph, and a readable account of how two differ.

Two graphs with the same nodes (labels and every property) and the same relationships
(type, both ends by label and key, every property) have the same checksum, whichever
engine ids, creation order or page boundaries they had. It is the one answer to "is this
the graph I expect?" for the loader's fault tests, undo and export.

Nodes are read label by label, relationships by their start node's label, a page of keys
at a time in key order (memory stays bounded by a page and the busiest node's edges).
Each item becomes one canonical JSON line; a section's digest (a label, or a relationship
type) is the sum of its lines' SHA-256 values modulo 2^256, so it does not depend on the
order an engine returns rows in or where pages start. Per page of keys the checksum also
keeps the first key and a digest, so a difference can be located: `describe_difference`
names the labels and types whose counts or contents differ and the first key range that
differs, and `first_differences` lists the differing items of two live graphs.

The load history and curation decisions (graph/schema.py RECORD_LABELS: who loaded what,
what each batch replaced, who merged what) record how the catalogue was made, not what it
holds: they are left out, so an undo or a split can be checked against the checksum taken
before the load or merge it reverses.

Only the Backend interface is used, so it runs on either engine. Nodes without a `key`
are read in one go (the model has none); relationships between them are not covered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.schema import LISTING_LABEL, RECORD_LABELS

PAGE = 1000
TIME_LIMIT_MS = 600_000
_MODULUS = 2**256

# Properties that record when something was written rather than what: two loads of the
# same listings at different times differ only there.
LOAD_TIMES: Mapping[str, frozenset[str]] = {LISTING_LABEL: frozenset({"loaded_at"})}


@dataclass
class Page:
    first_key: str
    count: int = 0
    digest: int = 0


@dataclass
class Section:
    """One label's nodes or one type's relationships."""

    count: int = 0
    digest: int = 0
    pages: list[Page] = field(default_factory=list)

    def add(self, line: str, page_key: str) -> None:
        value = int.from_bytes(hashlib.sha256(line.encode("utf-8", "surrogatepass")).digest())
        if not self.pages or self.pages[-1].first_key != page_key:
            self.pages.append(Page(page_key))
        page = self.pages[-1]
        page.count += 1
        page.digest = (page.digest + value) % _MODULUS
        self.count += 1
        self.digest = (self.digest + value) % _MODULUS


@dataclass
class GraphChecksum:
    """Sections are named "node:<label>" and "rel:<type>"; empty ones are left out."""

    sections: dict[str, Section]

    @property
    def digest(self) -> str:
        text = "\n".join(
            f"{name} {section.count} {section.digest:064x}"
            for name, section in sorted(self.sections.items())
            if section.count
        )
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def counts(self) -> dict[str, int]:
        return {name: s.count for name, s in sorted(self.sections.items()) if s.count}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GraphChecksum) and self.digest == other.digest

    def __repr__(self) -> str:
        return f"GraphChecksum({self.digest[:16]}, {self.counts})"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


# Properties that are sets kept as lists: the edges an Assertion says its listing asserts
# (docs/data-model.md, "Provenance"). The loaders write them sorted; compared as sets, a
# store written in another order (an import of someone else's export) still compares equal.
SET_VALUED = frozenset({"edges"})


def _kept(properties: Mapping[str, Any], ignored: frozenset[str]) -> dict[str, Any]:
    return {
        k: sorted(v) if k in SET_VALUED and isinstance(v, list) else v
        for k, v in properties.items()
        if k not in ignored and v is not None
    }


def _labels(backend: Backend) -> list[str]:
    # Under the checksum's own limit like its other reads: right after a restart (a bulk
    # import) Neo4j's first reads wait for its indexes, past the 2 s a page may take.
    rows = backend.run_read(
        "CALL db.labels() YIELD label RETURN label", max_rows=0, timeout_ms=TIME_LIMIT_MS
    ).rows
    return sorted({row[0] for row in rows} - set(RECORD_LABELS))


def _key_pages(backend: Backend, label: str) -> Iterator[list[list[Any]]]:
    """Pages of [key, labels, properties] of the keyed nodes of one label, in key order."""
    return backend.keyed_pages(label, "labels(n), properties(n)", PAGE, timeout_ms=TIME_LIMIT_MS)


def _node_line(
    labels: list[str], properties: Mapping[str, Any], ignore: Mapping[str, frozenset[str]]
) -> str:
    ignored = frozenset().union(*(ignore.get(label, frozenset()) for label in labels))
    return canonical([sorted(labels), _kept(properties, ignored)])


def _relationships(backend: Backend, label: str, keys: list[str]) -> list[list[Any]]:
    return backend.run_read(
        f"UNWIND $keys AS k MATCH (a:`{label}` {{key: k}})-[r]->(b) "
        "RETURN a.key, type(r), labels(b), b.key, properties(r)",
        {"keys": keys},
        max_rows=0,
        timeout_ms=TIME_LIMIT_MS,
    ).rows


def _end(labels: list[str], key: Any) -> list[Any]:
    return [sorted(labels), key]


def graph_checksum(
    backend: Backend, ignore: Mapping[str, frozenset[str]] | None = None
) -> GraphChecksum:
    """The checksum of everything in the backend's graph. `ignore` leaves out properties
    by label or relationship type (e.g. LOAD_TIMES)."""
    ignore = ignore or {}
    sections: dict[str, Section] = {}
    for label in _labels(backend):
        nodes = sections.setdefault(f"node:{label}", Section())
        for rows in _key_pages(backend, label):
            first = str(rows[0][0])
            for _key, labels, properties in rows:
                nodes.add(_node_line(labels, properties, ignore), first)
            for start_key, rel_type, end_labels, end_key, properties in _relationships(
                backend, label, [row[0] for row in rows]
            ):
                line = canonical(
                    [
                        rel_type,
                        [label, start_key],
                        _end(end_labels, end_key),
                        _kept(properties, ignore.get(rel_type, frozenset())),
                    ]
                )
                sections.setdefault(f"rel:{rel_type}", Section()).add(line, first)
        for labels, properties in backend.run_read(
            f"MATCH (n:`{label}`) WHERE n.key IS NULL RETURN labels(n), properties(n)",
            max_rows=0,
            timeout_ms=TIME_LIMIT_MS,
        ).rows:
            nodes.add(_node_line(labels, properties, ignore), "")
    unlabelled = backend.run_read(
        "MATCH (n) WHERE size(labels(n)) = 0 RETURN properties(n)",
        max_rows=0,
        timeout_ms=TIME_LIMIT_MS,
    ).rows
    for (properties,) in unlabelled:
        sections.setdefault("node:", Section()).add(_node_line([], properties, ignore), "")
    return GraphChecksum(sections)


def describe_difference(
    a: GraphChecksum, b: GraphChecksum, names: tuple[str, str] = ("a", "b"), limit: int = 10
) -> str:
    """A few lines for a test failure: counts by label and type, and where contents differ."""
    if a == b:
        return "the graphs are identical"
    lines = []
    for name in sorted(set(a.sections) | set(b.sections)):
        left, right = a.sections.get(name, Section()), b.sections.get(name, Section())
        if left.digest == right.digest and left.count == right.count:
            continue
        where = ""
        for page_a, page_b in zip(left.pages, right.pages):
            if (page_a.first_key, page_a.count, page_a.digest) != (
                page_b.first_key,
                page_b.count,
                page_b.digest,
            ):
                where = f"; first difference in the page of keys from {page_a.first_key!r}"
                break
        else:
            shorter = min(len(left.pages), len(right.pages))
            extra = (
                (left.pages or right.pages)[shorter:]
                if shorter < max(len(left.pages), len(right.pages))
                else []
            )
            if extra:
                where = f"; pages from key {extra[0].first_key!r} on one side only"
        lines.append(f"{name}: {names[0]} {left.count:,}, {names[1]} {right.count:,}{where}")
        if len(lines) >= limit:
            break
    return "\n".join(lines)


def _items(backend: Backend, ignore: Mapping[str, frozenset[str]]) -> Iterator[tuple]:
    """Every item as (label, key, kind, canonical line), in that order: a node, then the
    relationships that start at it (for comparing two live graphs)."""
    for label in _labels(backend):
        for rows in _key_pages(backend, label):
            items = [
                (label, str(key), 0, _node_line(labels, properties, ignore))
                for key, labels, properties in rows
            ]
            items += [
                (
                    label,
                    str(start_key),
                    1,
                    canonical(
                        [
                            rel_type,
                            _end(end_labels, end_key),
                            _kept(properties, ignore.get(rel_type, frozenset())),
                        ]
                    ),
                )
                for start_key, rel_type, end_labels, end_key, properties in _relationships(
                    backend, label, [row[0] for row in rows]
                )
            ]
            yield from sorted(items)


def first_differences(
    a: Backend, b: Backend, limit: int = 5, ignore: Mapping[str, frozenset[str]] | None = None
) -> list[str]:
    """The first items found in one live graph and not the other, in key order, for
    showing what a checksum difference is made of."""
    ignore = ignore or {}
    left, right = _items(a, ignore), _items(b, ignore)
    x, y = next(left, None), next(right, None)
    found: list[str] = []
    while (x is not None or y is not None) and len(found) < limit:
        if x == y:
            x, y = next(left, None), next(right, None)
        elif x is not None and (y is None or x < y):
            found.append(f"only in the first: {_shown(x)}")
            x = next(left, None)
        elif y is not None:  # always, as x and y are not both None
            found.append(f"only in the second: {_shown(y)}")
            y = next(right, None)
    return found


def _shown(item: tuple) -> str:
    label, key, kind, line = item
    return f"{'node' if kind == 0 else 'relationship from'} {label} {key!r}: {line[:300]}"
