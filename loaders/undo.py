"""Undo a load: take back what it asserted that no other listing asserts, and put back what
it replaced, so that the catalogue is again what it was before the load (the canonical
checksum, graph/checksum.py, is the same; the history is kept and says so).

What the store held before a load is its change record (loaders/change_record.py): the
first image of each listing, node, edge and Assertion it changed or deleted, and what it
created. Counts are taken back by what the load's listings asserted: an edge's
`asserted_by` before the load is its count now, less the load's listings asserting it
now, plus those of its updated listings that asserted it before (an edge MERGEd by a
load without a property change leaves no image, only a count one higher). Degrees are
recounted from the edges, as loads do (loaders/statements.py DEGREES).

Later loads depend on the load where undoing it would undo some of theirs: a value they
changed of an item whose image the undo puts back, or an edge they wrote or asserted onto
what the load created (Footprint). The undo refuses, naming them, unless told to cascade
(they are undone first, newest first).

An undo is planned, then applied in steps (`UndoStep` nodes, written before the first
step applies). Each step sets items to absolute values (a node's properties as they were,
an edge deleted if there) and deletes itself in the same statement, so a step applied
twice does no harm and an undo killed midway is finished by running it again: the
embedded store does not roll back a failed write, so a step must be safe to repeat. The
undo runs under the load lock; while one is unfinished, loads refuse to start
(loaders/history.py UndoUnfinished). Merge and split decisions are not loads: an undo
leaves them alone.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from screengraph.graph.backend import Backend, Results
from screengraph.graph.errors import GraphError
from screengraph.graph.export_read import (
    NOT_EXPORTED,  # the history and the load lease: not catalogue
)
from screengraph.graph.schema import (
    ASSERTED_BY,
    ASSERTION_LABEL,
    DECISION_LABEL,
    LAYOUT_LABEL,
    LISTING_LABEL,
    LOAD_LABEL,
    RECORD_LABELS,
    RELATIONSHIPS,
    ROLE_TYPES,
    UNDO_STEP_LABEL,
    Label,
)
from screengraph.loaders.change_record import (
    ChangeRecord,
    Event,
    edge_ends,
    edge_parts,
    read_record,
)
from screengraph.loaders.changes import (
    DIFF_COLUMNS,
    current_edges,
    edge_text,
    edges_after,
    nodes_after,
    values_text,
)
from screengraph.loaders.history import (
    FINISHED,
    UNDO_KIND,
    LoadOrigin,
    find_load,
    new_load_id,
    unfinished_undo,
)
from screengraph.loaders.plan import assertion_key
from screengraph.loaders.statements import DEGREES, OLD_ASSERTIONS
from screengraph.loaders.writer import ListingWriter

STEP_ROWS = 500  # items per step: one statement each
SHOWN_REASONS = 5  # items named per dependent load in a refusal
_HUBS = tuple(DEGREES)  # labels with a degree: people, companies, genres
_NODE_LABELS = (Label.SHOW.value, *_HUBS)
_ROLE_TYPES = {rel.value for rel in ROLE_TYPES}
_ALL_ROWS = 10_000  # a bulk load's undo deletes this many nodes per statement


class UndoRefused(GraphError):
    """The undo cannot run as asked; the message says why and what to do."""


# -- the steps: one statement per kind, rows in `$rows` --------------------------------


def _step_statements() -> dict[str, tuple[str, str]]:
    """Each step's statement and the name of its rows parameter; all set absolute values."""
    found: dict[str, tuple[str, str]] = {}
    for label in (*_NODE_LABELS, LISTING_LABEL, ASSERTION_LABEL):
        found[f"restore.{label}"] = (
            f"UNWIND $rows AS r MERGE (n:{label} {{key: r[0]}}) SET n = r[1]",
            "rows",
        )
        found[f"delete.{label}"] = (
            f"UNWIND $rows AS k MATCH (n:{label} {{key: k}}) DETACH DELETE n",
            "rows",
        )
    found["delete_assertions_of"] = (
        f"UNWIND $rows AS k MATCH (a:{ASSERTION_LABEL} {{listing: k}}) DELETE a",
        "rows",
    )
    for rel_type, (start, end) in RELATIONSHIPS.items():
        ends = f"MATCH (a:{start.value} {{key: e[0]}}) MATCH (b:{end.value} {{key: e[1]}}) "
        found[f"delete.{rel_type.value}"] = (
            f"UNWIND $rows AS e {ends}MATCH (a)-[r:{rel_type.value}]->(b) "
            "WHERE coalesce(r.role, '') = e[2] DELETE r",
            "rows",
        )
        role = " {role: e[2]}" if rel_type.value in _ROLE_TYPES else ""
        found[f"restore.{rel_type.value}"] = (
            f"UNWIND $rows AS e {ends}MERGE (a)-[r:{rel_type.value}{role}]->(b) SET r = e[3]",
            "rows",
        )
    for label, statement in DEGREES.items():
        found[f"recount.{label}"] = (statement, "keys")
    found["layout"] = (
        f"UNWIND $rows AS r MATCH (l:{LAYOUT_LABEL} {{key: 'layout'}}) SET l.identified = r[0]",
        "rows",
    )
    return found


STEPS = _step_statements()
# The order steps apply in: nodes before the edges between them; deletions of nodes last.
STEP_ORDER = (
    *(f"restore.{label}" for label in _NODE_LABELS),
    f"restore.{LISTING_LABEL}",
    f"restore.{ASSERTION_LABEL}",
    f"delete.{ASSERTION_LABEL}",
    *(f"delete.{rel.value}" for rel in RELATIONSHIPS),
    *(f"restore.{rel.value}" for rel in RELATIONSHIPS),
    "delete_assertions_of",
    f"delete.{LISTING_LABEL}",
    *(f"delete.{label}" for label in _NODE_LABELS),
    *(f"recount.{label}" for label in _HUBS),
    "layout",
)
CLEAR = "clear"  # a bulk load's undo: every catalogue node goes (the graph was empty)

_WRITE_STEPS = (
    f"UNWIND $steps AS s CREATE (n:{UNDO_STEP_LABEL}) SET n.key = s[0], n.undo = $undo, "
    "n.target = $target, n.op = s[1], n.rows = s[2]"
)
_READ_STEPS = (
    f"MATCH (n:{UNDO_STEP_LABEL} {{undo: $undo, target: $target}}) "
    "RETURN n.key, n.op, n.rows ORDER BY n.key"
)
_DROP_STEPS = f"MATCH (n:{UNDO_STEP_LABEL} {{undo: $undo}}) DELETE n"
_DONE_STEP = f" WITH count(*) AS _ MATCH (s:{UNDO_STEP_LABEL} {{key: $step}}) DELETE s"
_CLEAR = (
    "MATCH (n) WHERE NOT any(label IN labels(n) WHERE label IN $history) "
    f"WITH n LIMIT {_ALL_ROWS} DETACH DELETE n RETURN count(*)"
)
_SET_LOAD = f"MATCH (l:{LOAD_LABEL} {{key: $key}}) SET l += $properties"
_START = f"CREATE (l:{LOAD_LABEL}) SET l = $properties"
# Loads not undone; those after a load are picked in Python (loaders/changes.py _LOADS).
_STANDING = (
    f"MATCH (l:{LOAD_LABEL}) WHERE coalesce(l.kind, '') <> '{UNDO_KIND}' "
    "AND l.undone_by IS NULL RETURN properties(l)"
)


_ALL_LOADS = (
    f"MATCH (l:{LOAD_LABEL}) WHERE coalesce(l.kind, '') <> '{UNDO_KIND}' "
    "RETURN {key: l.key, undone_by: l.undone_by, identified_before: l.identified_before}"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- what a load touched: for dependencies ---------------------------------------------


@dataclass
class Footprint:
    """What a load wrote, as "L:", "N:", "E:" strings (listings, nodes, edges).

    `rewrites`: every item its undo would set back from its change record (all it wrote,
    even a value written again unchanged). `changed`: the items whose values it did change
    (created, deleted, or a property it left different), where a later load's undo would
    meet an earlier one's. `counted`: the edges its listings began or stopped asserting
    (their counts moved: an undo takes counts back by difference, so only deleting an
    edge, one an earlier load created, would break them). `ends`: the nodes those and its
    changed edges need."""

    load: dict[str, Any]
    rewrites: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    counted: set[str] = field(default_factory=set)
    ends: set[str] = field(default_factory=set)
    bulk: bool = False

    def meets(self, earlier: Footprint) -> list[str]:
        """What of `earlier`'s this (later) load changed, or built on, sorted: what undoing
        `earlier` while this load stands would undo of this load's too."""
        if earlier.bulk:  # everything in the graph is a bulk load's
            return ["the whole graph (a bulk load made it)"]
        found = (self.changed & earlier.rewrites) | ((self.ends | self.counted) & earlier.created)
        return sorted(found, key=lambda item: (_KINDS.index(item[0]), item))


_KINDS = "LNE"  # how a refusal lists what a later load changed: listings, nodes, edges


def _node(label: str, key: str) -> str:
    return f"N:{label}\t{key}"


def _assertions(backend: Backend, listings: list[str]) -> dict[str, dict[str, set[str]]]:
    """What these listings assert now: {listing: {show: {edge identities}}}."""
    found: dict[str, dict[str, set[str]]] = {listing: {} for listing in listings}
    for i in range(0, len(listings), 5000):
        for listing, show, edges in backend.run_read(
            OLD_ASSERTIONS,
            {"keys": listings[i : i + 5000]},
            max_rows=0,
            timeout_ms=backend.write_timeout_ms,
        ).rows:
            found.setdefault(listing, {})[show] = set(edges or ())
    return found


def footprint(backend: Backend, load: dict[str, Any]) -> Footprint:
    found = Footprint(load, bulk=not load.get("changes"))
    if found.bulk:
        return found
    record = read_record(backend, [load["id"]], backend.write_timeout_ms)
    found.rewrites.update(f"L:{key}" for key in record.listings)
    found.changed.update(f"L:{key}" for key in record.listings)
    after = record.last_batch
    kept = [
        item
        for item, events in record.nodes.items()
        if not (events[0].created or events[-1].removed)
    ]
    node_after = nodes_after(backend, kept, after)
    for (label, key), events in record.nodes.items():
        item = _node(label, key)
        found.rewrites.add(item)
        if events[0].created:
            found.created.add(item)
        if (label, key) not in kept or node_after.get((label, key)) != events[0].image:
            found.changed.add(item)
    kept_edges = [
        identity
        for identity, events in record.edges.items()
        if not (events[0].created or events[-1].removed)
    ]
    edge_after = edges_after(backend, kept_edges, after)
    for identity, events in record.edges.items():
        item = f"E:{identity}"
        found.rewrites.add(item)
        if events[0].created:
            found.created.add(item)
        if identity not in edge_after or _uncounted(edge_after[identity]) != _uncounted(
            events[0].image
        ):
            found.changed.add(item)
            found.ends.update(_node(*end) for end in edge_ends(identity))
    found.counted = {f"E:{identity}" for identity in _recounted(backend, record)}
    for item in found.counted:
        found.ends.update(_node(*end) for end in edge_ends(item[2:]))
    return found


def _uncounted(properties: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (properties or {}).items() if k != ASSERTED_BY}


def _recounted(backend: Backend, record: ChangeRecord) -> set[str]:
    """The edges a load's listings began or stopped asserting: every edge of the
    Assertions it created, and those an Assertion it rewrote or deleted gained or lost
    (as its listings assert them now, against the image it replaced)."""
    now = _assertions(backend, sorted(record.listings))
    found: set[str] = set()
    for key, events in record.assertions.items():
        listing, show = key.split("\t", 1)
        before = set((events[0].image or {}).get("edges") or ())
        current = now.get(listing, {}).get(show, set())
        found |= current if events[0].created else before ^ current
    return found


_MERGES = (
    f"MATCH (d:{DECISION_LABEL} {{status: 'merged'}}) RETURN d.key, d.label, d.survivor, d.merged"
)


def later_merges(backend: Backend, load: dict[str, Any]) -> list[str]:
    """The merges (still merged) made after this load of an entity it wrote or linked to:
    an undo would put back what the merge took away, so it waits for their split."""
    rows = [row for row in backend.run_read(_MERGES, max_rows=0).rows if row[0] > load["id"]]
    if not rows or not load.get("changes"):
        return [f"decision {key} ({merged} into {survivor})" for key, _, survivor, merged in rows]
    mine = footprint(backend, load)
    return [
        f"decision {key} ({merged} into {survivor})"
        for key, label, survivor, merged in rows
        if {_node(label, survivor), _node(label, merged)} & (mine.rewrites | mine.ends)
    ]


@dataclass
class Dependent:
    load: dict[str, Any]
    items: list[str]

    def reason(self) -> str:
        shown = ", ".join(_readable(item) for item in self.items[:SHOWN_REASONS])
        more = len(self.items) - SHOWN_REASONS
        return (
            f"load {self.load['key']} (started {self.load.get('started_at')}, by "
            f"{self.load.get('by')}) changed {shown}" + (f" and {more} more" if more > 0 else "")
        )


def _readable(item: str) -> str:
    kind, _, what = item.partition(":")
    if kind == "L":
        return f"listing {what}"
    if kind == "N":
        return what.replace("\t", " ", 1)
    if kind == "E":
        rel_type, start, end, role = edge_parts(what)
        return f"{rel_type} {start} -> {end}" + (f" ({role})" if role else "")
    return item


def standing_after(backend: Backend, load_id: str) -> list[dict[str, Any]]:
    """The loads after this one that are not undone, oldest first."""
    standing = [properties for (properties,) in backend.run_read(_STANDING, max_rows=0).rows]
    return sorted(
        (found for found in standing if found["key"] > load_id), key=lambda found: found["key"]
    )


def dependents(backend: Backend, load: dict[str, Any]) -> list[Dependent]:
    """The later loads (not undone) that changed what this one wrote, or built on it, and
    those that depend on them in turn; oldest first."""
    chain = [footprint(backend, load)]
    found: list[Dependent] = []
    for properties in standing_after(backend, load["id"]):
        later = {**properties, "id": properties["key"]}
        mine = footprint(backend, later)
        items = list(dict.fromkeys(item for earlier in chain for item in mine.meets(earlier)))
        if items:
            chain.append(mine)
            found.append(Dependent(later, items))
    return found


# -- the plan ---------------------------------------------------------------------------


def _first(events: list[Event]) -> Event:
    return events[0]


def plan_undo(backend: Backend, load: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """The steps that put back what the store held before this load: (step, rows)."""
    if not load.get("changes"):
        return [(CLEAR, [])]
    record = read_record(backend, [load["id"]], backend.write_timeout_ms)
    steps: dict[str, list[Any]] = defaultdict(list)
    listings = sorted(record.listings)
    now = _assertions(backend, listings)
    before: dict[str, dict[str, set[str]]] = {}  # what updated listings asserted before
    for key, events in record.listings.items():
        first = _first(events)
        if first.created:
            steps["delete_assertions_of"].append(key)
            steps[f"delete.{LISTING_LABEL}"].append(key)
            continue
        image = first.image or {}
        steps[f"restore.{LISTING_LABEL}"].append([key, image])
        before[key] = {}
        for show in image.get("shows") or []:
            kept = record.assertions.get(assertion_key(key, show))
            if kept:
                old = _first(kept).image or {}
                steps[f"restore.{ASSERTION_LABEL}"].append([assertion_key(key, show), old])
                before[key][show] = set(old.get("edges") or ())
            else:  # not rewritten by the load: as it is now
                before[key][show] = now.get(key, {}).get(show, set())
        steps[f"delete.{ASSERTION_LABEL}"].extend(
            assertion_key(key, show) for show in sorted(set(now.get(key, {})) - set(before[key]))
        )
    for (label, key), events in record.nodes.items():
        first = _first(events)
        if first.created:
            steps[f"delete.{label}"].append(key)
        else:
            steps[f"restore.{label}"].append([key, first.image or {}])
    _plan_edges(backend, record, now, before, steps)
    deleted = {(label, key) for label in _NODE_LABELS for key in steps[f"delete.{label}"]}
    hubs: dict[str, set[str]] = defaultdict(set)
    for label, key in record.nodes:
        if label in DEGREES:
            hubs[label].add(key)
    for identity in (
        record.edges.keys()
        | {e for shows in now.values() for s in shows.values() for e in s}
        | {e for shows in before.values() for s in shows.values() for e in s}
    ):
        for label, key in edge_ends(identity):
            if label in DEGREES:
                hubs[label].add(key)
    for label, keys in hubs.items():
        steps[f"recount.{label}"].extend(sorted(k for k in keys if (label, k) not in deleted))
    identified = _identified_before(backend, load["id"])
    if identified is not None:
        steps["layout"].append([json.loads(identified)])
    return [(name, steps[name]) for name in STEP_ORDER if steps.get(name)]


def _identified_before(backend: Backend, load_id: str) -> str | None:
    """The layout's labels with identified nodes (as JSON) once this load is undone: as
    the first load after the last one that stays found them (loads undone out of order
    since then did not put the list back). None: leave it (a later load stays, and may
    have identified nodes of a label this one added; or loads of earlier versions did not
    record it)."""
    if standing_after(backend, load_id):
        return None
    loads = sorted(
        (properties for (properties,) in backend.run_read(_ALL_LOADS, max_rows=0).rows),
        key=lambda found: found["key"],
    )
    earlier = [found for found in loads if found["key"] < load_id]
    while earlier and earlier[-1].get("undone_by"):
        earlier.pop()
    first = loads[len(earlier)]  # the first load after the last that stays
    return first.get("identified_before")


def _plan_edges(
    backend: Backend,
    record: ChangeRecord,
    now: dict[str, dict[str, set[str]]],
    before: dict[str, dict[str, set[str]]],
    steps: dict[str, list[Any]],
) -> None:
    """Edges: those the load created go; the others get their properties before the load
    and their count less what the load's listings asserted, plus what they asserted
    before (an edge no listing asserted then goes)."""
    asserting_now = Counter(e for shows in now.values() for edges in shows.values() for e in edges)
    asserting_before = Counter(
        e for shows in before.values() for edges in shows.values() for e in edges
    )
    candidates = set(record.edges) | set(asserting_now) | set(asserting_before)
    created = {e for e, events in record.edges.items() if _first(events).created}
    stored = current_edges(backend, sorted(candidates - created))
    for identity in sorted(candidates):
        rel_type, start, end, role = edge_parts(identity)
        row = [start, end, role or ""]
        if identity in created:
            steps[f"delete.{rel_type}"].append(row)
            continue
        events = record.edges.get(identity)
        properties = dict((_first(events).image or {}) if events else stored.get(identity, {}))
        count = (
            (stored.get(identity) or {}).get(ASSERTED_BY, 0)
            - asserting_now[identity]
            + asserting_before[identity]
        )
        if count <= 0:
            steps[f"delete.{rel_type}"].append(row)
        else:
            properties[ASSERTED_BY] = count
            steps[f"restore.{rel_type}"].append([*row, properties])


def undo_rows(diff: dict[str, Any]) -> Results:
    """What undoing a load does, from its diff, one row per item in the diff table's
    columns: what it added is removed, what it removed restored, what it changed reverted
    (each value from after back to before)."""
    rows: list[list[Any]] = []
    for source_id in diff["listings"]["created"]:
        rows.append(["remove", LISTING_LABEL, source_id, "deleted"])
    for listing in diff["listings"]["updated"]:
        hashes = listing["content_hash"]
        rows.append(
            [
                "revert",
                LISTING_LABEL,
                listing["id"],
                f"back to content {hashes['before']} (from {hashes['after']})",
            ]
        )
    item_text: tuple[tuple[str, str, Callable[[dict[str, Any]], str]], ...] = (
        ("nodes", "label", lambda node: node["key"]),
        ("edges", "type", edge_text),
    )
    for part, kind, text in item_text:
        for mark, group in (("remove", "added"), ("restore", "removed")):
            rows.extend([mark, item[kind], text(item), ""] for item in diff[part][group])
        rows.extend(
            ["revert", item[kind], text(item), values_text(_swapped(item["properties"]))]
            for item in diff[part]["changed"]
        )
    return Results(DIFF_COLUMNS, rows)


def _swapped(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**c, "before": c["after"], "after": c["before"]} for c in changes]


# -- running it ------------------------------------------------------------------------


@dataclass
class UndoPreview:
    """What `undo` would do: the loads it takes back (newest first) and why it refuses,
    if it does."""

    load: dict[str, Any]
    targets: list[dict[str, Any]]
    dependents: list[Dependent]
    refusal: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "load": self.load["id"],
            "undoes": [target["id"] for target in self.targets],
            "dependents": [
                {"load": d.load["key"], "items": d.items, "reason": d.reason()}
                for d in self.dependents
            ],
            "refused": self.refusal,
        }


def preview_undo(backend: Backend, load_id: str, cascade: bool = False) -> UndoPreview:
    """Which loads an undo of this one takes back, or why it refuses."""
    load = find_load(backend, load_id)
    refusal = None
    if load.get("kind") == UNDO_KIND:
        refusal = f"{load['id']} is an undo: an undo is not undone (load the files again)"
    elif load.get("undone_by"):
        refusal = f"load {load['id']} was undone already (by {load['undone_by']})"
    if refusal:
        return UndoPreview(load, [], [], refusal)
    merges = later_merges(backend, load)
    if merges:
        return UndoPreview(
            load,
            [],
            [],
            f"merges made since load {load['id']} took from what it wrote: "
            + "; ".join(merges)
            + ". A merge is its own decision: split it first (`screengraph split`), then undo.",
        )
    later = dependents(backend, load)
    if later and not cascade:
        refusal = (
            f"later loads depend on load {load['id']}: "
            + "; ".join(d.reason() for d in later)
            + ". Undo them first, or undo with --cascade to undo them too (newest first)."
        )
    cascaded = reversed(later) if cascade else []
    targets = [{**d.load, "id": d.load["key"]} for d in cascaded] + [load]
    return UndoPreview(load, targets, later, refusal)


@dataclass
class UndoResult:
    undo_id: str
    undone: list[str]
    resumed: bool
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "undo": self.undo_id,
            "undone": self.undone,
            "resumed": self.resumed,
            "seconds": self.seconds,
        }


class Undo:
    """Runs an undo under the load lock: plans each load's steps, journals them, applies
    them; or finishes an undo that did not."""

    def __init__(self, backend: Backend, origin: LoadOrigin | None = None):
        self.backend = backend
        self.origin = origin or LoadOrigin()
        # Called after each step is applied (tests stop an undo midway with it).
        self.on_step: Callable[[str], None] = lambda step: None

    def run(self, load_id: str, cascade: bool = False) -> UndoResult:
        clock = time.monotonic()
        self.backend.ensure_schema()
        with self.backend.one_load_at_a_time():
            unfinished = self._unfinished()
            if unfinished is not None:
                wanted = find_load(self.backend, load_id)["id"]
                if wanted not in unfinished["undoes"]:
                    raise UndoRefused(
                        f"undo {unfinished['key']} (of load "
                        f"{', '.join(unfinished['undoes'])}) did not finish: run `screengraph "
                        f"undo {unfinished['undoes'][-1]}` to finish it first"
                    )
                undo_id, targets, resumed = unfinished["key"], unfinished["undoes"], True
            else:
                preview = preview_undo(self.backend, load_id, cascade)
                if preview.refusal:
                    raise UndoRefused(preview.refusal)
                ListingWriter(self.backend).recover()  # degrees a killed load left wrong
                undo_id, targets, resumed = new_load_id(), [t["id"] for t in preview.targets], False
                self.backend.run_write(
                    _START,
                    {
                        "properties": {
                            "key": undo_id,
                            "kind": UNDO_KIND,
                            "via": self.origin.via,
                            "by": self.origin.by,
                            "host": socket.gethostname(),
                            "pid": os.getpid(),
                            "started_at": _now(),
                            "status": "running",
                            "changes": False,
                            "undoes": targets,
                        }
                    },
                )
            for target in targets:
                self._undo_one(undo_id, target)
            seconds = round(time.monotonic() - clock, 3)
            self.backend.run_write(
                _SET_LOAD,
                {
                    "key": undo_id,
                    "properties": {
                        "status": FINISHED,
                        "finished_at": _now(),
                        "seconds": seconds,
                        "planned": None,
                    },
                },
            )
        return UndoResult(undo_id, targets, resumed, seconds)

    def _unfinished(self) -> dict[str, Any] | None:
        waiting = unfinished_undo(self.backend)
        return None if waiting is None else {"key": waiting[0], "undoes": waiting[1]}

    def _undo_one(self, undo_id: str, target: str) -> None:
        load = find_load(self.backend, target)
        if load.get("undone_by") == undo_id:
            return  # done before this undo was stopped
        undo = find_load(self.backend, undo_id)
        if undo.get("planned") != target:
            # Planning writes no catalogue item: a plan cut short is made again.
            self.backend.run_write(_DROP_STEPS, {"undo": undo_id})
            self._journal(undo_id, target, plan_undo(self.backend, load))
        for step, name, text in self.backend.run_read(
            _READ_STEPS, {"undo": undo_id, "target": target}, max_rows=0
        ).rows:
            self._apply(step, name, json.loads(text))
            self.on_step(step)
        self.backend.run_write(
            _SET_LOAD, {"key": target, "properties": {"undone_by": undo_id, "undone_at": _now()}}
        )
        self.backend.run_write(_SET_LOAD, {"key": undo_id, "properties": {"planned": None}})

    def _journal(self, undo_id: str, target: str, plan: list[tuple[str, list[Any]]]) -> None:
        steps = [
            [f"{undo_id}-{target}-{number:06d}", name, json.dumps(rows)]
            for number, (name, rows) in enumerate(_sliced(plan), start=1)
        ]
        for i in range(0, len(steps), 100):
            self.backend.run_write(
                _WRITE_STEPS, {"steps": steps[i : i + 100], "undo": undo_id, "target": target}
            )
        self.backend.run_write(_SET_LOAD, {"key": undo_id, "properties": {"planned": target}})

    def _apply(self, step: str, name: str, rows: list[Any]) -> None:
        if name == CLEAR:
            limit = self.backend.write_timeout_ms
            while self.backend.run_write(
                _CLEAR,
                {"history": sorted(NOT_EXPORTED | set(RECORD_LABELS))},
                timeout_ms=limit,
            ).value(0):
                pass
            self.backend.run_write(
                f"MATCH (s:{UNDO_STEP_LABEL} {{key: $step}}) DELETE s", {"step": step}
            )
            return
        statement, parameter = STEPS[name]
        self.backend.run_write(statement + _DONE_STEP, {parameter: rows, "step": step})


def _sliced(plan: Iterable[tuple[str, list[Any]]]) -> Iterator[tuple[str, list[Any]]]:
    for name, rows in plan:
        if not rows:
            yield name, rows
        for i in range(0, len(rows), STEP_ROWS):
            yield name, rows[i : i + STEP_ROWS]
