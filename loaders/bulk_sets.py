"""A bulk first load of IMDb's dataset files planned over whole tables, not plan by plan.

The general bulk planner (loaders/bulk.py with loaders/bulk_graph.py) runs every listing
through the incremental loader's planner: a memory of identities asked about every
credit, a plan per listing, a pickled row per credit. At 10^6 credits that ran at 675
credits/s (docs/scaling.md), two thirds of it resolving identities.

IMDb's files need none of that per credit, because of what they are:

- every person and every show carries its IMDb id, and a load of IMDb files alone makes
  no node without one. So no name-only node is ever a namesake to adopt
  (graph/keys.py resolve_entity, rule 2), and an id met for the first time is a new node
  keyed `<base key>--<id>`; met again, the node of its first mention. A person's name
  comes from name.basics (one row per id), so their base key is the same at every
  mention: a person's key is known from the credit alone;
- a show's key is too, except for a title without a year (loaders/yearless.py): which
  show it means depends on the shows that came before it in the load. So shows are
  resolved batch by batch as before (a lookup per listing, not per credit), in a small
  scratch table of ids and titles (by name key).

What remains is counting and merging across listings, which is what a columnar engine
does over whole tables: every listing's mentions and edges are appended, as rows, to
files in the scratch folder; once the input is read, DuckDB (memory-limited, spilling to
that folder) merges the edges (how many listings assert each, the later listing's value
of a property winning), counts the spelling votes and degrees, picks each node's
properties (the last listing that gives them) and numbers the nodes; the rows are then
streamed to the engine's writer. The result is the graph the incremental loader makes of
the same files (tests/loaders/test_bulk_sets.py compares their checksums on both
backends).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

import duckdb

from screengraph.graph.backend import NodeRef
from screengraph.graph.bounded_log import BoundedLog
from screengraph.graph.identifiers import node_identifier_properties, parse_identifier
from screengraph.graph.keys import genre_key, identified_key, normalize_name, person_key
from screengraph.graph.schema import (
    ASSERTED_BY,
    ASSERTION_LABEL,
    DISPLAY,
    LAYOUT_LABEL,
    LISTING_LABEL,
    NAME_KEY,
    ROLE_TYPES,
    RelType,
    credit_relationship,
)
from screengraph.graph.store_layout import LAYOUT_VERSION
from screengraph.loaders.bulk_graph import shows_by_title_in
from screengraph.loaders.model import Listing, ParsedRecord
from screengraph.loaders.plan import (
    _credit_properties,
    _merged_properties,
    _person_details,
    assertion_key,
    listing_show,
    show_entity,
)
from screengraph.loaders.spellings import SEP, best, votes_to_text
from screengraph.loaders.statements import DEGREE
from screengraph.loaders.yearless import YearlessTitles

# What DuckDB may hold in memory before it spills to the scratch folder.
MEMORY_LIMIT = "512MB"
NULL = "\\N"  # a null in the scratch files (IMDb's own: no parsed value is ever that text)
_SHOW, _PERSON, _GENRE = "Show", "Person", "Genre"
_ROLE_TYPES = frozenset(rel.value for rel in ROLE_TYPES)
_ACTED_IN, _EPISODE_OF, _IN_GENRE = (
    RelType.ACTED_IN.value,
    RelType.EPISODE_OF.value,
    RelType.IN_GENRE.value,
)
# Edge properties, each a column of the scratch file of edges: the later listing's
# non-null value wins (what the incremental loader's SET leaves, batch after batch).
_EDGE_PROPERTIES = ("characters", "order", "job", "category", "season", "episode")
_LISTED = ("characters",)  # edge properties that are lists (JSON in the scratch file)
# The fields an IMDb listing never has: a listing with one is not IMDb's (the set-based
# rules above would not hold for it).
_NOT_IMDB = (
    "directors",
    "producers",
    "executive_producers",
    "writers",
    "cast",
    "companies",
    "identified_companies",
    "related_shows",
    "extra",
)

_TABLES = {
    # One row per (listing, show it names): its spelling, and its properties as the
    # listing gives them (`main`: the listing's own show; else the series of an episode).
    "shows": "seq BIGINT, key VARCHAR, spelling VARCHAR, main BOOLEAN, properties VARCHAR,"
    " id VARCHAR, name_key VARCHAR",
    # One row per (listing, person or genre it names).
    "hubs": "seq BIGINT, label VARCHAR, key VARCHAR, spelling VARCHAR, id VARCHAR,"
    " name_key VARCHAR, details VARCHAR, shape VARCHAR",
    # One row per (listing, edge it asserts).
    "edges": "seq BIGINT, identity VARCHAR, type VARCHAR, start_label VARCHAR,"
    " start_key VARCHAR, end_label VARCHAR, end_key VARCHAR, role VARCHAR,"
    ' characters VARCHAR, "order" BIGINT, job VARCHAR, category VARCHAR, season BIGINT,'
    " episode BIGINT",
}


# Once the input is read: nodes with their places (a relationship names its ends by
# place), then each kind of row streamed out. No aggregate here has an ORDER BY of its
# own: DuckDB keeps such an aggregate's rows in memory, beyond its memory limit's reach (a
# 10^7-credit load ran out of memory in `show_nodes` with a 512 MB limit), so lists are
# gathered unordered and sorted afterwards (`list_sort` of (order, value) pairs).
def _ordered(pairs: str, field: str) -> str:
    """The `field`s of a sorted list of (order, value) structs."""
    return f"list_transform(list_sort({pairs}), lambda x: x.{field})"


_FINISH = (
    # The last non-null value by listing, per node and property.
    "CREATE TABLE show_nodes AS SELECT key,"
    " count(*) AS asserted_by,"
    " coalesce(arg_max(properties, seq) FILTER (WHERE main),"
    "          arg_min(properties, seq) FILTER (WHERE NOT main)) AS properties,"
    " arg_max(id, seq) AS id,"
    " arg_max(name_key, seq) FILTER (WHERE name_key IS NOT NULL) AS name_key"
    " FROM shows GROUP BY key",
    # A node's identifiers, each once, in the order of their first mention.
    f"CREATE TABLE show_ids AS SELECT key, {_ordered('list({first: first, id: id})', 'id')}"
    " AS ids FROM (SELECT key, id, min(seq) AS first FROM shows WHERE id IS NOT NULL"
    " GROUP BY key, id) GROUP BY key",
    # Spellings and their votes, by spelling.
    f"CREATE TABLE show_votes AS SELECT key, {_ordered('pairs', 's')} AS spellings,"
    f" {_ordered('pairs', 'v')} AS votes FROM (SELECT key, list({{s: spelling, v: votes}})"
    " AS pairs FROM (SELECT key, spelling, count(*) AS votes FROM shows GROUP BY key, spelling)"
    " GROUP BY key)",
    "CREATE TABLE hub_nodes AS SELECT label, key, last.details, last.shape, last.id, name_key"
    " FROM (SELECT label, key, arg_max({details: details, shape: shape, id: id}, seq) AS last,"
    " arg_max(name_key, seq) FILTER (WHERE name_key IS NOT NULL) AS name_key"
    " FROM hubs GROUP BY label, key)",
    f"CREATE TABLE hub_ids AS SELECT label, key, {_ordered('list({first: first, id: id})', 'id')}"
    " AS ids FROM (SELECT label, key, id, min(seq) AS first FROM hubs WHERE id IS NOT NULL"
    " GROUP BY label, key, id) GROUP BY label, key",
    f"CREATE TABLE hub_votes AS SELECT label, key, {_ordered('pairs', 's')} AS spellings,"
    f" {_ordered('pairs', 'v')} AS votes FROM (SELECT label, key,"
    " list({s: spelling, v: votes}) AS pairs FROM (SELECT label, key, spelling,"
    " count(*) AS votes FROM hubs GROUP BY label, key, spelling) GROUP BY label, key)",
    # An edge most listings assert alone is its row as it is; only the others are merged
    # (a dozen aggregates per edge over every edge ran out of memory at 10^6 credits in
    # 160 MB: the states of each group are held together).
    "CREATE TABLE asserted_more AS SELECT identity, count(*) AS asserted_by FROM edges"
    " GROUP BY identity HAVING count(*) > 1",
    "CREATE TABLE merged AS SELECT identity, type, start_label, start_key, end_label, end_key,"
    " role, 1 AS asserted_by, "
    + ", ".join(f'"{name}"' for name in _EDGE_PROPERTIES)
    + " FROM edges ANTI JOIN asserted_more USING (identity)"
    " UNION ALL SELECT identity, any_value(type), any_value(start_label), any_value(start_key),"
    " any_value(end_label), any_value(end_key), any_value(role), count(*), "
    + ", ".join(
        f'arg_max("{name}", seq) FILTER (WHERE "{name}" IS NOT NULL)' for name in _EDGE_PROPERTIES
    )
    + " FROM edges SEMI JOIN asserted_more USING (identity) GROUP BY identity",
    "CREATE TABLE degrees AS SELECT label, key, count(*) AS degree FROM ("
    " SELECT start_label AS label, start_key AS key FROM merged WHERE start_label <> 'Show'"
    " UNION ALL"
    " SELECT end_label, end_key FROM merged WHERE end_label <> 'Show') GROUP BY label, key",
    # Places: shows first, then people and genres, each grouped by which details they
    # have (the writers' blobs, one per label and set of properties, come out long).
    "CREATE TABLE places AS SELECT row_number() OVER (ORDER BY label <> 'Show', label, shape, key)"
    " - 1"
    " AS place, label, key FROM ("
    " SELECT 'Show' AS label, key, '' AS shape FROM show_nodes"
    " UNION ALL SELECT label, key, shape FROM hub_nodes)",
)
_SHOW_ROWS = (
    "SELECT p.place, s.key, s.asserted_by, s.properties, i.ids, s.id, s.name_key, v.spellings, v.votes"
    " FROM places p JOIN show_nodes s ON p.label = 'Show' AND p.key = s.key"
    " JOIN show_votes v ON v.key = s.key LEFT JOIN show_ids i ON i.key = s.key"
    " WHERE p.place >= $first AND p.place < $after"
)
_HUB_ROWS = (
    "SELECT p.place, h.label, h.key, h.details, i.ids, h.id, h.name_key, coalesce(d.degree, 0),"
    " v.spellings, v.votes"
    " FROM places p JOIN hub_nodes h ON p.label = h.label AND p.key = h.key"
    " JOIN hub_votes v ON v.label = h.label AND v.key = h.key"
    " LEFT JOIN hub_ids i ON i.label = h.label AND i.key = h.key"
    " LEFT JOIN degrees d ON d.label = h.label AND d.key = h.key"
    " WHERE p.place >= $first AND p.place < $after"
)
_EDGE_ROWS = (
    "SELECT e.type, e.start_label, e.start_key, s.place, e.end_label, e.end_key, t.place,"
    " e.role, e.asserted_by, "
    + ", ".join(f'e."{name}"' for name in _EDGE_PROPERTIES)
    + " FROM merged e JOIN places s ON s.label = e.start_label AND s.key = e.start_key"
    " JOIN places t ON t.label = e.end_label AND t.key = e.end_key"
)
_FETCH = 10_000  # rows fetched from DuckDB at a time
# Nodes joined with their details at a time, then put in order here: DuckDB did not spill
# the sort of every hub's joined row (10^6 credits needed 256 MB, so 10^7 would have
# needed GBs), nor that of a part of them beside the joins' tables.
_PLACES_PER_READ = 50_000


def is_imdb_listing(listing: Listing) -> bool:
    """Whether a listing has only what IMDb's files give (the rules above hold for it)."""
    return bool(listing.ids) and not any(getattr(listing, name) for name in _NOT_IMDB)


class SetGraph:
    """The graph a first load of IMDb listings makes, planned over whole tables. Batches
    come in as the bulk loader cuts them (`add_batch`); `nodes` and `relationships` then
    stream the result. Its scratch files live in a temporary folder in `spill_dir` (the
    system's by default), deleted by `close`."""

    def __init__(
        self, loaded_at: str, spill_dir: Path | None = None, memory_limit: str = MEMORY_LIMIT
    ):
        self.loaded_at = loaded_at
        self.memory_limit = memory_limit  # DuckDB's, for `finish`
        if spill_dir is not None:
            spill_dir.mkdir(parents=True, exist_ok=True)
        self._folder = tempfile.TemporaryDirectory(prefix="screengraph-sets-", dir=spill_dir)
        self.path = Path(self._folder.name)
        # Shows by id and by title (what a batch's shows resolve against), as in SQLite.
        self._shows = sqlite3.connect(self.path / "shows.sqlite", isolation_level=None)
        for statement in (
            "PRAGMA journal_mode = OFF",
            "PRAGMA synchronous = OFF",
            "CREATE TABLE ids (id TEXT PRIMARY KEY, key TEXT) WITHOUT ROWID",
            "CREATE TABLE titles (title_key TEXT, name_key TEXT, PRIMARY KEY (title_key, name_key))"
            " WITHOUT ROWID",
            "BEGIN",
        ):
            self._shows.execute(statement)
        self._files = {name: open(self.path / f"{name}.csv", "w", newline="") for name in _TABLES}
        self._rows = {name: csv.writer(file) for name, file in self._files.items()}
        self._listings = open(self.path / "listings.jsonl", "w", encoding="utf-8")
        self._seq = 0
        self.identified: set[str] = set()
        self._db: duckdb.DuckDBPyConnection | None = None

    def close(self) -> None:
        for file in (*self._files.values(), self._listings):
            file.close()
        if self._db is not None:
            self._db.close()
        self._shows.close()
        self._folder.cleanup()

    # -- one batch ------------------------------------------------------------

    def add_batch(
        self,
        fresh: list[tuple[ParsedRecord, str]],
        yearless: YearlessTitles,
        warnings: list[str] | BoundedLog[str],
    ) -> int:
        """Plan a batch of listings (record, content hash); return how many edges they
        assert. Titles without a year are answered by the load's `yearless`, and their
        warnings go to `warnings`, as the pipeline's do."""
        listings = [record.valid_listing for record, _ in fresh]
        for (record, _), listing in zip(fresh, listings, strict=True):
            if not is_imdb_listing(listing):
                raise ValueError(
                    f"{record.ref.file} line {record.ref.line}: not a listing of IMDb's "
                    "files; the set-based bulk planner takes IMDb's dataset files only"
                )
        resolvers = yearless.batch([record for record, _ in fresh], self._titles)
        known = self._known(
            {str(i) for listing in listings for i in _show_ids(listing)},
        )
        new_ids: list[tuple[str, str]] = []
        new_titles: set[tuple[str, str]] = set()
        credits = 0

        def show_node(base: str, ids: list[str]) -> str:
            for text in ids:
                if text in known:
                    return known[text]
            key = identified_key(base, parse_identifier(ids[0]).key_suffix)
            for text in ids:
                known[text] = key
                new_ids.append((text, key))
            return key

        for (record, digest), listing, resolve in zip(fresh, listings, resolvers, strict=True):
            self.identified.add(_SHOW)
            warnings.extend(resolve.warnings)
            show, properties = listing_show(listing, resolve)
            key = show_node(show.key, list(listing.ids))
            new_titles.add((properties["title_key"], show.key))
            self._show_row(key, show.spelling, True, properties, listing.ids, show.key)
            mentioned = {SEP.join((_SHOW, key, show.spelling))}
            shows = [key]
            edges: dict[str, tuple[list[Any], dict[str, Any] | None]] = {}  # identity -> row
            by_show: dict[str, set[str]] = {key: set()}
            credited = key
            series_ref = listing.episode_of
            if series_ref is not None:
                named, series_properties = show_entity(series_ref.title, series_ref.year, resolve)
                series = show_node(named.key, list(series_ref.ids))
                if series != key:
                    credited = series
                    shows.append(series)
                    by_show[series] = set()
                    mentioned.add(SEP.join((_SHOW, series, named.spelling)))
                    new_titles.add((series_properties["title_key"], named.key))
                    self._show_row(
                        series, named.spelling, False, series_properties, series_ref.ids, named.key
                    )
                    said = {
                        name: value
                        for name, value in (
                            ("season", listing.season_number),
                            ("episode", listing.episode_number),
                        )
                        if value is not None
                    }
                    self._edge(edges, by_show, _EPISODE_OF, _SHOW, key, series, None, said, series)
            hubs: dict[str, list[Any]] = {}
            for credit in listing.credits:
                self.identified.add(_PERSON)
                rel_type, role = credit_relationship(credit.category)
                base_key = person_key(credit.name)
                person = identified_key(base_key, parse_identifier(credit.ids[0]).key_suffix)
                if person not in hubs:
                    details = {
                        **_person_details(credit),
                        **node_identifier_properties(
                            [parse_identifier(text) for text in credit.ids]
                        ),
                    }
                    hubs[person] = [_PERSON, credit.name, credit.ids[0], base_key, details]
                self._edge(
                    edges,
                    by_show,
                    rel_type.value,
                    _PERSON,
                    person,
                    credited,
                    role,
                    _credit_properties(credit, rel_type.value),
                    credited,
                )
            for name in listing.genres:
                genre = genre_key(name)
                hubs.setdefault(genre, [_GENRE, name, None, None, None])
                self._edge(edges, by_show, _IN_GENRE, _SHOW, key, genre, None, None, key)
            self._seq += 1
            seq = self._seq
            for hub_key, (label, spelling, id_, name_key, details) in hubs.items():
                mentioned.add(SEP.join((label, hub_key, spelling)))
                self._rows["hubs"].writerow(
                    (
                        seq,
                        label,
                        hub_key,
                        spelling,
                        _text(id_),
                        _text(name_key),
                        NULL if details is None else json.dumps(details, ensure_ascii=False),
                        ""
                        if details is None
                        else SEP.join(
                            sorted(name for name, value in details.items() if value is not None)
                        ),
                    )
                )
            write_edge = self._rows["edges"].writerow
            for row, _ in edges.values():
                write_edge((seq, *row))
            credits += len(edges)
            ref = record.ref
            listing_node = {
                "key": ref.source_id,
                "file": ref.file,
                "line": ref.line,
                "record": ref.record,
                "content_hash": digest,
                "title": listing.title,
                "shows": shows,
                "mentions": sorted(mentioned),
                "loaded_at": self.loaded_at,
            }
            self._listings.write(
                json.dumps([listing_node, by_show], ensure_ascii=False, default=sorted) + "\n"
            )
        self._shows.executemany("INSERT OR IGNORE INTO ids VALUES (?, ?)", new_ids)
        self._shows.executemany("INSERT OR IGNORE INTO titles VALUES (?, ?)", sorted(new_titles))
        return credits

    def _show_row(
        self, key: str, spelling: str, main: bool, properties: dict, ids, base: str
    ) -> None:
        seq = self._seq + 1  # the listing's number (given once its rows are made)
        present = {name: value for name, value in properties.items() if value is not None}
        self._rows["shows"].writerow(
            (
                seq,
                key,
                spelling,
                main,
                json.dumps(present, ensure_ascii=False),
                _text(ids[0] if ids else None),
                base if base != key else NULL,
            )
        )

    def _edge(
        self,
        edges: dict[str, tuple[list[Any], dict[str, Any] | None]],
        by_show: dict[str, set[str]],
        rel_type: str,
        start_label: str,
        start: str,
        end: str,
        role: str | None,
        said: dict[str, Any] | None,
        show: str,
    ) -> None:
        """One edge of a listing; given twice, one edge with what both say (as the
        incremental planner's add_edge)."""
        identity = f"{rel_type}|{start}|{end}|{role or ''}"
        end_label = _SHOW if rel_type != _IN_GENRE else _GENRE
        held = edges.get(identity)
        if held is not None:
            had = held[1]
            if not had:
                merged = said
            elif said:
                merged = _merged_properties(had, said)
            else:
                merged = had
            said = merged
        by_show[show].add(identity)
        values = said or {}
        row = [
            identity,
            rel_type,
            start_label,
            start,
            end_label,
            end,
            _text(role),
            *(
                _text(
                    json.dumps(values[name], ensure_ascii=False)
                    if name in _LISTED and name in values
                    else values.get(name)
                )
                for name in _EDGE_PROPERTIES
            ),
        ]
        edges[identity] = (row, said)

    def _known(self, ids: set[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        wanted = sorted(ids)
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            found.update(
                self._shows.execute(
                    f"SELECT id, key FROM ids WHERE id IN ({', '.join('?' for _ in chunk)})",
                    chunk,
                )
            )
        return found

    def _titles(self, title_keys: set[str]) -> dict[str, set[str]]:
        return shows_by_title_in(self._shows, title_keys)

    # -- the result -------------------------------------------------------------

    def finish(self) -> duckdb.DuckDBPyConnection:
        """Once: the scratch files into DuckDB, merged, counted and numbered."""
        if self._db is not None:
            return self._db
        for file in (*self._files.values(), self._listings):
            file.flush()
        db = duckdb.connect(str(self.path / "graph.duckdb"))
        db.execute(f"SET memory_limit = '{self.memory_limit}'")
        db.execute(f"SET temp_directory = '{self.path / 'spill'}'")
        db.execute("SET preserve_insertion_order = false")
        for name, columns in _TABLES.items():
            db.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header = false,"
                f" nullstr = ?, quote = '\"', escape = '\"', columns = {_columns(columns)})",
                [str(self.path / f"{name}.csv"), NULL],
            )
        for statement in _FINISH:
            db.execute(statement)
        self._db = db
        return db

    def nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(label, properties) of every node, in the order of their places; then the
        listings and assertions (which no relationship names), then the StoreLayout node."""
        db = self.finish()
        for rows in _by_place(db, _SHOW_ROWS):
            for key, asserted_by, properties, ids, id_, name_key, spelled, votes in rows:
                node = json.loads(properties)
                spellings = dict(zip(spelled, votes, strict=True))
                node.update(key=key, asserted_by=asserted_by)
                node["votes"] = votes_to_text(spellings)
                node["title"] = best(spellings)
                node.update(_identified(id_, name_key, ids))
                yield _SHOW, node
        for rows in _by_place(db, _HUB_ROWS):
            for label, key, details, ids, id_, name_key, degree, spelled, votes in rows:
                spellings = dict(zip(spelled, votes, strict=True))
                name = best(spellings)
                node = {
                    "key": key,
                    DISPLAY[label]: name,
                    "search_text": normalize_name(name),
                    DEGREE[label]: degree,
                }
                if details is not None:
                    node.update((k, v) for k, v in json.loads(details).items() if v is not None)
                if len(spellings) > 1:
                    node["votes"] = votes_to_text(spellings)
                if id_ is not None:
                    node.update(_identified(id_, name_key, ids))
                yield label, node
        with open(self.path / "listings.jsonl", encoding="utf-8") as listings:
            for line in listings:
                listing, by_show = json.loads(line)
                yield LISTING_LABEL, {k: v for k, v in listing.items() if v is not None}
                for show in listing["shows"]:
                    key = assertion_key(listing["key"], show)
                    yield (
                        ASSERTION_LABEL,
                        {
                            "key": key,
                            "listing": listing["key"],
                            "show": show,
                            "edges": by_show.get(show, []),
                        },
                    )
        layout: dict[str, Any] = {"key": "layout", "version": LAYOUT_VERSION, "legacy_listings": 0}
        if self.identified:
            layout["identified"] = sorted(self.identified)
        yield LAYOUT_LABEL, layout

    def relationships(self) -> Iterator[tuple[str, NodeRef, NodeRef, dict[str, Any]]]:
        db = self.finish()
        cursor = db.execute(_EDGE_ROWS)
        while rows := cursor.fetchmany(_FETCH):
            for row in rows:
                type_, start_label, start_key, start_at, end_label, end_key, end_at = row[:7]
                role, asserted_by = row[7], row[8]
                properties: dict[str, Any] = {}
                for name, value in zip(_EDGE_PROPERTIES, row[9:], strict=True):
                    if value is not None:
                        properties[name] = json.loads(value) if name in _LISTED else value
                properties[ASSERTED_BY] = asserted_by
                if type_ in _ROLE_TYPES and role is not None:
                    properties["role"] = role
                yield (
                    type_,
                    NodeRef(start_label, start_key, start_at),
                    NodeRef(end_label, end_key, end_at),
                    properties,
                )


def _by_place(db: duckdb.DuckDBPyConnection, query: str) -> Iterator[list[tuple]]:
    """The rows of `query` in the order of their places, without the place (`query`
    selects it first, for the places from $first to before $after), _PLACES_PER_READ
    places at a time."""
    (count,) = db.execute("SELECT count(*) FROM places").fetchone() or (0,)
    for first in range(0, count, _PLACES_PER_READ):
        rows = db.execute(query, {"first": first, "after": first + _PLACES_PER_READ}).fetchall()
        rows.sort(key=itemgetter(0))
        yield [row[1:] for row in rows]


def _show_ids(listing: Listing) -> list[str]:
    ids = list(listing.ids)
    if listing.episode_of is not None:
        ids += listing.episode_of.ids
    return ids


def _text(value: Any) -> Any:
    return NULL if value is None else value


def _columns(declared: str) -> str:
    """`a VARCHAR, b BIGINT` as read_csv's columns struct."""
    pairs = [part.strip().rsplit(" ", 1) for part in declared.split(",")]
    return "{" + ", ".join(f"'{name.strip(chr(34))}': '{kind}'" for name, kind in pairs) + "}"


def _identified(id_: str, name_key: str | None, ids: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = dict(node_identifier_properties([parse_identifier(id_)]))
    if name_key is not None:
        found[NAME_KEY] = name_key
    found["ids"] = list(dict.fromkeys(ids))
    return found
