"""The change record of one or more loads, item by item: for every listing, node, edge and
Assertion the loads' batches wrote, what happened to it, in the order the batches ran
(docs/data-model.md, "Load history and changes").

A batch's LoadChange names what it CREATEd; its Replaced nodes hold what it changed or
deleted, as it was before. So the first event of an item in a run of loads says what the
store held before them: nothing (it was created) or the first image. Within one batch the
statement creates before it changes or prunes anything (loaders/statements.py), so a
creation comes first there. `loaders/changes.py` (diffs) and `loaders/undo.py` read this.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.schema import (
    ASSERTION_LABEL,
    CHANGE_LABEL,
    LISTING_LABEL,
    RELATIONSHIPS,
    REPLACED_LABEL,
    Label,
    RelType,
)

SEP = "\t"  # a created node: "<label>\t<key>"; an Assertion's key: "<listing>\t<show>"
EDGE_SEP = "|"  # an edge's identity: "<type>|<start key>|<end key>|<role>" (plan.edge)
MARKS = frozenset({"_change", "_load", "_label", "_edge", "_removed", "_step"})

_CHANGES = (
    f"UNWIND $loads AS load MATCH (c:{CHANGE_LABEL} {{load: load}}) RETURN c.key, "
    "c.created_listings, c.created_nodes, c.created_edges, c.created_edge_groups ORDER BY c.key"
)
_REPLACED = (
    f"UNWIND $loads AS load MATCH (v:{REPLACED_LABEL} {{_load: load}}) "
    "RETURN properties(v) ORDER BY v._change"
)


@dataclass
class Event:
    """What one batch did to one item: created it, or changed it (`image`: as it was
    before), or deleted it (`removed`, with its image)."""

    batch: str
    created: bool = False
    image: dict[str, Any] | None = None
    removed: bool = False


@dataclass
class ChangeRecord:
    """Events per item, in batch order: listings by id, nodes by (label, key), edges by
    identity, Assertions by key."""

    listings: dict[str, list[Event]] = field(default_factory=dict)
    nodes: dict[tuple[str, str], list[Event]] = field(default_factory=dict)
    edges: dict[str, list[Event]] = field(default_factory=dict)
    assertions: dict[str, list[Event]] = field(default_factory=dict)
    last_batch: str = ""

    def parts(self) -> Iterator[dict[Any, list[Event]]]:
        yield from (self.listings, self.nodes, self.edges, self.assertions)


def edge_identity(rel_type: str, start: str, end: str, role: str | None) -> str:
    return EDGE_SEP.join((rel_type, start, end, role or ""))


def edge_parts(identity: str) -> tuple[str, str, str, str | None]:
    """(type, start key, end key, role or None) of an edge's identity."""
    rel_type, start, end, role = identity.split(EDGE_SEP, 3)
    return rel_type, start, end, role or None


def edge_ends(identity: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The (label, key) of both ends of an edge, from its identity and the schema."""
    rel_type, start, end, _ = edge_parts(identity)
    start_label, end_label = RELATIONSHIPS[RelType(rel_type)]
    return (start_label.value, start), (end_label.value, end)


def group_identities(text: str) -> list[str]:
    """The edges of one created row: "<type>\t<show key>\t<role>\t<other key>..."; the
    show is the end of a relationship that ends at a show (credits, EPISODE_OF's series),
    else its start (MADE_BY, IN_GENRE)."""
    rel_type, show, role, *others = text.split(SEP)
    show_is_end = RELATIONSHIPS[RelType(rel_type)][1] is Label.SHOW
    return [
        edge_identity(rel_type, other, show, role)
        if show_is_end
        else edge_identity(rel_type, show, other, role)
        for other in others
    ]


def image_of(properties: dict[str, Any]) -> dict[str, Any]:
    """A Replaced node's copy of what it kept, without its marks."""
    return {name: value for name, value in properties.items() if name not in MARKS}


def read_record(
    backend: Backend, loads: Iterable[str], timeout_ms: int | None = None
) -> ChangeRecord:
    """The change record of these loads (ids), merged in batch order (`timeout_ms`: the
    reads' limit, when not the backend's query limit: an undo reads a big load's whole)."""
    wanted = sorted(set(loads))
    record = ChangeRecord()
    events: list[tuple[str, int, Any, Any, Event]] = []
    for batch, listings, nodes, edges, groups in backend.run_read(
        _CHANGES, {"loads": wanted}, max_rows=0, timeout_ms=timeout_ms
    ).rows:
        made = Event(batch, created=True)
        events.extend((batch, 0, record.listings, item, made) for item in listings or [])
        for text in nodes or []:
            label, key = text.split(SEP, 1)
            events.append((batch, 0, record.nodes, (label, key), made))
        for text in groups or []:
            events.extend((batch, 0, record.edges, e, made) for e in group_identities(text))
        events.extend((batch, 0, record.edges, e, made) for e in edges or [])
    for (properties,) in backend.run_read(
        _REPLACED, {"loads": wanted}, max_rows=0, timeout_ms=timeout_ms
    ).rows:
        batch = properties["_change"]
        kept = Event(batch, image=image_of(properties), removed=bool(properties.get("_removed")))
        step = 1 + (properties.get("_step") or 0)  # the part of the statement that kept it
        if properties.get("_edge"):
            events.append((batch, step, record.edges, properties["_edge"], kept))
        elif properties["_label"] == LISTING_LABEL:
            events.append((batch, step, record.listings, properties["key"], kept))
        elif properties["_label"] == ASSERTION_LABEL:
            events.append((batch, step, record.assertions, properties["key"], kept))
        else:
            item = (properties["_label"], properties["key"])
            events.append((batch, step, record.nodes, item, kept))
    # Sorted by batch, creations first, then images in the order the statement's parts
    # ran (an image kept by a later part of the batch holds what an earlier part wrote).
    events.sort(key=lambda event: (event[0], event[1]))
    for batch, _, part, item, event in events:
        part.setdefault(item, []).append(event)
        record.last_batch = max(record.last_batch, batch)
    return record
