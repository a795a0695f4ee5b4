"""The Neo4j backend, through the official driver (6.x, Rust extension).

Reads run as auto-commit transactions of read sessions (one round trip; a
cluster routes them to readers, the server refuses writes in them; retried
once on transient errors, except running out of transaction memory, which a
retry hits again). A capped read streams: the driver pulls max_rows + 1
records and discards the rest on the server, so a huge result never crosses
the wire. Memory: the server's `db.memory.transaction.max` (scripts/neo4j-local
sets it from the query_memory_mb setting; for a packaged Neo4j set it in
neo4j.conf) fails a transaction that grows past it. Writes run in managed write transactions, which the driver retries on
transient errors (our statements are idempotent MERGEs). Time limits are
transaction timeouts, in seconds for the driver: settings are milliseconds.

An analyst's query (`_run_isolated`) carries a tag in its transaction metadata; past
its hard deadline the backend terminates it by that tag from another connection
(SHOW TRANSACTIONS ... TERMINATE TRANSACTIONS, which Community allows in a read
session), so that the server does not go on with a query nobody waits for. Neo4j
checks a termination, like its timeout, between rows only: the loops inside one
expression that it cannot stop are refused before they run (graph/adhoc_loops.py).
"""

from __future__ import annotations

import logging
import pathlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypedDict

import neo4j
from neo4j import GraphDatabase, unit_of_work
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ResultFailedError,
    ServiceUnavailable,
    SessionExpired,
)
from neo4j.graph import Node, Path, Relationship

from screengraph.graph.adhoc_deadline import Slots, within_deadline
from screengraph.graph.adhoc_policy import AdhocPlan
from screengraph.graph.backend import (
    Backend,
    BackendInfo,
    FoundPath,
    Results,
    Statement,
    write_stats,
)
from screengraph.graph.errors import (
    BackendUnavailable,
    ConstraintViolation,
    GraphError,
    QueryError,
    QueryMemoryExceeded,
    QueryTimeout,
    ReadOnlyViolation,
)
from screengraph.graph.neo4j_import import ImportFiles, write_import_files
from screengraph.graph.neo4j_lease import LEASE_LABEL, LoadLease
from screengraph.graph.schema import (
    FULLTEXT_INDEX,
    FULLTEXT_LABELS,
    KEY,
    SEARCH_TEXT,
    lookup_indexes,
    unique_properties,
)
from screengraph.graph.syntax_errors import QuerySyntaxError, neo4j_syntax_error
from screengraph.graph.values import node_value, plain, relationship_value

_NAME = "Neo4j"
# A server that just started compiles its first queries slowly: give `doctor` room.
_COLD_START_MS = 15_000
# Ad-hoc queries of this process that may be running on the server at once, counting
# the ones abandoned at their deadline (graph/adhoc_deadline.py).
_ADHOC_SLOTS = 4
# What the server reports when a transaction passes db.memory.transaction.max (or the
# heap runs out): retrying cannot help.
_OUT_OF_MEMORY = ("MemoryPoolOutOfMemoryError", "OutOfMemoryError")
# The transaction metadata key of an analyst's query, and how it is stopped past its
# deadline: one statement, so that a tag matched is a transaction terminated.
ADHOC_TAG = "screengraph_adhoc"
_TERMINATE_TAGGED = (
    f"SHOW TRANSACTIONS YIELD transactionId, metaData WHERE metaData.{ADHOC_TAG} = $tag "
    "TERMINATE TRANSACTIONS transactionId YIELD transactionId AS stopped RETURN stopped"
)
_TERMINATE_TIMEOUT_MS = 10_000

log = logging.getLogger(__name__)


def lucene_query(terms: list[str]) -> str:
    """Every word must match: exactly (boosted), as a prefix, or one edit away."""
    parts = []
    for term in terms:
        if len(term) >= 4:
            parts.append(f"({term}^3 OR {term}* OR {term}~1)")
        else:
            parts.append(f"({term}^3 OR {term}*)")
    return " AND ".join(parts)


# Loads into one database from this process take turns (see Backend.one_load_at_a_time).
_LOAD_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOAD_LOCKS_GUARD = threading.Lock()


class Neo4jBackend(Backend):
    name = "neo4j"
    dialect = "neo4j"

    def __init__(
        self,
        uri: str,
        username: str | None,
        password: str | None,
        database: str = "neo4j",
        *,
        query_timeout_ms: int = 2000,
        write_timeout_ms: int = 60000,
        max_rows: int = 1000,
    ):
        super().__init__(query_timeout_ms, write_timeout_ms, max_rows)
        self._adhoc_slots = Slots(_ADHOC_SLOTS)
        # When the analyst's query now being run on this thread was asked for.
        self._adhoc_asked = threading.local()
        self.uri = uri
        self.database = database
        auth = (username or "neo4j", password) if password else None
        # Every session of this backend follows one chain of bookmarks: a read that comes
        # after a write of this process (a load, then its pages), whichever session and
        # whichever cluster member serves it, waits until that member has the write.
        # Other processes see it through the store's generation (webapp/page_cache.py)
        # and, on a cluster, once their own reads' members have caught up
        # (docs/scaling.md).
        self._bookmarks = GraphDatabase.bookmark_manager()
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=auth,
                max_transaction_retry_time=15.0,
                connection_timeout=10.0,
                user_agent="screengraph",
                # Notifications such as "property `season` does not exist" (normal in a
                # catalogue without series) were logged on every page view.
                notifications_min_severity="OFF",
            )
        except ValueError as exc:
            raise BackendUnavailable(
                f"NEO4J_URI={uri!r} is not a Neo4j address ({exc}). Use bolt://host:7687, "
                "neo4j://host:7687 or neo4j+s://xxxx.databases.neo4j.io."
            ) from exc

    # -- queries ----------------------------------------------------------

    def run_read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> Results:
        return self._read(cypher, params, timeout_ms, max_rows)

    def _read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        timeout_ms: int | None,
        max_rows: int | None,
        metadata: dict[str, Any] | None = None,
        server_timeout_ms: float | None = None,
    ) -> Results:
        """`timeout_ms` is the limit errors name; the server's own is `server_timeout_ms`
        when part of the limit is already spent."""
        timeout_ms = int(timeout_ms or self.query_timeout_ms)
        cap = self.max_rows if max_rows is None else max_rows
        query = neo4j.Query(
            cypher, timeout=(server_timeout_ms or timeout_ms) / 1000.0, metadata=metadata
        )

        def work(session: neo4j.Session) -> Results:
            with _lent(params) as sent:
                result = session.run(query, sent)
                columns = list(result.keys())
                rows: list[list[Any]] = []
                truncated = False
                for record in result:
                    if cap and len(rows) >= cap:
                        truncated = True
                        break
                    rows.append([_convert(v) for v in record.values()])
            return Results(columns, rows, truncated)

        return self._session_call(
            neo4j.READ_ACCESS, work, timeout_ms, fetch_size=cap + 1 if cap else None
        )

    def run_adhoc(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> Results:
        """The limit counts from here: the vetting's EXPLAIN compiles the query, 50-350 ms
        of it on a busy server, and the analyst waits for that too."""
        self._adhoc_asked.at = time.monotonic()
        try:
            return super().run_adhoc(cypher, params, timeout_ms=timeout_ms, max_rows=max_rows)
        finally:
            self._adhoc_asked.at = None

    def _run_isolated(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        *,
        timeout_ms: int | None,
        max_rows: int | None,
    ) -> Results:
        """A read that the caller stops waiting for at its hard deadline
        (graph/adhoc_deadline.py), and that the server is then told to terminate."""
        timeout_ms = int(timeout_ms or self.query_timeout_ms)
        asked = getattr(self._adhoc_asked, "at", None) or time.monotonic()
        remaining_ms = timeout_ms - (time.monotonic() - asked) * 1000.0
        if remaining_ms <= 0:
            raise QueryTimeout(timeout_ms, _NAME)
        tag = uuid.uuid4().hex

        def overrun() -> QueryTimeout:
            threading.Thread(
                target=self.terminate_adhoc,
                args=(tag,),
                daemon=True,
                name="screengraph-adhoc-terminate",
            ).start()
            return QueryTimeout(timeout_ms, _NAME)

        return within_deadline(
            lambda: self._read(
                cypher, params, timeout_ms, max_rows, {ADHOC_TAG: tag}, remaining_ms
            ),
            remaining_ms,
            self._adhoc_slots,
            overrun,
        )

    def terminate_adhoc(self, tag: str) -> list[str]:
        """Terminate the analyst's transaction tagged `tag`, from a connection of its own;
        the ids of the transactions terminated (none once it has ended)."""
        try:
            return [
                row[0]
                for row in self.run_read(
                    _TERMINATE_TAGGED, {"tag": tag}, timeout_ms=_TERMINATE_TIMEOUT_MS, max_rows=0
                ).rows
            ]
        except (GraphError, DriverError) as exc:
            # The deadline's slot cap still bounds what this process leaves running.
            log.warning("could not terminate an overrunning ad-hoc query on Neo4j: %s", exc)
            return []

    def server_still_runs(self, text: str) -> bool:
        return (
            self.run_read(
                "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $text "
                "RETURN count(*) AS running",
                {"text": text},
                max_rows=0,
            ).value()
            > 0
        )

    def run_write(
        self,
        cypher: str | Statement,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> Results:
        timeout_ms = int(timeout_ms or self.write_timeout_ms)
        if isinstance(cypher, Statement):
            params = cypher.params
            cypher = cypher.cypher

        @unit_of_work(timeout=timeout_ms / 1000.0)
        def work(tx: neo4j.ManagedTransaction) -> Results:
            with _lent(params) as sent:
                result = tx.run(cypher, sent)
                columns = list(result.keys())
                rows = [[_convert(v) for v in record.values()] for record in result]
                return Results(columns, rows, False, write_stats(result.consume().counters))

        return self._session_call(neo4j.WRITE_ACCESS, work, timeout_ms)

    def run_write_many(self, statements, *, timeout_ms: int | None = None) -> None:
        timeout_ms = int(timeout_ms or self.write_timeout_ms)

        @unit_of_work(timeout=timeout_ms / 1000.0)
        def work(tx: neo4j.ManagedTransaction) -> Results:
            for cypher, params in statements:
                with _lent(params) as sent:
                    tx.run(cypher, sent).consume()
            return Results([], [])

        self._session_call(neo4j.WRITE_ACCESS, work, timeout_ms)

    def _session_call[T](
        self,
        mode: str,
        work: Callable[[Any], T],
        timeout_ms: int,
        *,
        fetch_size: int | None = None,
        bookmarks_forgotten: bool = False,
    ) -> T:
        """`work` takes the read's session (READ_ACCESS) or the write's managed transaction."""
        try:
            if mode == neo4j.READ_ACCESS:
                return self._auto_commit_read(work, fetch_size)
            with self._driver.session(
                database=self.database, default_access_mode=mode, bookmark_manager=self._bookmarks
            ) as session:
                return session.execute_write(work)
        except Neo4jError as exc:
            if _BOOKMARK_AHEAD in (exc.code or "") and not bookmarks_forgotten:
                # The database is behind this process's last write, past the driver's own
                # retries: it was replaced (neo4j-admin load or import, a restore) while this
                # process ran, and every read would wait for a transaction it will never
                # have. Forget this process's bookmarks and ask again.
                log.warning(
                    "Neo4j at %s is behind this process's last write (%s): the database was "
                    "replaced while it ran; reading it as it is now",
                    self.uri,
                    exc.message,
                )
                self._bookmarks = GraphDatabase.bookmark_manager()
                return self._session_call(
                    mode, work, timeout_ms, fetch_size=fetch_size, bookmarks_forgotten=True
                )
            raise self._translate(exc, timeout_ms) from exc
        except ResultFailedError as exc:
            # The driver reports a failure while consuming results this way; the server's
            # own error (a timeout, usually) is in the exception chain.
            cause = exc.__cause__ or exc.__context__
            while cause is not None and not isinstance(cause, Neo4jError):
                cause = cause.__cause__ or cause.__context__
            if cause is not None:
                raise self._translate(cause, timeout_ms) from exc
            raise QueryError(f"Neo4j: {exc}") from exc
        except (ServiceUnavailable, SessionExpired) as exc:
            raise BackendUnavailable(
                f"Neo4j at {self.uri} is not reachable ({exc}). Start it (for a local one: "
                "'scripts/neo4j-local start') or fix NEO4J_URI."
            ) from exc

    def _auto_commit_read[T](self, work: Callable[[neo4j.Session], T], fetch_size: int | None) -> T:
        """One read in an auto-commit transaction of a read session, retried once if transient.

        One network round trip instead of a managed transaction's two; the session's
        read mode still routes it to a reader and the server still refuses writes.
        `fetch_size` records are pulled at a time (the driver's default when None).
        """
        options: _SessionOptions = {"fetch_size": fetch_size} if fetch_size else {}
        for attempt in (1, 2):
            try:
                with self._driver.session(
                    database=self.database,
                    default_access_mode=neo4j.READ_ACCESS,
                    bookmark_manager=self._bookmarks,
                    **options,
                ) as session:
                    return work(session)
            except (ServiceUnavailable, SessionExpired):
                if attempt == 2:
                    raise
            except Neo4jError as exc:
                if (
                    attempt == 2
                    or not exc.is_retryable()
                    or any(name in (exc.code or "") for name in _OUT_OF_MEMORY)
                ):
                    raise
        raise AssertionError("unreachable")

    def _translate(self, exc: Neo4jError, timeout_ms: int) -> Exception:
        code = exc.code or ""
        if isinstance(exc, AuthError) or "Security.Unauthorized" in code:
            return BackendUnavailable(
                f"Neo4j at {self.uri} refused the credentials: check NEO4J_USERNAME and "
                'NEO4J_PASSWORD (for the local server: eval "$(scripts/neo4j-local env)").'
            )
        # A transaction stopped at its time limit while it waited for a lock reports
        # LockClientStopped (seen under load) rather than a timeout.
        if "TimedOut" in code or "Transaction.Terminated" in code or "LockClientStopped" in code:
            return QueryTimeout(timeout_ms, _NAME)
        if "AccessMode" in code:
            return ReadOnlyViolation(_NAME)
        if any(name in code for name in _OUT_OF_MEMORY):
            return QueryMemoryExceeded("the server's db.memory.transaction.max", _NAME)
        if "ConstraintValidationFailed" in code:
            return ConstraintViolation(f"Neo4j: {exc.message}")
        if "DatabaseNotFound" in code:
            return BackendUnavailable(
                f"Neo4j has no database {self.database!r}: set NEO4J_DATABASE to an existing one."
            )
        if "Statement.SyntaxError" in code:
            parsed = neo4j_syntax_error(exc.message or "")
            if parsed is not None:
                return parsed
        return QueryError(f"Neo4j: {exc.message or exc}")

    def fulltext_search(self, text: str, labels: list[str], limit: int) -> Results:
        from screengraph.graph.keys import normalize_name

        terms = normalize_name(text).split()
        if not terms:
            return Results(["node", "score"], [])
        # In the index's own order (score, then its document order): re-sorting what its
        # limit kept would make the first N of a longer fetch differ from a shorter one's.
        return self.run_read(
            "CALL db.index.fulltext.queryNodes($index, $query, {limit: $fetch}) "
            "YIELD node, score WHERE any(l IN labels(node) WHERE l IN $labels) "
            "RETURN node, score LIMIT $limit",
            {
                "index": FULLTEXT_INDEX,
                "query": lucene_query(terms),
                "labels": labels,
                "limit": limit,
                "fetch": limit * 4,
            },
            max_rows=0,
        )

    def fulltext_count(self, text: str, labels: list[str]) -> int:
        from screengraph.graph.keys import normalize_name

        terms = normalize_name(text).split()
        if not terms:
            return 0
        return self.run_read(
            "CALL db.index.fulltext.queryNodes($index, $query) YIELD node "
            "WHERE any(l IN labels(node) WHERE l IN $labels) RETURN count(node)",
            {"index": FULLTEXT_INDEX, "query": lucene_query(terms), "labels": labels},
        ).rows[0][0]

    def bookmarks(self) -> frozenset[str]:
        """What this process's next read waits for: the bookmarks of its last writes."""
        return frozenset(self._bookmarks.get_bookmarks())

    def shortest_paths(
        self,
        source: tuple[str, str],
        target: tuple[str, str],
        rel_types: tuple[str, ...],
        max_hops: int,
        timeout_ms: int,
        limit: int = 1,
    ) -> list[FoundPath] | str:
        # Imported here: paths need numpy (graph/adjacency.py), 0.17 s of every one-off
        # command that asks for none.
        from screengraph.graph import shortest_paths

        return shortest_paths.native_shortest(
            self, source, target, rel_types, max_hops, timeout_ms, limit
        )

    def generation(self) -> str:
        """The database's last committed transaction, as the bookmark a read transaction
        ends with: any client's write moves it, screengraph's or not (a read does not).
        Community Edition tells it no other way (SHOW DATABASES' lastCommittedTxn is
        empty there)."""

        def work(session: neo4j.Session) -> str:
            session.run("RETURN 1").consume()
            return "|".join(sorted(session.last_bookmarks().raw_values))

        return self._session_call(neo4j.READ_ACCESS, work, self.query_timeout_ms)

    # -- schema -----------------------------------------------------------

    @contextmanager
    def one_load_at_a_time(self) -> Iterator[None]:
        """A lock per database within this process, then a lease in the database itself
        for loads from other processes and machines (graph/neo4j_lease.py)."""
        with _LOAD_LOCKS_GUARD:
            lock = _LOAD_LOCKS.setdefault((self.uri, self.database), threading.Lock())
        with lock, LoadLease(self):
            yield

    def bulk_import(self, nodes, relationships, folder: pathlib.Path | None = None) -> str:
        """neo4j-admin imports into a stopped database only: write its files into `folder`
        and say what to run (graph/neo4j_import.py); `finish_bulk_import` ends it."""
        self.check_bulk_target()
        folder = pathlib.Path(folder or "screengraph-import").resolve()
        files = write_import_files(folder, nodes, relationships)
        files.save()
        return bulk_instructions(files, self.database)

    def finish_bulk_import(self, folder_or_files: pathlib.Path | ImportFiles) -> None:
        """After neo4j-admin's import: the schema, then what CSV cannot say (empty lists),
        found by key through the schema's index rather than a scan per batch."""
        files = (
            folder_or_files
            if isinstance(folder_or_files, ImportFiles)
            else ImportFiles.read(pathlib.Path(folder_or_files))
        )
        # The first queries on a freshly imported store took over the read limit here
        # (SHOW INDEXES > 2 s right after the restart): give them the write limit.
        self.run_read(
            "SHOW INDEXES YIELD name RETURN count(name)",
            max_rows=0,
            timeout_ms=self.write_timeout_ms,
        )
        self.ensure_schema()
        for statement, params in files.finish_statements():
            self.run_write(statement, params)

    def ensure_schema(self) -> None:
        """Create what is missing, and only that: a reader-only account (Enterprise, Aura)
        can then start the app on a database whose schema a writer made."""
        existing = self._schema_names()
        wanted = {
            f"{label.lower()}_{prop}": f"CREATE CONSTRAINT {label.lower()}_{prop} IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
            for label, prop in unique_properties()
        }
        wanted["load_lease_key"] = (
            f"CREATE CONSTRAINT load_lease_key IF NOT EXISTS "
            f"FOR (n:{LEASE_LABEL}) REQUIRE n.{KEY} IS UNIQUE"
        )
        for label, prop in lookup_indexes():
            wanted[f"{label.lower()}_{prop}"] = (
                f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
            )
        labels = "|".join(label.value for label in FULLTEXT_LABELS)
        wanted[FULLTEXT_INDEX] = (
            f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) "
            f"ON EACH [n.{SEARCH_TEXT}] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}"
        )
        for name, statement in wanted.items():
            if name not in existing:
                self.run_write(statement)
        self.run_read("CALL db.awaitIndexes(120)", max_rows=0, timeout_ms=125_000)

    def _schema_names(self) -> set[str]:
        """Names of the constraints and indexes there are (none if we may not list them)."""
        try:
            return {
                row[0]
                for query in (
                    "SHOW CONSTRAINTS YIELD name RETURN name",
                    "SHOW INDEXES YIELD name RETURN name",
                )
                for row in self.run_read(query, max_rows=0).rows
            }
        except QueryError:
            return set()

    # -- admin ------------------------------------------------------------

    def info(self) -> BackendInfo:
        try:
            self._driver.verify_connectivity()
            row = self.run_read(
                "CALL dbms.components() YIELD name, versions, edition "
                "RETURN name, versions[0] AS version, edition",
                max_rows=0,
                timeout_ms=_COLD_START_MS,
            ).single()
            version = f"{row['name']} {row['version']} {row['edition']}" if row else "unknown"
            return BackendInfo("neo4j", version, f"{self.uri} (database {self.database})", True)
        except AuthError:
            return BackendInfo(
                "neo4j",
                "unknown",
                self.uri,
                False,
                {
                    "error": "authentication failed",
                    "what to do": "check NEO4J_USERNAME and NEO4J_PASSWORD",
                },
            )
        except (ServiceUnavailable, SessionExpired, BackendUnavailable, OSError) as exc:
            return BackendInfo(
                "neo4j",
                "unknown",
                self.uri,
                False,
                {
                    "error": str(exc),
                    "what to do": "start Neo4j ('scripts/neo4j-local start' runs one without "
                    "Docker) or point NEO4J_URI at a running server",
                },
            )

    def close(self) -> None:
        self._driver.close()

    def adhoc_plan(self, cypher: str, params: Mapping[str, Any] | None) -> AdhocPlan:
        """The server's plan of an analyst's query, for graph/adhoc_policy.py (EXPLAIN: it
        compiles, nothing runs)."""
        from screengraph.graph.adhoc_plans import neo4j_plan

        prefix = "EXPLAIN "

        def work(session: neo4j.Session) -> AdhocPlan:
            with _lent(params) as sent:
                summary = session.run(
                    neo4j.Query(prefix + cypher, timeout=self.query_timeout_ms / 1000.0), sent
                ).consume()
                return neo4j_plan(summary.query_type, summary.plan, _NAME)

        # Within the analyst's deadline like the run: a server that fails to compile a
        # query may never answer (a parser's stack overflow did), and the driver would
        # then wait for its socket's timeout, twice.
        asked = getattr(self._adhoc_asked, "at", None) or time.monotonic()
        remaining_ms = self.query_timeout_ms - (time.monotonic() - asked) * 1000.0
        try:
            return within_deadline(
                lambda: self._session_call(neo4j.READ_ACCESS, work, self.query_timeout_ms),
                remaining_ms,
                self._adhoc_slots,
                lambda: QueryTimeout(self.query_timeout_ms, _NAME),
            )
        except QuerySyntaxError as exc:
            raise exc.shifted(prefix) from None


class _SessionOptions(TypedDict, total=False):
    fetch_size: int


_BOOKMARK_AHEAD = "Neo.TransientError.Transaction.BookmarkTimeout"


class _UnloggedList(list):
    __slots__ = ()

    def __repr__(self) -> str:
        return f"<list of {len(self)}>"


class _UnloggedMap(dict):
    __slots__ = ()

    def __repr__(self) -> str:
        return f"<map of {len(self)}>"


@contextmanager
def _lent(params: Mapping[str, Any] | None) -> Iterator[dict[str, Any]]:
    """Parameters as the driver wants them, for one query, emptied once it has ended.

    The driver formats every RUN's parameters with repr() for a debug log line, even
    when debug logging is off (neo4j 6.4, io/_bolt/_bolt5.py); a loader batch's
    parameters are megabytes, and formatting them took ~0.5 s of a 20,000-listing
    load's Python time. So lists and maps go as subclasses it does not format (they
    travel as lists and maps).

    And the driver keeps them: a query's Result holds its parameters (as does its
    summary), and the Result, its Session and their handlers (bound methods of one
    another) form reference cycles, which only the cyclic collector frees. A load runs
    that collector rarely (loaders/pipeline.py, _rare_collections), so every batch's
    rows stayed in memory: the loader's peak grew from 131 to 325 MB between 2,000 and
    20,000 IMDb-shaped titles. Emptied here, what those cycles keep is empty containers
    and the rows go with the batch that made them.
    """
    wrapped: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if type(value) is list:
            value = _UnloggedList(value)
        elif type(value) is dict:
            value = _UnloggedMap(value)
        wrapped[name] = value
    try:
        yield wrapped
    finally:
        for value in wrapped.values():
            if isinstance(value, (_UnloggedList, _UnloggedMap)):
                value.clear()
        wrapped.clear()


def _key_of(keys: dict[str, Any], node: Node | None) -> Any:
    """The key of a relationship's end among its path's nodes (the driver sets both ends)."""
    return keys.get(node.element_id) if node is not None else None


def _convert(value: Any) -> Any:
    if isinstance(value, Node):
        return node_value(value.labels, dict(value))
    if isinstance(value, Relationship):
        return relationship_value(value.type, dict(value))
    if isinstance(value, Path):
        keys = {n.element_id: n.get(KEY) for n in value.nodes}
        out: list[Any] = []
        for i, node in enumerate(value.nodes):
            out.append(node_value(node.labels, dict(node)))
            if i < len(value.relationships):
                rel = value.relationships[i]
                out.append(
                    relationship_value(
                        rel.type,
                        dict(rel),
                        _key_of(keys, rel.start_node),
                        _key_of(keys, rel.end_node),
                    )
                )
        return out
    if isinstance(value, list):
        return [_convert(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _convert(v) for k, v in value.items()}
    return plain(value)


def bulk_instructions(files: ImportFiles, database: str) -> str:
    """What to run to import the files: neo4j-admin, with the database stopped."""
    command = files.command(database)
    return "\n".join(
        [
            f"Wrote the graph for neo4j-admin into {files.folder}. To import it:",
            f"1. Stop the database: Community has one, so stop the server (`neo4j stop`, "
            f"`scripts/neo4j-local stop`, `docker compose stop app neo4j`); on Enterprise you can "
            f"import into a new database name instead of {database!r}, then CREATE DATABASE it "
            "and set NEO4J_DATABASE to it (the live one keeps serving until you switch).",
            "2. Import, with the server's own neo4j-admin (it replaces the database's files):",
            f"   {command}",
            "   (with scripts/neo4j-local: `scripts/neo4j-local admin ...` in place of neo4j-admin;",
            "   with the compose service: `docker compose run --rm -v "
            f"{files.folder}:{files.folder}:ro neo4j neo4j-admin ...`)",
            "3. Start the server again (`neo4j start`, `scripts/neo4j-local start`, "
            "`docker compose start neo4j app`).",
            f"4. Finish: screengraph load --bulk {files.folder}",
            "   (sets what CSV cannot hold and creates the indexes and constraints).",
        ]
    )
