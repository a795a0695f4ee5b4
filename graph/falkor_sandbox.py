"""Where analysts' own queries run on the embedded store: a read-only replica, watched.

FalkorDB checks a query's time limit only between some steps, and its per-query memory
cap only on some allocations (FalkorDB 4.22, measured with a 2 s limit and a 100 MB cap:
`UNWIND range(1,100000000) AS x RETURN sum(x)` ran 11 s; `RETURN size(range(1,200000000))`
allocated 3.2 GB in one step, past the cap). The server runs one query per engine thread,
so on the page-serving server such a query stalls everyone's pages and can take the
server down. Analysts' queries (Backend.run_adhoc) therefore run on a second redis-server:

- a replica of the store's server: redis replication over a loopback port, authenticated
  with the password the store's server generated (graph/embedded_server.py), so it follows
  every write without copying files, and refuses writes;
- niced, with one engine thread, so pages keep the other cores; RESULTSET_SIZE is max_rows
  + 1, so the engine stops producing rows past the cap instead of sending them all; the
  same QUERY_MEM_CAPACITY as the store's server;
- watched: while a query runs, a thread of the process that sent it kills the sandbox
  (SIGKILL) when the query passes its limit + GRACE_S, or when the sandbox has
  grown by more than the memory cap; the query fails with QueryTimeout or
  QueryMemoryExceeded, and the sandbox's keeper restarts it, resyncing from the store.

It is owned like the store's server: the first process that runs an ad-hoc query (the web
app, or a one-off `screengraph cypher`) starts it from a keeper thread, so it dies with
that process (PR_SET_PDEATHSIG); other processes attach to it and take it over when its
owner goes. Any process can kill it from its watchdog: the owner's keeper brings it back.

Its copy takes as much memory as the store's server: at 12.5 million credits 11.2 GB beside
the store's 11.4 GB, leaving 1.2 GB of a 24 GB machine. A store a little larger would have
had the kernel kill one of the two, perhaps the store's server, on an analyst's first query.
So the sandbox is started only when the machine has room for the copy and HEADROOM_BYTES
more (`room_for_a_copy`); otherwise ad-hoc queries are refused, saying why, and the pages
and the catalogue's questions go on.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from typing import Any

import redis.exceptions
from falkordb import FalkorDB
from redis.backoff import NoBackoff
from redis.retry import Retry

from screengraph.graph.adhoc_deadline import GRACE_S
from screengraph.graph.embedded_server import (
    EmbeddedServer,
    die_with_parent,
    peer_pid,
    ping,
    redis_binaries,
    write_private_config,
)
from screengraph.graph.errors import BackendUnavailable, QueryMemoryExceeded, QueryTimeout
from screengraph.graph.falkor_indexes import wait_for_indexes


def memory_limit(megabytes: int) -> str:
    """How a memory-limit error names the embedded store's limit."""
    return f"{megabytes} MB, SCREENGRAPH_QUERY_MEMORY_MB"


# How long a query waits for a sandbox that just started to copy the store (measured:
# 10-32 s for a store of 100k shows and 1.2M credits on two busy cores, indexes
# included; the copy takes as much memory as the store: 779 MB beside its 787 MB).
SYNC_WAIT_S = 120.0
_WATCH_EVERY_S = 0.02
# What must stay free beside the sandbox's copy of the store: the web app, a load, the
# kernel's cache of the store's files.
HEADROOM_BYTES = 1024**3
_NICENESS = 10
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (FileNotFoundError, ProcessLookupError):
        return 0


def _available_bytes() -> int:
    """MemAvailable: what the kernel can give without swapping or killing anything."""
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def room_for_a_copy(primary: EmbeddedServer) -> None:
    """Refuse to start the sandbox when the machine cannot hold a second copy of the
    store's server (its resident memory) and HEADROOM_BYTES beside it."""
    pid = primary.pid
    needed = (_rss_bytes(pid) if pid else 0) + HEADROOM_BYTES
    available = _available_bytes()
    if needed > available:
        raise BackendUnavailable(
            "Ad-hoc queries on the embedded store run on a copy of it in memory, which "
            f"needs {needed / 1024**3:.1f} GB (the store's server and a margin) and this "
            f"machine has {available / 1024**3:.1f} GB available, so they are off for now. "
            "Pages and the catalogue's questions still answer. Free memory, or serve "
            "analysts from Neo4j at this size (SCREENGRAPH_BACKEND=neo4j; docs/scaling.md)."
        )


def _complete_bulk(reply: bytes) -> bool:
    """Whether `reply` holds a whole redis reply: a bulk string (`$len\\r\\n...\\r\\n`)
    or an error (`-...\\r\\n`)."""
    header, separator, payload = reply.partition(b"\r\n")
    if not separator:
        return False
    if not header.startswith(b"$"):
        return True
    return len(payload) >= int(header[1:]) + 2


class SandboxServer(EmbeddedServer):
    """The replica's process: started, kept and released like the store's server."""

    name = "sandbox"
    describe = "the ad-hoc query sandbox (a read-only replica of the embedded store)"

    def __init__(
        self,
        primary: EmbeddedServer,
        *,
        max_rows: int,
        query_mem_capacity_mb: int,
        timeout_max_ms: int,
    ):
        super().__init__(
            primary.data_dir,
            timeout_default_ms=primary.timeout_default_ms,
            timeout_max_ms=timeout_max_ms,
            query_mem_capacity_mb=query_mem_capacity_mb,
            restarts=primary.restarts,
        )
        self.primary = primary
        self.max_rows = max_rows
        self.replica_conf = self.data_dir / f"{self.name}.replica.conf"

    @property
    def password(self) -> str | None:
        return None  # only its Unix socket listens, and only this user may open it

    def _preexec(self) -> None:
        die_with_parent()
        os.nice(_NICENESS)

    def _replica_config(self) -> None:
        write_private_config(
            self.replica_conf,
            {
                "replicaof": f"127.0.0.1 {self.primary.replication_port}",
                "masterauth": self.primary.password or "",
            },
        )

    def _command(self) -> list[str]:
        redis_server, module = redis_binaries()
        self._replica_config()
        return [
            redis_server,
            str(self.replica_conf),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--dbfilename",
            f"{self.name}.rdb",
            "--daemonize",
            "no",
            "--save",
            "",
            "--appendonly",
            "no",
            # Redis counts GRAPH.EXPLAIN as a write command; the queries themselves are
            # GRAPH.RO_QUERY, which the engine refuses to write with, and the replica's
            # changes would never reach the store anyway.
            "--replica-read-only",
            "no",
            # Refuse queries while it has no up-to-date copy (restarting, resyncing), rather
            # than answer from an empty or old one.
            "--replica-serve-stale-data",
            "no",
            # Load the primary's snapshot straight from the socket: nothing on disk.
            "--repl-diskless-load",
            "on-empty-db",
            "--logfile",
            str(self.log_path),
            "--loadmodule",
            module,
            *self._module_arguments(),
            "RESULTSET_SIZE",
            str(self.max_rows + 1),
            "THREAD_COUNT",
            "1",
        ]

    def _alive(self) -> bool:
        # While it copies the store it answers PING with MASTERDOWN, then LOADING: it is
        # up, and AdhocSandbox waits for the copy within its own bounds.
        return ping(self.socket_path, answers=(b"+PONG", b"-MASTERDOWN", b"-LOADING"))

    def _pause_before_restart(self, recent_deaths: int) -> float:
        # It dies when a watchdog stops a runaway: the next query should not wait for it.
        return 0.0


class AdhocSandbox:
    """Runs vetted ad-hoc queries on the sandbox, under the watchdog."""

    def __init__(
        self,
        primary: EmbeddedServer,
        *,
        max_rows: int,
        query_mem_capacity_mb: int,
        timeout_max_ms: int,
    ):
        self.server = SandboxServer(
            primary,
            max_rows=max_rows,
            query_mem_capacity_mb=query_mem_capacity_mb,
            timeout_max_ms=timeout_max_ms,
        )
        self.memory_cap_bytes = query_mem_capacity_mb * 1024 * 1024
        self._db: FalkorDB | None = None
        self._copied_once = False
        self._guard = threading.Lock()
        self._starter: _Start | None = None

    def _client(self, deadline: float | None = None) -> FalkorDB:
        """The sandbox's client, once it answers: a query waits for its start only until
        its own deadline (by default, the first copy's bound), then is refused with a
        retryable error while the start goes on for the next query.

        Its client never retries: redis-py's default retries a lost connection ten times
        with a growing pause (4.3 s against a sandbox being restarted), past any limit."""
        if deadline is None:
            deadline = time.monotonic() + SYNC_WAIT_S
        if self._db is None:
            start = self._start()
            if not start.done.wait(max(0.0, deadline - time.monotonic())):
                raise BackendUnavailable(
                    f"{self.server.describe.capitalize()} is starting (it restarts after a "
                    "runaway query) and was not ready within this query's limit. Run the "
                    f"query again in a few seconds; if this persists, see {self.server.log_path}."
                )
            if start.error is not None:
                raise start.error
            with self._guard:
                if self._db is None:
                    self._db = FalkorDB(
                        unix_socket_path=str(self.server.socket_path), retry=Retry(NoBackoff(), 0)
                    )
        return self._db

    def _start(self) -> _Start:
        """Start the sandbox (and the store's server, which it copies) in a thread of its
        own, unless a start is under way: the keeper's restart, the copy of a big store or
        a start after a crash loop can take seconds, and no query waits past its limit."""
        with self._guard:
            if self._starter is None or self._starter.done.is_set():
                self._starter = _Start()
                threading.Thread(
                    target=self._starter.run,
                    args=(self.server,),
                    name="screengraph-sandbox-start",
                    daemon=True,
                ).start()
            return self._starter

    def forget_client(self) -> None:
        with self._guard:
            if self._db is not None:
                # Idle connections only: closing one a request thread still uses let its
                # next read or write land on another connection given the same file number.
                self._db.connection.connection_pool.disconnect(inuse_connections=False)
            self._db = None

    def warm(self) -> None:
        """Start the sandbox and take the first copy of the store now, not at the first
        query (a long-running server calls this once, in the background, at start)."""
        deadline = time.monotonic() + SYNC_WAIT_S
        db = self._client(deadline)
        if not self._copied_once:
            self._wait_for_copy(db, deadline)
            self._copied_once = True

    def run(
        self,
        graph_name: str,
        query: str,
        timeout_ms: int,
        generation: int,
        generation_key: str,
        *,
        explain: bool = False,
        deadline: float | None = None,
    ) -> tuple[Any, int]:
        """Run `query` once the sandbox has caught up with `generation`; never retried.
        Returns its result and the row cap the sandbox's engine applied (its owner's
        max_rows: it stops one row past it). With `explain`, only plan it (GRAPH.EXPLAIN):
        the reply is the plan. Planning is not free either (FalkorDB folds constant
        expressions while planning: `range(1, 1000000000)` is built then), so it too runs
        here, under the watchdog, never on the server that serves pages.

        The first copy of the store, when this process first uses the sandbox (a
        one-off `screengraph cypher`, say), is not the query's time: it has its own bound
        (SYNC_WAIT_S). After that, a sandbox copying the store again (it was stopped for
        a runaway), restarting, or catching up with the last writes counts within the
        query's limit, so every query stops within limit + GRACE_S: what waits on the
        sandbox's engine (its index check, the query) runs under the watchdog, and the
        rest gives up at the deadline with a retryable error. `deadline` (by default, the
        limit from now) is shared by a query's plan and its run: both wait for the same
        sandbox, and the limit is the analyst's whole wait.
        """
        if deadline is None:
            deadline = time.monotonic() + timeout_ms / 1000.0
        try:
            if not self._copied_once:
                self.warm()
                deadline = time.monotonic() + timeout_ms / 1000.0
            db = self._client(deadline)
            self._wait_for_copy(db, deadline)
            # Who listens on its socket (the kernel says; the server need not answer).
            pid = peer_pid(self.server.socket_path, timeout=0.1)
        except (redis.exceptions.ConnectionError, FileNotFoundError, ConnectionRefusedError) as exc:
            self.forget_client()
            raise self._restarting(exc) from exc
        except redis.exceptions.ResponseError as exc:
            if str(exc).startswith("MASTERDOWN"):  # its link to the store dropped just now
                raise self._restarting(exc) from exc
            raise
        if pid is None:
            self.forget_client()
            raise self._restarting("it stopped just now")
        verdict: dict[str, str] = {}
        done = threading.Event()
        watchdog = threading.Thread(
            target=self._watch,
            args=(pid, deadline + GRACE_S, verdict, done),
            name="screengraph-sandbox-watchdog",
            daemon=True,
        )
        watchdog.start()
        try:
            # Its index check queues on the engine behind other analysts' queries.
            self._catch_up(db, graph_name, generation, generation_key, deadline)
            row_cap = (
                int(db.connection.execute_command("GRAPH.CONFIG", "GET", "RESULTSET_SIZE")[1]) - 1
            )
            # The engine's own limit ends at the deadline too, so that it, not the
            # watchdog, stops the queries it can stop.
            remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
            if explain:
                return db.connection.execute_command("GRAPH.EXPLAIN", graph_name, query), row_cap
            return (
                db.select_graph(graph_name).ro_query(query, None, timeout=remaining_ms),
                row_cap,
            )
        except redis.exceptions.ResponseError as exc:
            if str(exc).startswith("MASTERDOWN"):
                raise self._restarting(exc) from exc
            raise
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            self.forget_client()
            done.set()
            watchdog.join()
            if verdict.get("why") == "time":
                raise QueryTimeout(timeout_ms, "the embedded store (FalkorDB)") from exc
            if verdict.get("why") == "memory":
                raise QueryMemoryExceeded(
                    memory_limit(self.memory_cap_bytes // (1024 * 1024)),
                    "the embedded store (FalkorDB)",
                ) from exc
            raise BackendUnavailable(
                "The ad-hoc query sandbox stopped while this query ran (another runaway "
                "query was stopped, most likely). Run it again in a few seconds."
            ) from exc
        finally:
            done.set()

    def _watch(
        self, pid: int, kill_at: float, verdict: dict[str, str], done: threading.Event
    ) -> None:
        baseline = _rss_bytes(pid)
        while not done.wait(_WATCH_EVERY_S):
            if time.monotonic() >= kill_at:
                verdict["why"] = "time"
            elif self.memory_cap_bytes and _rss_bytes(pid) - baseline > self.memory_cap_bytes:
                verdict["why"] = "memory"
            else:
                continue
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return

    def _wait_for_copy(self, db: FalkorDB, deadline: float) -> None:
        """Wait until the sandbox holds a full copy of the store (its replication link up),
        following the store's server if it came back on another port."""
        connection = db.connection
        while True:
            replication = self._replication(deadline)
            port = self.server.primary.replication_port
            if replication is None:
                # Too busy loading the copy to answer yet, or stopped for good after a crash
                # loop (then this query starts it again, as the next query does the store's,
                # and waits for it within its limit).
                self._start()
            elif port and int(replication.get("master_port") or 0) != port:
                connection.config_set("masterauth", self.server.primary.password or "")
                connection.execute_command("REPLICAOF", "127.0.0.1", port)
            elif replication.get("master_link_status") == "up":
                return
            if time.monotonic() >= deadline:
                raise BackendUnavailable(
                    f"{self.server.describe.capitalize()} is copying the store (it restarts "
                    "after a runaway query). Run the query again in a few seconds; if this "
                    f"persists, see {self.server.log_path} and {self.server.primary.log_path}."
                )
            time.sleep(0.05)

    def _replication(self, deadline: float) -> dict[str, str] | None:
        """The sandbox's replication status, or None if it does not answer by `deadline`:
        while it loads a copy it serves requests only now and then (for seconds on a large
        store), and a client's connect and reads must not outlast the query's limit."""
        request = b"*2\r\n$4\r\nINFO\r\n$11\r\nreplication\r\n"
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(max(0.05, min(0.5, deadline - time.monotonic())))
                s.connect(str(self.server.socket_path))
                s.sendall(request)
                reply = b""
                while not _complete_bulk(reply):
                    chunk = s.recv(4096)
                    if not chunk:
                        return None
                    reply += chunk
        except OSError:  # a timeout included
            return None
        if not reply.startswith(b"$"):
            return None  # an error reply (LOADING...)
        lines = reply.decode(errors="replace").split("\r\n")[1:]
        return dict(line.split(":", 1) for line in lines if ":" in line)

    def _catch_up(
        self, db: FalkorDB, graph_name: str, generation: int, generation_key: str, deadline: float
    ) -> None:
        """Wait, within the query's own limit, until the sandbox holds what the store held
        when the query was sent: the graph's write counter reached, its indexes operational."""
        connection = db.connection
        while True:
            if int(connection.get(generation_key) or 0) >= generation:
                remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
                if wait_for_indexes(db.select_graph(graph_name), remaining_ms):
                    return
            if time.monotonic() >= deadline:
                raise BackendUnavailable(
                    f"{self.server.describe.capitalize()} is still catching up with the last "
                    "writes to the store. Run the query again in a few seconds."
                )
            time.sleep(0.02)

    def _restarting(self, exc: BaseException | str) -> BackendUnavailable:
        return BackendUnavailable(
            f"{self.server.describe.capitalize()} is restarting ({exc}). Run the query again "
            "in a few seconds."
        )

    def close(self) -> None:
        self.forget_client()
        self.server.stop()


class _Start:
    """One start of the sandbox, run in its own thread: whether it is over, and how it failed."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None

    def run(self, server: SandboxServer) -> None:
        try:
            server.primary.ensure_running()
            if not server._alive():  # one running already is in what the kernel counts
                room_for_a_copy(server.primary)
            server.ensure_running()
        except BaseException as exc:  # handed to the queries waiting for this start
            self.error = exc
        finally:
            self.done.set()
