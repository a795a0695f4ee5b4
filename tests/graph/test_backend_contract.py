"""The contract every backend keeps, run against a real FalkorDB and a real Neo4j."""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time

import pytest

from screengraph.graph.errors import (
    ConstraintViolation,
    QueryError,
    QueryTimeout,
    ReadOnlyViolation,
)
from screengraph.graph.neo4j_lease import LEASE_LABEL, LoadLease

SLOW_READ = (
    "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y WITH x, y WHERE x * y = -1 RETURN x"
)


def _small_graph(backend):
    backend.run_write(
        "MERGE (p:Person {key: 'eric-rochant'}) SET p.name = 'Eric Rochant' "
        "MERGE (s:Show {key: 'the-bureau'}) SET s.title = 'The Bureau', s.year = 2015 "
        "MERGE (c:Company {key: 'federation-entertainment'}) SET c.name = 'Federation Entertainment' "
        "MERGE (p)-[d:DIRECTED]->(s) SET d.sources = ['the-bureau.txt'] "
        "MERGE (s)-[:MADE_BY]->(c)"
    )


def test_a_write_says_how_long_it_held_the_engine_where_readers_wait_for_it(backend):
    """The loader sizes its writes from this where reads queue behind writes."""
    started = time.perf_counter()
    written = backend.run_write("UNWIND range(1, 2000) AS i CREATE (:Show {key: 'k' + i})")
    wall = time.perf_counter() - started
    if backend.reads_wait_for_writes:
        assert written.engine_seconds is not None
        assert 0 < written.engine_seconds <= wall
    else:
        assert written.engine_seconds is None


def test_schema_setup_is_idempotent(backend):
    backend.ensure_schema()
    backend.ensure_schema()
    backend.run_write("MERGE (:Show {key: 'x', title: 'X'})")
    assert backend.counts()["Show"] == 1


def test_upserts_are_idempotent(backend):
    _small_graph(backend)
    before = backend.counts()
    _small_graph(backend)
    assert backend.counts() == before
    assert before["Person"] == 1 and before["DIRECTED"] == 1 and before["MADE_BY"] == 1


@pytest.mark.parametrize("label", ["Show", "Person", "Company", "Genre"])
def test_constraints_reject_duplicate_keys(backend, label):
    backend.run_write(f"CREATE (:{label} {{key: 'same'}})")
    with pytest.raises(ConstraintViolation):
        backend.run_write(f"CREATE (:{label} {{key: 'same'}})")
    assert backend.run_read(f"MATCH (n:{label}) RETURN count(n)").value() == 1


def test_query_over_its_time_limit_raises_query_timeout_and_backend_answers_next(backend):
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as caught:
        backend.run_read(SLOW_READ, timeout_ms=300)
    elapsed = time.monotonic() - started
    assert elapsed < 0.3 + 0.5, f"stopped after {elapsed:.2f} s"
    assert "300 ms" in str(caught.value)
    assert backend.run_read("RETURN 1 AS one").value() == 1


def test_default_time_limit_applies_when_none_is_given(backend):
    configured, backend.query_timeout_ms = backend.query_timeout_ms, 250
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            backend.run_read(SLOW_READ)
        assert time.monotonic() - started < 0.25 + 0.5
    finally:
        backend.query_timeout_ms = configured


def test_write_over_its_time_limit_is_rolled_back(backend):
    with pytest.raises(QueryTimeout):
        backend.run_write(
            "UNWIND range(1, 3000) AS x UNWIND range(1, 3000) AS y "
            "CREATE (:Genre {key: toString(x) + '-' + toString(y)})",
            timeout_ms=200,
        )
    assert backend.run_read("MATCH (g:Genre) RETURN count(g)").value() == 0


def test_read_path_refuses_writes(backend):
    with pytest.raises(ReadOnlyViolation):
        backend.run_read("CREATE (:Show {key: 'sneaky'})")
    assert backend.counts()["Show"] == 0


def test_syntax_errors_are_query_errors(backend):
    with pytest.raises(QueryError):
        backend.run_read("MATCH (n RETURN n")


def test_rows_beyond_the_cap_are_cut_and_flagged(backend):
    results = backend.run_read("UNWIND range(1, 50) AS x RETURN x", max_rows=10)
    assert results.truncated is True
    assert [row[0] for row in results.rows] == list(range(1, 11))
    assert backend.run_read("UNWIND range(1, 10) AS x RETURN x", max_rows=10).truncated is False


def test_results_have_the_same_shape_on_every_backend(backend):
    _small_graph(backend)
    results = backend.run_read(
        "MATCH path = (p:Person)-[d:DIRECTED]->(s:Show)-[:MADE_BY]->(c:Company) "
        "RETURN p, d, path, [s.title, s.year] AS pair, {title: s.title} AS map, c.name AS company"
    )
    assert results.columns == ["p", "d", "path", "pair", "map", "company"]
    assert results.truncated is False
    row = results.records()[0]
    assert row["p"] == {
        "label": "Person",
        "labels": ["Person"],
        "key": "eric-rochant",
        "properties": {"key": "eric-rochant", "name": "Eric Rochant"},
    }
    assert row["d"] == {
        "type": "DIRECTED",
        "start": None,
        "end": None,
        "properties": {"sources": ["the-bureau.txt"]},
    }
    assert [step.get("key") or step.get("type") for step in row["path"]] == [
        "eric-rochant",
        "DIRECTED",
        "the-bureau",
        "MADE_BY",
        "federation-entertainment",
    ]
    assert row["path"][1]["start"] == "eric-rochant" and row["path"][1]["end"] == "the-bureau"
    assert row["pair"] == ["The Bureau", 2015]
    assert row["map"] == {"title": "The Bureau"}
    assert row["company"] == "Federation Entertainment"


def test_fulltext_search_ignores_case_and_accents_and_tolerates_a_typo(backend):
    backend.run_write(
        "MERGE (p:Person {key: 'lea-drucker'}) SET p.name = 'Léa Drucker', "
        "p.search_text = 'lea drucker' "
        "MERGE (q:Person {key: 'mathieu-kassovitz'}) SET q.name = 'Mathieu Kassovitz', "
        "q.search_text = 'mathieu kassovitz'"
    )
    backend.ensure_schema()
    for text in ("LÉA", "lea druck", "Drucket"):
        keys = _search_keys(backend, text)
        assert keys[:1] == ["lea-drucker"], (text, keys)
    assert _search_keys(backend, "nobody at all") == []


def _search_keys(backend, text):
    # Full-text indexes fill asynchronously on Neo4j; give them a moment.
    deadline = time.monotonic() + 10
    while True:
        keys = [row[0]["key"] for row in backend.fulltext_search(text, ["Person"], 5).rows]
        if keys or time.monotonic() > deadline or text == "nobody at all":
            return keys
        time.sleep(0.2)


def test_a_query_that_times_out_while_streaming_rows_raises_query_timeout(backend):
    with pytest.raises(QueryTimeout):
        backend.run_read(
            "UNWIND range(1, 3000) AS x UNWIND range(1, 3000) AS y "
            "WITH x, y WHERE y = 3000 RETURN x",
            timeout_ms=200,
            max_rows=0,
        )
    assert backend.run_read("RETURN 2 AS two").value() == 2


def test_neo4j_debug_log_names_a_batch_without_dumping_it(neo4j, caplog):
    """A batch's parameters are megabytes: the driver's debug line must not carry them
    (it formatted them even with debug logging off, a cost paid on every batch)."""
    rows = [[f"person-{i}", f"Person {i}", {"n": i}] for i in range(20_000)]
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        neo4j.run_write(
            "UNWIND $rows AS r CREATE (:Person {key: r[0], name: r[1], n: r[2].n})",
            {"rows": rows, "by_name": {"first": rows[0]}},
        )
    runs = [record.getMessage() for record in caplog.records if "C: RUN" in record.getMessage()]
    assert runs and all(len(message) < 1_000 for message in runs)
    assert neo4j.counts()["Person"] == 20_000
    assert neo4j.run_read("MATCH (p:Person {key: 'person-7'}) RETURN p.name, p.n").rows == [
        ["Person 7", 7]
    ]


def test_neo4j_loads_from_elsewhere_wait_for_the_lease_and_a_dead_holders_expires(neo4j):
    """Two loads from different processes or machines (each with its own lease) take
    turns and the lease is given back; a holder that died without giving it back stops
    blocking once it expires."""
    order = []

    def second_load():
        with LoadLease(neo4j, poll_s=0.1):
            order.append("second")

    with LoadLease(neo4j, ttl_s=2.0):  # renewed while held, though its ttl is short
        worker = threading.Thread(target=second_load)
        worker.start()
        worker.join(3.0)
        assert worker.is_alive() and order == []
        order.append("first")
    worker.join(10)
    assert order == ["first", "second"]
    assert (
        neo4j.run_read(
            f"MATCH (l:{LEASE_LABEL}) WHERE l.holder IS NOT NULL RETURN count(l)"
        ).value()
        == 0
    )

    dead = LoadLease(neo4j, ttl_s=1.0, renew=False)
    dead.__enter__()  # never given back
    started = time.monotonic()
    with LoadLease(neo4j, poll_s=0.1):
        waited = time.monotonic() - started
    assert 0.5 < waited < 5


def test_neo4j_loads_asking_for_the_lease_at_once_get_it_one_at_a_time(neo4j):
    neo4j.ensure_schema()
    inside, overlaps, start = [], [], threading.Barrier(6)

    def load():
        start.wait()
        with LoadLease(neo4j, poll_s=0.02):
            inside.append(1)
            if len(inside) > 1:
                overlaps.append(len(inside))
            time.sleep(0.1)
            inside.pop()

    workers = [threading.Thread(target=load) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert not overlaps and not any(worker.is_alive() for worker in workers)


def test_neo4j_schema_setup_writes_nothing_when_the_schema_is_there(neo4j):
    """A reader-only account (Enterprise, Aura) can start the app on a schema a writer made."""
    import os

    from screengraph.graph.neo4j_backend import Neo4jBackend

    class ReaderOnly(Neo4jBackend):
        def run_write(self, cypher, params=None, **kwargs):
            raise AssertionError(f"a reader may not write: {cypher}")

    reader = ReaderOnly(
        os.environ["NEO4J_URI"],
        os.environ.get("NEO4J_USERNAME", "neo4j"),
        os.environ.get("NEO4J_PASSWORD"),
        os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    try:
        reader.ensure_schema()
    finally:
        reader.close()


def test_a_query_keeps_nothing_of_its_parameters_once_it_has_ended(backend):
    """A loader's batch hands megabytes of rows to one query: once the query has ended
    they must go with the batch, by reference counting. A load runs the cyclic collector
    rarely (loaders/pipeline.py), so rows kept by reference cycles stayed: the Neo4j
    driver's Result and Session hold a query's parameters in such cycles."""
    rows = [[f"row-{n}", n] for n in range(3)]
    before = [sys.getrefcount(row) for row in rows]
    collecting = gc.isenabled()
    gc.disable()  # what only the cyclic collector would free stays, and is counted
    try:
        backend.run_write(
            "UNWIND $rows AS row MERGE (:Show {key: row[0], title: row[0]})", {"rows": rows}
        )
        found = backend.run_read(
            "UNWIND $rows AS row MATCH (s:Show {key: row[0]}) RETURN count(s)", {"rows": rows}
        ).value()
        backend.run_write_many(
            [
                (
                    ("UNWIND $rows AS row MATCH (s:Show {key: row[0]}) SET s.year = row[1]"),
                    {"rows": rows},
                )
            ]
        )
        after = [sys.getrefcount(row) for row in rows]
    finally:
        if collecting:
            gc.enable()
    assert found == 3
    assert after == before, "the queries left references to their parameter rows behind"
