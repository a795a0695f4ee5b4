"""The graph a first load would make, accumulated from the writer's own plans.

The bulk path (loaders/bulk.py) must give exactly the graph the incremental loader
(loaders/writer.py) gives for the same input loaded into an empty store. So it does not
re-derive the rules: it takes the same `ListingPlan`s, batch by batch as the pipeline cuts
them, and applies what each batch's statement (loaders/statements.py) would do to a store
that held only the earlier batches:

- a Listing node per listing (file, line, record, content hash, title, shows, mentions),
  and an Assertion node per (listing, show it names) with the edges of that show it
  asserts;
- a show's `asserted_by` counts the listings naming it, its spelling votes add up and its title is their best spelling; the show properties a
  batch's listing gives replace those before (a null removes one), those of a show only
  named as related only the naming ones;
- a person, company or genre keeps its first spelling and no votes until a listing spells
  it otherwise; from then on `votes` are every listing's spelling and its name their best;
- identified sources' details are set batch by batch, identifiers appended once each;
- an edge's `asserted_by` counts the listings asserting it, and its properties
  what each says, a later listing's value of a property winning;
- degrees (`credit_count`, `show_count`) are the edges of each hub, as the load's final
  recount leaves them; the StoreLayout node records the layout version and which labels
  have identified nodes.

It also answers what the incremental loader asks the store before planning a batch
(loaders/identities.py: nodes by identifier, namesakes by name key), so a name the load's
memory of identities has forgotten resolves as it would against the store.

What it holds lives in a scratch SQLite file (loaders/bulk_spill.py): shows, people,
companies and genres by key, those in use in memory and the rest on disk; listings and
assertions written once each, straight to disk; each edge a listing asserts appended to a
log with no lookup (merged into one row per edge by one sort at the end: a lookup per
credit was a fifth of the planning time); and the lookups above as indexed tables. So what
the graph takes of memory is bounded. Held in dicts, a bulk load of 20,000
IMDb-shaped titles (120,684 credits) peaked at 385 MB; spilled, at 249 MB, 63 MB above the
incremental loader's peak on the same input (+40 MB at 2,000 titles, where the bounded
caches are not yet full), for about a quarter more time on a loaded machine
(benchmarks/bulk_load.py). The scratch file takes about 1 KB per credit on disk (12 MB at
2,000 titles, its tables of degrees and places included).
Once planning is done, SQL counts the degrees and numbers the nodes (a relationship names
its ends by their place among the nodes, as GRAPH.BULK does), and both are streamed out.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screengraph.graph.backend import NodeRef
from screengraph.graph.identifiers import SCHEMES
from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import (
    ASSERTED_BY,
    ASSERTION_LABEL,
    DISPLAY,
    LAYOUT_LABEL,
    LISTING_LABEL,
    NAME_KEY,
    RELATIONSHIPS,
    ROLE_TYPES,
)
from screengraph.graph.store_layout import LAYOUT_VERSION
from screengraph.loaders.bulk_spill import CACHED_ENTRIES, SpilledTable, SpillFile
from screengraph.loaders.plan import (
    LISTING_PROPERTIES,
    NAMING_PROPERTIES,
    ListingPlan,
    assertion_key,
    later_show_properties,
    merged_details,
)
from screengraph.loaders.spellings import SEP, best, votes_to_text
from screengraph.loaders.statements import DEGREE, HUB_LABELS, SHOW, SHOW_COLUMNS

_ROLE_TYPES = frozenset(rel.value for rel in ROLE_TYPES)
_INDEXED = (NAME_KEY, *(scheme.property for scheme in SCHEMES.values()))
_END_LABELS = {rel.value: (start.value, end.value) for rel, (start, end) in RELATIONSHIPS.items()}
_IN = 500  # keys per `IN (...)` (SQLite allows 32,766 parameters)


def shows_by_title_in(db: sqlite3.Connection, title_keys: set[str]) -> dict[str, set[str]]:
    """The shows of each title key, from a scratch file's `titles` table (title_key, then
    the show's key or name key): what the store would answer a load's yearless titles."""
    found: dict[str, set[str]] = {}
    wanted = sorted(title_keys)
    for at in range(0, len(wanted), _IN):
        chunk = wanted[at : at + _IN]
        for title_key, key in db.execute(
            f"SELECT * FROM titles WHERE title_key IN ({', '.join('?' for _ in chunk)})",
            chunk,
        ):
            found.setdefault(title_key, set()).add(key)
    return found


# The lookups loaders/identities.py and loaders/yearless.py make of the store, as tables.
_LOOKUPS = (
    "CREATE TABLE titles (title_key, key, PRIMARY KEY (title_key, key)) WITHOUT ROWID",
    "CREATE TABLE name_keys (label, name_key, key, PRIMARY KEY (label, name_key, key))"
    " WITHOUT ROWID",
    "CREATE TABLE identifiers (label, property, value, key,"
    " PRIMARY KEY (label, property, value)) WITHOUT ROWID",
)
# What every batch appends: one row per edge a listing asserts, in the order asserted
# (its rowid), merged into `edges` (one row per edge) once planning is done. Appending
# costs no lookup; the merge is one sort of the whole log, done by SQLite.
_EDGE_LOG = (
    "CREATE TABLE edge_log (identity, type, start_label, start_key, end_label, end_key, role,"
    " properties)"
)
_EDGE_COLUMNS = "identity, type, start_label, start_key, end_label, end_key, role"
_LOGGED = f"INSERT INTO edge_log VALUES ({', '.join('?' * 8)})"
_MERGE_ROWS = f"SELECT {_EDGE_COLUMNS}, properties FROM edge_log ORDER BY identity, rowid"
_MERGED = f"INSERT INTO edges VALUES ({', '.join('?' * 9)})"
# Once planning is done: the edges merged, each hub's degree, and each node's place in the
# output. Nodes are numbered by label and set of properties, so that the bulk writer's
# blobs (one per label and set of properties) come out long.
_EDGES = (
    f"CREATE TABLE edges ({_EDGE_COLUMNS}, asserted_by, properties,"
    " PRIMARY KEY (identity)) WITHOUT ROWID"
)
_FINISH = (
    "DROP TABLE edge_log",
    "CREATE TABLE degrees (label, key, degree, PRIMARY KEY (label, key)) WITHOUT ROWID",
    "INSERT INTO degrees SELECT label, key, count(*) FROM ("
    " SELECT start_label AS label, start_key AS key FROM edges WHERE start_label IN ({hubs})"
    " UNION ALL"
    " SELECT end_label, end_key FROM edges WHERE end_label IN ({hubs})) GROUP BY label, key",
    "CREATE TABLE ordinals (position INTEGER PRIMARY KEY, label, key)",
    "INSERT INTO ordinals (position, label, key)"
    " SELECT row_number() OVER (ORDER BY label, shape, key) - 1, label, key FROM nodes",
    "CREATE UNIQUE INDEX ordinal_of ON ordinals (label, key)",
)
_NODE_ROWS = (
    "SELECT n.label, n.key, n.data, d.degree FROM ordinals o"
    " JOIN nodes n ON n.label = o.label AND n.key = o.key"
    " LEFT JOIN degrees d ON d.label = o.label AND d.key = o.key ORDER BY o.position"
)
_EDGE_ROWS = (
    "SELECT e.type, e.start_key, e.end_key, e.role, e.asserted_by, e.properties,"
    " s.position, t.position FROM edges e"
    " LEFT JOIN ordinals s ON s.label = e.start_label AND s.key = e.start_key"
    " LEFT JOIN ordinals t ON t.label = e.end_label AND t.key = e.end_key"
)
_MERGE_CHUNK = 10_000  # merged edges written at a time


@dataclass(slots=True)
class _Show:
    votes: dict[str, int] = field(default_factory=dict)
    asserted_by: int = 0
    properties: dict[str, Any] = field(default_factory=dict)
    ids: list[str] | None = None


@dataclass(slots=True)
class _Hub:
    name: str
    votes: dict[str, int]
    kept: bool  # whether the node keeps its votes (a second spelling was met)
    properties: dict[str, Any] = field(default_factory=dict)
    ids: list[str] | None = None


def _assign(target: dict[str, Any], name: str, value: Any) -> None:
    """SET x.name = value: a null removes the property."""
    if value is None:
        target.pop(name, None)
    else:
        target[name] = value


def _shape(key: tuple[str, str], node: Any) -> tuple[str]:
    """The node's property names, near enough to group nodes of one shape together."""
    if isinstance(node, dict):
        names = [name for name, value in node.items() if value is not None]
    else:
        names = [
            *node.properties,
            *(["ids"] if node.ids is not None else []),
            *(["votes"] if getattr(node, "kept", False) else []),
        ]
    return (SEP.join(sorted(names)),)


class BulkGraph:
    """The nodes and relationships a first load of some batches of plans makes, kept in a
    scratch file in `spill_dir` (the system's temporary folder by default) until `close`.
    `cached` is how many shows, people, companies and genres stay in memory (listings,
    assertions and edges, written once each, go straight to the file)."""

    def __init__(self, loaded_at: str, spill_dir: Path | None = None, cached: int = CACHED_ENTRIES):
        self.loaded_at = loaded_at
        self._file = SpillFile(spill_dir)
        self.db = db = self._file.db
        self.node_table = SpilledTable(db, "nodes", ("label", "key"), ("shape",), _shape, cached)
        for statement in (*_LOOKUPS, _EDGE_LOG):
            db.execute(statement)
        self.identified: set[str] = set()
        self._finished = False

    def close(self) -> None:
        self._file.close()

    # -- one batch ------------------------------------------------------------

    def listing_hash(self, source_id: str) -> str | None:
        """The content hash of the listing planned with this id, if one was."""
        listing = self.node_table.get((LISTING_LABEL, source_id))
        return None if listing is None else listing["content_hash"]

    def add_batch(self, plans: list[ListingPlan]) -> None:
        delta: dict[tuple[str, str], dict[str, int]] = {}
        show_sources: dict[str, set[str]] = {}
        main: dict[str, dict[str, Any]] = {}
        related: dict[str, dict[str, Any]] = {}
        for plan in plans:
            for entity in plan.mentioned:
                counts = delta.setdefault((entity.label, entity.key), {})
                counts[entity.spelling] = counts.get(entity.spelling, 0) + 1
                if entity.label == SHOW:
                    show_sources.setdefault(entity.key, set()).add(plan.source_id)
            main[plan.show.key] = later_show_properties(
                main.get(plan.show.key), plan.show_properties
            )
        for plan in plans:
            for key, properties in plan.related_properties.items():
                related.setdefault(key, properties)
        written: list[tuple[tuple[str, str], dict[str, Any]]] = []
        for plan in plans:
            written.append(
                (
                    (LISTING_LABEL, plan.source_id),
                    {
                        "key": plan.source_id,
                        "file": plan.ref.file,
                        "line": plan.ref.line,
                        "record": plan.ref.record,
                        "content_hash": plan.content_hash,
                        "title": plan.listing.title,
                        "shows": plan.asserted_shows,
                        "mentions": sorted({SEP.join(entity) for entity in plan.mentioned}),
                        "loaded_at": self.loaded_at,
                    },
                )
            )
            edges_by_show = plan.asserted_edges
            for show_key in plan.asserted_shows:
                key = assertion_key(plan.source_id, show_key)
                written.append(
                    (
                        (ASSERTION_LABEL, key),
                        {
                            "key": key,
                            "listing": plan.source_id,
                            "show": show_key,
                            "edges": sorted(edges_by_show.get(show_key, ())),
                        },
                    )
                )
        self.node_table.write(written)
        for (label, key), changes in delta.items():
            if label == SHOW:
                self._show(key, changes, len(show_sources[key]), main.get(key), related.get(key))
            else:
                self._hub(label, key, changes)
        self._details(plans)
        dumps, ends = pickle.dumps, _END_LABELS
        self.db.executemany(
            _LOGGED,
            [
                (
                    edge.identity,
                    edge.type,
                    ends[edge.type][0],
                    edge.start.key,
                    ends[edge.type][1],
                    edge.end.key,
                    edge.role,
                    dumps(edge.properties, pickle.HIGHEST_PROTOCOL) if edge.properties else None,
                )
                for plan in plans
                for edge in plan.edges
            ],
        )

    def _show(
        self,
        key: str,
        changes: dict[str, int],
        asserting: int,
        main: dict[str, Any] | None,
        related: dict[str, Any] | None,
    ) -> None:
        show = self.node_table.get((SHOW, key))
        created = show is None
        if created:
            show = _Show()
            self.node_table.put((SHOW, key), show)
        for spelling, count in changes.items():
            show.votes[spelling] = show.votes.get(spelling, 0) + count
        show.asserted_by += asserting
        before = show.properties.get("title_key")
        if main is not None:
            for name in NAMING_PROPERTIES + LISTING_PROPERTIES:
                _assign(show.properties, name, main.get(name))
            for name, value in main.items():
                if name not in SHOW_COLUMNS:
                    _assign(show.properties, name, value)
        elif created and related is not None:  # only named as related: keeps what it has
            for name in NAMING_PROPERTIES:
                _assign(show.properties, name, related.get(name))
        after = show.properties.get("title_key")
        if before != after:
            if before is not None:
                self.db.execute("DELETE FROM titles WHERE title_key = ? AND key = ?", (before, key))
            if after is not None:
                self.db.execute("INSERT OR IGNORE INTO titles VALUES (?, ?)", (after, key))

    def _hub(self, label: str, key: str, changes: dict[str, int]) -> None:
        hub = self.node_table.get((label, key))
        if hub is None:
            votes = {s: c for s, c in changes.items() if c > 0}
            self.node_table.put((label, key), _Hub(best(votes), votes, len(votes) > 1))
            return
        for spelling, count in changes.items():
            hub.votes[spelling] = hub.votes.get(spelling, 0) + count
        if not hub.kept and any(s != hub.name for s, c in changes.items() if c):
            hub.kept = True
        if hub.kept:
            hub.name = best(hub.votes)

    def _details(self, plans: list[ListingPlan]) -> None:
        for (label, key), (properties, ids) in merged_details(plans).items():
            node = self.node_table.get((label, key))
            before = {name: node.properties.get(name) for name in _INDEXED}
            for name, value in properties.items():
                _assign(node.properties, name, value)
            node.ids = (node.ids or []) + [i for i in ids if i not in (node.ids or [])]
            for name, had in before.items():
                now = node.properties.get(name)
                if now == had:
                    continue
                if name == NAME_KEY:
                    if had is not None:
                        self.db.execute(
                            "DELETE FROM name_keys WHERE label = ? AND name_key = ? AND key = ?",
                            (label, had, key),
                        )
                    if now is not None:
                        self.db.execute(
                            "INSERT OR IGNORE INTO name_keys VALUES (?, ?, ?)", (label, now, key)
                        )
                else:
                    if had is not None:
                        self.db.execute(
                            "DELETE FROM identifiers WHERE label = ? AND "
                            "property = ? AND value = ?",
                            (label, name, had),
                        )
                    if now is not None:
                        self.db.execute(
                            "INSERT OR REPLACE INTO identifiers VALUES (?, ?, ?, ?)",
                            (label, name, now, key),
                        )

    # -- what the identities ask (loaders/identities.py's reads of the store) ----------

    def namesakes(self, label: str, base: str, by_name_key: bool) -> dict[str, tuple[str, ...]]:
        """The nodes whose key is `base`, and (`by_name_key`) whose name gives it: {key: ids}."""
        keys = [base]
        if by_name_key:
            keys += sorted(
                key
                for (key,) in self.db.execute(
                    "SELECT key FROM name_keys WHERE label = ? AND name_key = ?", (label, base)
                )
            )
        found = {}
        for key in keys:
            node = self.node_table.get((label, key))
            if node is not None:
                found[key] = tuple(node.ids or ())
        return found

    def identified_key(self, label: str, prop: str, value: Any) -> str | None:
        row = self.db.execute(
            "SELECT key FROM identifiers WHERE label = ? AND property = ? AND value = ?",
            (label, prop, value),
        ).fetchone()
        return None if row is None else row[0]

    def shows_by_title(self, title_keys: set[str]) -> dict[str, set[str]]:
        """The name keys of the shows of each title (loaders/yearless.py counts those)."""
        found = shows_by_title_in(self.db, title_keys)
        for title_key, keys in found.items():
            found[title_key] = {self._name_key(SHOW, key) for key in keys}
        return found

    def _name_key(self, label: str, key: str) -> str:
        node = self.node_table.get((label, key))
        return (node.properties.get(NAME_KEY) if node is not None else None) or key

    # -- the result -------------------------------------------------------------

    def finish(self) -> None:
        """Once: everything to disk, then the degrees and the nodes' places."""
        if self._finished:
            return
        self._finished = True
        self.node_table.flush()
        self._merge_edges()
        hubs = ", ".join(f"'{label}'" for label in HUB_LABELS)
        for statement in _FINISH:
            self.db.execute(statement.format(hubs=hubs))

    def _merge_edges(self) -> None:
        """The edge log, one row per assertion, into `edges`, one row per edge: how many
        listings assert it, and what each says of it, a later listing's value of a
        property winning (as the incremental loader's SET does, batch after batch)."""
        self.db.execute(_EDGES)
        merged: list[tuple] = []
        held: list[Any] | None = None  # the edge being merged: its columns, count, blob
        cursor = self.db.execute(_MERGE_ROWS)
        writer = self.db.cursor()
        while rows := cursor.fetchmany(_MERGE_CHUNK):
            for row in rows:
                if held is not None and held[0] == row[0]:
                    held[7] += 1
                    if row[7] is not None:
                        said = pickle.loads(held[8]) if held[8] is not None else {}
                        said.update(pickle.loads(row[7]))
                        held[8] = pickle.dumps(said, pickle.HIGHEST_PROTOCOL)
                    continue
                if held is not None:
                    merged.append(tuple(held))
                held = [*row[:7], 1, row[7]]
            if len(merged) >= _MERGE_CHUNK:
                writer.executemany(_MERGED, merged)
                merged = []
        if held is not None:
            merged.append(tuple(held))
        writer.executemany(_MERGED, merged)

    def nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(label, properties) of every node, nulls left out, in the order of their places
        (the StoreLayout node, which no relationship names, last)."""
        self.finish()
        for label, key, data, degree in self.db.execute(_NODE_ROWS):
            yield label, self._properties(label, key, pickle.loads(data), degree or 0)
        layout = {"key": "layout", "version": LAYOUT_VERSION, "legacy_listings": 0}
        if self.identified:
            layout["identified"] = sorted(self.identified)
        yield LAYOUT_LABEL, layout

    def _properties(self, label: str, key: str, node: Any, degree: int) -> dict[str, Any]:
        if label in (LISTING_LABEL, ASSERTION_LABEL):
            return _present(node)
        if label == SHOW:
            properties = {
                **node.properties,
                "key": key,
                ASSERTED_BY: node.asserted_by,
                "votes": votes_to_text(node.votes),
                "title": best(node.votes),
            }
        else:
            properties = {
                "key": key,
                DISPLAY[label]: node.name,
                "search_text": normalize_name(node.name),
                DEGREE[label]: degree,
                **node.properties,
            }
            if node.kept:
                properties["votes"] = votes_to_text(node.votes)
        if node.ids is not None:
            properties["ids"] = node.ids
        return properties

    def relationships(self) -> Iterator[tuple[str, NodeRef, NodeRef, dict[str, Any]]]:
        """(type, start, end, properties) of every relationship."""
        self.finish()
        for type_, start_key, end_key, role, asserted_by, said, start_at, end_at in self.db.execute(
            _EDGE_ROWS
        ):
            start, end = _END_LABELS[type_]
            if start_at is None or end_at is None:
                raise AssertionError(
                    f"the bulk graph's {type_} edge {start_key!r}->"
                    f"{end_key!r} names a node it does not hold"
                )
            properties = (
                {**pickle.loads(said), ASSERTED_BY: asserted_by}
                if said
                else {ASSERTED_BY: asserted_by}
            )
            if type_ in _ROLE_TYPES and role is not None:
                properties["role"] = role
            yield (
                type_,
                NodeRef(start, start_key, start_at),
                NodeRef(end, end_key, end_at),
                properties,
            )


def _present(properties: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in properties.items() if value is not None}
