"""The one small interface every backend implements, and the `Results` it returns.

Callers see the same shapes whichever database answers: a node is a plain dict
with its label and key, a relationship a dict with its type, a path a list that
alternates nodes and relationships. Engine ids never leave this package.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from screengraph.graph.adhoc_policy import AdhocPlan, vet_adhoc
from screengraph.graph.errors import BackupRefused, BulkImportRefused
from screengraph.graph.observe import instrument
from screengraph.graph.schema import HISTORY_LABELS, SCHEMA
from screengraph.graph.syntax_errors import QuerySyntaxError
from screengraph.graph.values import check_nesting, nested_too_deep

# A path found: its nodes as (label, key, name) and, between each two, the relationship
# as (type, role, start key, end key).
FoundPath = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


class NodeRef(NamedTuple):
    """A relationship's end in a bulk import: its node's label and key, and the node's
    place among the import's nodes (from 0), by which GRAPH.BULK names it."""

    label: str
    key: str
    position: int


@dataclass
class Results:
    """Rows of one query, their column names, and whether rows were cut at the cap."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False
    stats: dict[str, int] = field(default_factory=dict)
    # How long the engine itself took to run the query, where it says (FalkorDB does in
    # every reply): without the time the reply spent reaching a busy client.
    engine_seconds: float | None = None

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records())

    def __len__(self) -> int:
        return len(self.rows)

    def single(self) -> dict[str, Any] | None:
        """The first record, or None when there is none."""
        return self.records()[0] if self.rows else None

    def value(self, default: Any = None) -> Any:
        """The first column of the first row: handy for counts."""
        return self.rows[0][0] if self.rows else default

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows, "truncated": self.truncated}


# A node of the catalogue (the load history of a failed load does not make a graph "not empty").
_ANY_CATALOGUE_NODE = (
    "MATCH (n) WHERE NOT any(label IN labels(n) WHERE label IN $history) RETURN count(n) > 0"
)

STAT_NAMES = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
)


def write_stats(counters: object) -> dict[str, int]:
    """What a write changed, from either engine's counters object."""
    return {name: int(getattr(counters, name, 0) or 0) for name in STAT_NAMES}


@dataclass(frozen=True)
class Statement:
    """A write made ready ahead of time (`Backend.statement`), for `run_write`."""

    cypher: str
    params: Mapping[str, Any]
    wire: Any = None  # the engine's own encoding of both, when it takes one


@dataclass(frozen=True)
class BackendInfo:
    """What `screengraph doctor` reports."""

    backend: str
    server_version: str
    location: str
    reachable: bool
    details: Mapping[str, Any] = field(default_factory=dict)


def check_page_size(page_size: int) -> None:
    if page_size < 1:
        raise ValueError(f"a page holds at least one node, not {page_size}")


class Backend(ABC):
    """A graph database screengraph can run on.

    `dialect` names the Cypher dialect ("neo4j" or "falkordb"); callers outside
    graph/ never compare it: they ask `speaks` and `pick`, so the choice of a
    per-backend variant stays here.
    """

    name: str
    dialect: str
    # Whether a read waits for a write in flight: a loader orders the work it overlaps
    # with a write accordingly.
    reads_wait_for_writes: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        instrument(cls)  # every database call timed, for the slow-query log and /metrics

    def __init__(self, query_timeout_ms: int, write_timeout_ms: int, max_rows: int):
        self.query_timeout_ms = query_timeout_ms
        self.write_timeout_ms = write_timeout_ms
        self.max_rows = max_rows

    def speaks(self, dialects: tuple[str, ...] | list[str]) -> bool:
        """Whether a query written for `dialects` runs here."""
        return self.dialect in dialects

    def pick(self, texts: Mapping[str, str]) -> str:
        """This backend's text among per-dialect variants (`default` when it has none)."""
        return texts.get(self.dialect) or texts.get("default", "")

    @abstractmethod
    def run_read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> Results:
        """Run a read-only query; a write raises ReadOnlyViolation.

        Rows beyond `max_rows` are dropped and the result marked truncated;
        `max_rows=0` means no cap (for internal, bounded queries).
        """

    def int_rows(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int | None = None
    ) -> list[list[int]]:
        """Every row of a read whose columns are all integers (ids, counts), for the
        thousands of rows of a path search's frontier; an engine may read them its
        cheaper way."""
        return self.run_read(cypher, params, timeout_ms=timeout_ms, max_rows=0).rows

    def run_adhoc(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> Results:
        """Run an analyst's own query (the console, `screengraph cypher`, the JSON API).

        Unlike the canned queries its shape is unknown, so it is vetted first
        (graph/adhoc_policy.py: what an analyst's query may do) and then run where a
        runaway cannot stall other users (`_run_isolated`).
        """
        try:
            vet_adhoc(self, cypher, params)
            results = self._run_isolated(cypher, params, timeout_ms=timeout_ms, max_rows=max_rows)
        except QuerySyntaxError as exc:  # said again about the query as the analyst wrote it
            raise exc.in_query(cypher) from None
        except RecursionError:
            # Converting a result nested hundreds of levels deep (only an analyst's own
            # query can return one): the driver's parser or graph/values.py ran out of stack.
            raise nested_too_deep(self.name) from None
        check_nesting(results.rows, self.name)
        return results

    @abstractmethod
    def adhoc_plan(self, cypher: str, params: Mapping[str, Any] | None) -> AdhocPlan:
        """The engine's plan of an analyst's query (nothing runs), for `vet_adhoc`."""

    def prepare_adhoc(self) -> None:
        """Get ready for ad-hoc queries ahead of the first (a long-running server calls it)."""
        return None  # nothing to get ready, unless an engine says otherwise

    def server_still_runs(self, text: str) -> bool:
        """Whether the database server still runs a query whose text contains `text`: when
        a stopped query is really gone (benchmarks/runaway.py). The embedded store's
        sandbox is killed at a query's deadline (graph/falkor_sandbox.py): never."""
        return False

    def _run_isolated(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        *,
        timeout_ms: int | None,
        max_rows: int | None,
    ) -> Results:
        """Where a backend runs vetted ad-hoc queries; by default, like any read."""
        return self.run_read(cypher, params, timeout_ms=timeout_ms, max_rows=max_rows)

    @abstractmethod
    def run_write(
        self,
        cypher: str | Statement,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> Results:
        """Run one write statement atomically: it applies whole or not at all."""

    def statement(self, cypher: str, params: Mapping[str, Any]) -> Statement:
        """A write encoded ahead of time, so a loader can encode its next batch while the
        engine writes the last (FalkorDB takes parameters as query text; Neo4j's driver
        encodes as it sends)."""
        return Statement(cypher, params)

    @abstractmethod
    def run_write_many(
        self, statements: list[tuple[str, Mapping[str, Any]]], *, timeout_ms: int | None = None
    ) -> None:
        """Run several write statements as one transaction.

        Neo4j rolls them all back on failure; FalkorDB has no multi-statement
        transactions, so they run as one MULTI/EXEC block: isolated, but
        statements before a failing one stay applied. Prefer one UNWIND
        statement per batch, which is atomic on both.
        """

    # -- reading a whole label in key order ---------------------------------

    def keyed_pages(
        self, label: str, returns: str, page_size: int, *, timeout_ms: int | None = None
    ) -> Iterator[list[list[Any]]]:
        """Every node of `label` that has a key, as rows `[n.key, <returns>]` in pages of
        `page_size`, in code point order of the keys (Python's order of str, the same on
        every engine): each node exactly once, memory bounded by a page, so two engines
        holding one graph give the same pages. `returns` is screengraph's own Cypher over
        `n`, never a user's. Used by the checksum, the export and the duplicate finder."""
        check_page_size(page_size)
        # A keyset pager over the key index, where the index compares strings as ORDER BY
        # does (Neo4j: code point order); FalkorDB's does not and overrides this.
        after = None
        while True:
            where = "n.key IS NOT NULL" if after is None else "n.key > $after"
            rows = self.run_read(
                f"MATCH (n:`{label}`) WHERE {where} RETURN n.key, {returns} "
                "ORDER BY n.key LIMIT $page",
                {"after": after, "page": page_size},
                max_rows=0,
                timeout_ms=timeout_ms,
            ).rows
            if rows:
                yield rows
            if len(rows) < page_size:
                return
            after = rows[-1][0]

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create constraints, lookup indexes and the full-text index if missing."""

    # -- bulk loading (loaders/bulk.py) --------------------------------------

    def check_bulk_target(self) -> None:
        """Raise BulkImportRefused unless this graph can take a bulk import now."""
        if self.run_read(_ANY_CATALOGUE_NODE, {"history": list(HISTORY_LABELS)}, max_rows=0).value(
            0
        ):
            raise BulkImportRefused(
                f"the {self.name} graph is not empty: a bulk load only makes a first load. "
                "Load without --bulk to add to it, or bulk load into a new, empty graph "
                "and switch over to it."
            )

    @abstractmethod
    def bulk_import(
        self,
        nodes: Iterable[tuple[str, dict[str, Any]]],
        relationships: Iterable[tuple[str, NodeRef, NodeRef, dict[str, Any]]],
        folder: Path | None = None,
    ) -> str | None:
        """Write a whole graph into this empty one with the engine's own bulk import, then
        create its schema (ensure_schema). Nodes are (label, properties with a key), both
        streams read once, in order; relationships (type, start, end, properties). Where the
        engine imports offline only, its files go into `folder` and the answer says what
        to run next (then `finish_bulk_import(folder)`); None when the graph is loaded."""

    def finish_bulk_import(self, folder: Path) -> None:
        """End an offline import (`bulk_import` said what to run): only Neo4j has one."""
        raise BulkImportRefused(
            f"the {self.name} store imports in one step: there is no "
            f"offline import to finish in {folder}"
        )

    def backup(self, target: Path) -> Any:
        """Write a consistent backup of the whole store to `target` while it serves; what
        the backup holds (graph/falkor_snapshot.py BackupManifest)."""
        raise BackupRefused(
            f"'screengraph backup' backs up the embedded store; {self.name} is backed up with "
            "its own tools (neo4j-admin database dump): see docs/operations.md."
        )

    @abstractmethod
    def info(self) -> BackendInfo:
        """Describe the backend without raising when it is unreachable."""

    @abstractmethod
    def shortest_paths(
        self,
        source: tuple[str, str],
        target: tuple[str, str],
        rel_types: tuple[str, ...],
        max_hops: int,
        timeout_ms: int,
        limit: int = 1,
    ) -> list[FoundPath] | str:
        """Up to `limit` shortest paths between two existing entities (each `(label, key)`)
        along `rel_types` in either direction, within `max_hops`, in the same order on
        every engine (by the (label, key) of their entities in turn); or why there is none
        (a sentence). Raises QueryTimeout past `timeout_ms`. Each engine searches its own
        way (graph/shortest_paths.py)."""

    @abstractmethod
    def fulltext_search(self, text: str, labels: list[str], limit: int) -> Results:
        """Rank nodes of `labels` whose search text matches `text`.

        Columns: node, score. Both engines index the same normalised
        `search_text` property but speak different full-text query languages,
        so this is the one query that lives in the backend. Best first, in an order that
        does not depend on `limit` (a longer fetch begins with a shorter one's rows), so
        that pages of results neither overlap nor skip.
        """

    @abstractmethod
    def fulltext_count(self, text: str, labels: list[str]) -> int:
        """How many nodes of `labels` fulltext_search would find for `text`, all of them
        (counted by the index, without reading the nodes)."""

    def generation(self) -> int | str | None:
        """A value that changes after every committed write, for caches of the graph (compared
        for equality only, and stored as JSON by the ingest stash); None when untracked."""
        return None

    def clear(self) -> None:
        """Delete every node and relationship, in slices that keep transactions small."""
        # Relationships first: 10,000 nodes can hold millions of them (a busy person), and
        # one transaction's memory is capped (SCREENGRAPH_QUERY_MEMORY_MB on Neo4j).
        while self.run_write(
            "MATCH ()-[r]->() WITH r LIMIT 10000 DELETE r RETURN count(*) AS deleted"
        ).value(0):
            pass
        while self.run_write(
            "MATCH (n) WITH n LIMIT 10000 DELETE n RETURN count(*) AS deleted"
        ).value(0):
            pass

    def one_load_at_a_time(self) -> AbstractContextManager:
        """Held by a load while it writes, so that loads into one graph take turns (a load
        remembers what it wrote): across processes on the embedded store (a lock file),
        across processes and machines on Neo4j (a lease node in the database)."""
        return nullcontext()

    @abstractmethod
    def close(self) -> None:
        """Release connections (and, for the embedded store, stop its server if owned)."""

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type."""
        counts: dict[str, int] = {}
        for label in SCHEMA.labels:
            counts[label] = self.run_read(f"MATCH (n:{label}) RETURN count(n)", max_rows=0).value(0)
        for rel in SCHEMA.relationship_types:
            counts[rel] = self.run_read(
                f"MATCH ()-[r:{rel}]->() RETURN count(r)", max_rows=0
            ).value(0)
        return counts

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
