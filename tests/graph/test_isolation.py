"""Analysts' own queries (Backend.run_adhoc) stop within their limit whatever their shape,
cannot build a huge result, and never stall the pages other users are reading."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest

from screengraph.graph.adhoc_deadline import Slots
from screengraph.graph.errors import (
    BackendUnavailable,
    QueryMemoryExceeded,
    QueryRefused,
    QueryTimeout,
)
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.neo4j_backend import ADHOC_TAG, Neo4jBackend

REPO = Path(__file__).resolve().parents[2]
LIMIT_MS = 1000
# The bound the issue states: every ad-hoc query stops within its limit + 0.5 s.
BOUND_S = LIMIT_MS / 1000 + 0.5

RUNAWAYS = {
    "aggregation over a huge UNWIND": "UNWIND range(1, 100000000) AS x RETURN sum(x)",
    "cartesian product": "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN count(*)",
    "long variable-length pattern": "MATCH p = (a:Person)-[*1..12]-(b:Person) RETURN count(p)",
    "huge collect": "UNWIND range(1, 30000000) AS x WITH collect(toString(x)) AS l RETURN size(l)",
    "string building": "UNWIND range(1, 20000) AS x "
    "RETURN size(reduce(s = '', i IN range(1, 20000) | s + 'abcdefgh'))",
}


def _ready(backend) -> None:
    """The first ad-hoc query of a process copies the store into the embedded sandbox: a
    one-off cost with its own bound (falkor_sandbox.SYNC_WAIT_S), not a query's stop time."""
    backend.run_adhoc("RETURN 1")


def _dense_people(backend, count: int = 30) -> None:
    """A small clique: variable-length patterns over it explode combinatorially."""
    backend.run_write(
        "UNWIND range(1, $n) AS i CREATE (:Person {key: 'p' + toString(i)})", {"n": count}
    )
    backend.run_write("MATCH (a:Person), (b:Person) WHERE a.key < b.key CREATE (a)-[:KNOWS]->(b)")


@pytest.mark.parametrize("shape", list(RUNAWAYS))
def test_a_runaway_query_stops_within_its_limit(backend, shape):
    _dense_people(backend)
    _ready(backend)
    started = time.monotonic()
    # Refused before it runs: a loop Neo4j could not stop (graph/adhoc_loops.py).
    with pytest.raises((QueryTimeout, QueryMemoryExceeded, QueryRefused)):
        backend.run_adhoc(RUNAWAYS[shape], timeout_ms=LIMIT_MS)
    assert time.monotonic() - started < BOUND_S


def test_a_huge_result_is_capped_by_the_engine_not_after_the_transfer(backend):
    _ready(backend)
    started = time.monotonic()
    results = backend.run_adhoc(
        "UNWIND range(1, 3000000) AS x RETURN x", timeout_ms=LIMIT_MS, max_rows=100
    )
    assert results.truncated and [row[0] for row in results.rows] == list(range(1, 101))
    assert time.monotonic() - started < BOUND_S


def test_a_query_building_a_huge_value_fails_cleanly(backend):
    _ready(backend)
    started = time.monotonic()
    with pytest.raises((QueryMemoryExceeded, QueryTimeout)) as failure:
        backend.run_adhoc(
            "UNWIND range(1, 100000000) AS x WITH collect(x) AS l RETURN size(l) AS n",
            timeout_ms=LIMIT_MS,
        )
    assert "LIMIT" in str(failure.value)
    assert time.monotonic() - started < BOUND_S
    # The store is still there for everyone else.
    assert backend.run_read("RETURN 1").value() == 1


def test_a_runaway_never_restarts_the_page_serving_server(embedded):
    before = embedded.server.pid if embedded.server.owner else _owner_pid(embedded)
    for query in ("RETURN size(range(1, 400000000))", RUNAWAYS["huge collect"]):
        with pytest.raises((QueryMemoryExceeded, QueryTimeout)):
            embedded.run_adhoc(query, timeout_ms=LIMIT_MS)
    assert _owner_pid(embedded) == before


def _owner_pid(backend: FalkorBackend) -> int:
    return int(backend._call(lambda g: g.client.connection.info("server")["process_id"]))


def test_an_adhoc_query_sees_the_writes_made_before_it(embedded):
    for i in range(3):
        embedded.run_write("CREATE (:Show {key: $key})", {"key": f"s{i}"})
        assert embedded.run_adhoc("MATCH (s:Show) RETURN count(s)").value() == i + 1


def test_pages_keep_their_latency_while_a_runaway_runs_in_the_sandbox(embedded):
    _dense_people(embedded, 200)

    def page() -> float:
        started = time.monotonic()
        embedded.run_read(
            "MATCH (p:Person {key: 'p7'})-[:KNOWS]-(q) RETURN q.key ORDER BY q.key LIMIT 50"
        )
        return time.monotonic() - started

    quiet = [page() for _ in range(20)]
    runaway = threading.Thread(
        target=_run_expecting_a_stop,
        args=(embedded, RUNAWAYS["aggregation over a huge UNWIND"], 3000),
    )
    runaway.start()
    time.sleep(0.2)
    busy = []
    while runaway.is_alive():
        busy.append(page())
    runaway.join()
    assert len(busy) >= 5
    # Generous: a runaway on the page-serving server held pages for seconds.
    assert statistics.median(busy) < max(0.25, 10 * statistics.median(quiet))


def _run_expecting_a_stop(backend, query: str, limit_ms: int) -> None:
    try:
        backend.run_adhoc(query, timeout_ms=limit_ms)
    except (QueryTimeout, QueryMemoryExceeded, BackendUnavailable):
        pass


def test_the_sandbox_dies_with_the_process_that_started_it(tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from screengraph.graph.falkor_backend import FalkorBackend
        backend = FalkorBackend({str(tmp_path)!r}, "orphans")
        backend.run_adhoc("RETURN 1")
        print(backend._sandbox.server.pid, flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    sandbox_pid = int(child.stdout.readline())
    child.kill()
    child.wait()
    deadline = time.monotonic() + 10
    while _alive(sandbox_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(sandbox_pid), "the sandbox outlived the process that started it"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):  # reaped meanwhile
        return False
    return state != "Z"


def test_a_query_whose_server_died_under_it_is_not_sent_again(embedded):
    embedded.run_adhoc("RETURN 1")
    sandbox_pid = int(embedded._sandbox._client().connection.info("server")["process_id"])
    threading.Timer(0.3, os.kill, (sandbox_pid, signal.SIGKILL)).start()
    # Would answer after ~1-2 s: re-sent to the restarted sandbox, it would answer.
    with pytest.raises(BackendUnavailable, match="Run it again"):
        embedded.run_adhoc(RUNAWAYS["cartesian product"].replace("20000", "3000"), timeout_ms=5000)
    assert embedded.run_adhoc("RETURN 2").value() == 2


def test_another_process_attaches_to_the_running_sandbox(tmp_path):
    owner = FalkorBackend(tmp_path, "attach")
    try:
        owner.run_write("CREATE (:Show {key: 'by-owner'})")
        assert owner.run_adhoc("MATCH (s:Show) RETURN count(s)").value() == 1
        script = textwrap.dedent(f"""
            import sys
            sys.path.insert(0, {str(REPO)!r})
            from screengraph.graph.falkor_backend import FalkorBackend
            with FalkorBackend({str(tmp_path)!r}, "attach") as client:
                client.run_write("CREATE (:Show {{key: 'by-client'}})")
                count = client.run_adhoc("MATCH (s:Show) RETURN count(s)").value()
                print(client._sandbox.server.owner, count)
        """)
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
        ).stdout.split()
        assert out == ["False", "2"], "the second process should use the owner's sandbox"
        assert owner._sandbox.server.owner and _alive(owner._sandbox.server.pid)
    finally:
        owner.close()


# Shapes Neo4j 5.26 does not stop at its time limit (nor at TERMINATE TRANSACTIONS):
# loops inside one expression ran 15 s to minutes against a 1 s limit (graph/adhoc_loops.py).
UNCHECKED_ON_NEO4J = {
    "string building": RUNAWAYS["string building"],
    "reduce over a huge range": "RETURN reduce(a = 0, i IN range(1, 1000000000) | a + i)",
    "comprehension in each row": "UNWIND range(1, 1000) AS x "
    "RETURN sum(size([i IN range(1, 3000000) WHERE i % 7 = 0]))",
    "reduce over a collected list": "UNWIND range(1, 200000) AS i WITH collect('abcdefgh') AS l "
    "RETURN size(reduce(s = '', x IN l | s + x))",
}
# And shapes it stops between rows.
CHECKED_ON_NEO4J = {
    "aggregation over a huge UNWIND": RUNAWAYS["aggregation over a huge UNWIND"],
    "cartesian product": RUNAWAYS["cartesian product"],
}


def _private_neo4j(shared: Neo4jBackend, slots: int | None = None) -> Neo4jBackend:
    backend = Neo4jBackend(
        shared.uri,
        os.environ.get("NEO4J_USERNAME", "neo4j"),
        os.environ.get("NEO4J_PASSWORD"),
        shared.database,
    )
    if slots is not None:
        backend._adhoc_slots = Slots(slots)
    return backend


@pytest.mark.parametrize("shape", list(UNCHECKED_ON_NEO4J) + list(CHECKED_ON_NEO4J))
def test_a_runaway_is_gone_from_the_neo4j_server_within_its_limit(neo4j, shape):
    """Not only the caller: the server itself has stopped working on it (SHOW TRANSACTIONS)."""
    marker = f"runaway-{uuid.uuid4().hex}"
    query = {**UNCHECKED_ON_NEO4J, **CHECKED_ON_NEO4J}[shape] + f" /* {marker} */"
    started = time.monotonic()
    with pytest.raises((QueryTimeout, QueryMemoryExceeded, QueryRefused)):
        neo4j.run_adhoc(query, timeout_ms=LIMIT_MS)
    while neo4j.server_still_runs(marker):
        if time.monotonic() - started > BOUND_S:
            _wait_until_gone(neo4j, marker)
            pytest.fail(f"the server still ran the query {BOUND_S} s after it started")
        time.sleep(0.02)


def _wait_until_gone(backend: Neo4jBackend, marker: str) -> None:
    """Leave the server as the next test expects it (the query ends on its own)."""
    deadline = time.monotonic() + 180
    while backend.server_still_runs(marker) and time.monotonic() < deadline:
        time.sleep(0.5)


def test_an_overrunning_adhoc_query_is_terminated_on_the_neo4j_server(neo4j_session_backend):
    """Past its deadline the backend terminates its own tagged transaction from another
    connection; here its server-side timeout is set long, so only that stops it."""
    backend = _private_neo4j(neo4j_session_backend)
    try:
        marker = f"terminated-{uuid.uuid4().hex}"
        outcome: dict[str, BaseException] = {}

        def run_long() -> None:
            try:
                backend._read(
                    f"UNWIND range(1, 1000000000) AS x RETURN sum(x) /* {marker} */",
                    None,
                    60_000,
                    None,
                    {ADHOC_TAG: marker},
                )
            except BaseException as exc:  # handed to the assertion below
                outcome["error"] = exc

        worker = threading.Thread(target=run_long)
        worker.start()
        deadline = time.monotonic() + 10
        while not backend.server_still_runs(marker):
            assert time.monotonic() < deadline, "the query never started"
            time.sleep(0.02)
        assert backend.terminate_adhoc(marker), "no transaction carried the tag"
        worker.join(5)
        assert not worker.is_alive() and isinstance(outcome.get("error"), QueryTimeout)
        assert not backend.server_still_runs(marker)
        assert backend.terminate_adhoc(marker) == []
    finally:
        backend.close()


def test_runaways_sent_back_to_back_never_exhaust_the_neo4j_slots(neo4j_session_backend):
    """Before: each unstoppable runaway held its slot while the server went on with it
    (15 s and more), and the next query found none free."""
    backend = _private_neo4j(neo4j_session_backend, slots=1)
    try:
        for query in [*UNCHECKED_ON_NEO4J.values(), *CHECKED_ON_NEO4J.values()]:
            with pytest.raises((QueryTimeout, QueryMemoryExceeded, QueryRefused)):
                backend.run_adhoc(query, timeout_ms=LIMIT_MS)
        started = time.monotonic()
        while True:
            try:
                assert backend.run_adhoc("RETURN 1", timeout_ms=LIMIT_MS).value() == 1
                break
            except BackendUnavailable:
                # The last checked runaway's slot comes back when the server stops it.
                assert time.monotonic() - started < BOUND_S, "the slot stayed taken"
                time.sleep(0.05)
    finally:
        backend.close()


def test_a_long_running_server_copies_the_store_into_the_sandbox_before_the_first_query(tmp_path):
    """`screengraph serve` calls prepare_adhoc: the copy (seconds on a big store) is not the
    first console query's wait."""
    backend = FalkorBackend(tmp_path / "store", "g")
    try:
        backend.run_write("CREATE (:Show {key: 'warm'})")
        backend.prepare_adhoc()
        sandbox_ready = time.monotonic() + 60
        while time.monotonic() < sandbox_ready:
            sandbox = backend._sandbox
            if sandbox is not None and sandbox._copied_once:
                break
            time.sleep(0.05)
        else:
            pytest.fail("prepare_adhoc did not start the sandbox and take the first copy")
        assert backend.run_adhoc("MATCH (s:Show) RETURN s.key").value() == "warm"
    finally:
        backend.close()


def test_planning_a_huge_constant_never_grows_the_page_serving_server(embedded):
    """FalkorDB folds constants while planning: the vetting's GRAPH.EXPLAIN of
    `range(1, 300000000)` built it on the server that serves pages (15 GB for 1e9)."""
    import psutil

    server = psutil.Process(_owner_pid(embedded))
    before = peak = server.memory_info().rss
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.wait(0.01):
            peak = max(peak, server.memory_info().rss)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with pytest.raises((QueryMemoryExceeded, QueryTimeout)):
            embedded.run_adhoc("RETURN size(range(1, 300000000)) AS n", timeout_ms=LIMIT_MS)
    finally:
        done.set()
        watcher.join()
    assert peak - before < 200 * 1024 * 1024
    assert embedded.run_read("RETURN 1").value() == 1


def test_a_sandbox_that_crash_looped_is_started_again_by_a_later_query(tmp_path):
    """Its keeper gives up after a crash loop (as the store's does); the console must not
    stay down until the web app restarts."""
    backend = FalkorBackend(tmp_path / "store", "g")
    try:
        backend.run_adhoc("RETURN 1")
        server = backend._sandbox.server
        kills = 0
        for _ in range(server.restarts.max_restarts + 2):
            pid = server.pid
            if pid is None or not _alive(pid):
                break
            os.kill(pid, signal.SIGKILL)
            kills += 1
            restarted = time.monotonic() + 5
            while server.pid == pid and server.owner and time.monotonic() < restarted:
                time.sleep(0.02)
        assert kills > server.restarts.max_restarts and not server.owner, "no crash loop"
        answered = None
        for _ in range(40):
            try:
                answered = backend.run_adhoc("RETURN 7 AS n").value()
                break
            except BackendUnavailable:
                time.sleep(0.25)
        assert answered == 7
    finally:
        backend.close()


def test_a_query_arriving_while_the_sandbox_restarts_answers_within_its_limit(embedded):
    """The sandbox's start (its keeper's restart after a runaway, the copy of a big store,
    a start after a crash loop) counts inside a query's limit: a query that arrives while
    it cannot answer yet is refused with a retryable error at its deadline, never left
    waiting for the start (before: up to the start's own bound, 60 s without progress).
    Pages meanwhile are served as usual."""
    embedded.run_adhoc("RETURN 1")
    server = embedded._sandbox.server
    stopped = server.pid
    with pytest.raises((QueryTimeout, QueryMemoryExceeded)):
        embedded.run_adhoc(RUNAWAYS["aggregation over a huge UNWIND"], timeout_ms=300)
    restarted = time.monotonic() + 10
    while server.pid in (None, stopped) and time.monotonic() < restarted:
        time.sleep(0.01)
    starting = server.pid
    assert starting not in (None, stopped), "the keeper did not restart the sandbox"
    # A start that makes no progress for now (a big store's copy on busy cores, say).
    os.kill(starting, signal.SIGSTOP)
    thawed = threading.Timer(8, os.kill, (starting, signal.SIGCONT))
    thawed.start()
    try:
        started = time.monotonic()
        try:
            outcome = f"answered {embedded.run_adhoc('RETURN 1', timeout_ms=LIMIT_MS).value()}"
        except BackendUnavailable as exc:
            outcome = str(exc)
        waited = time.monotonic() - started
        assert waited < BOUND_S, f"waited {waited:.1f} s for the sandbox's start"
        assert "again in a few seconds" in outcome
        started = time.monotonic()
        assert embedded.run_read("RETURN 1").value() == 1
        assert time.monotonic() - started < 0.5
    finally:
        thawed.cancel()
        os.kill(starting, signal.SIGCONT)
    answered = None
    for _ in range(60):
        try:
            answered = embedded.run_adhoc("RETURN 7 AS n", timeout_ms=LIMIT_MS).value()
            break
        except BackendUnavailable:
            time.sleep(0.25)
    assert answered == 7


def test_no_sandbox_is_started_where_a_second_copy_of_the_store_would_not_fit(
    tmp_path, monkeypatch
):
    """At 12.5 million credits the sandbox's copy left 1.2 GB of 24: a little more and the
    kernel kills a server. Here the margin asked for is more than any machine has."""
    from screengraph.graph import falkor_sandbox

    monkeypatch.setattr(falkor_sandbox, "HEADROOM_BYTES", 1024**5)
    backend = FalkorBackend(tmp_path / "store", "g")
    try:
        backend.run_write("CREATE (:Show {key: 'kept'})")
        with pytest.raises(BackendUnavailable) as refused:
            backend.run_adhoc("MATCH (s:Show) RETURN count(s)")
        assert "needs" in str(refused.value) and "GB available" in str(refused.value)
        assert "SCREENGRAPH_BACKEND=neo4j" in str(refused.value)
        sandbox = backend._sandbox
        assert sandbox is not None and not sandbox.server._alive()  # never started
        # The store's server still answers pages and the catalogue's questions.
        assert backend.run_read("MATCH (s:Show) RETURN s.key").value() == "kept"
    finally:
        backend.close()
