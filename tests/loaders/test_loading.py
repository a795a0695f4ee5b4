"""Loading listings into a real backend: exact graphs, idempotence, updates, rejects."""

from __future__ import annotations

import json
import random
import time

from screengraph.graph.schema import HISTORY_LABELS
from screengraph.loaders.formats import listing_to_json, parse
from screengraph.loaders.identity import named_identity
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText, read_all
from screengraph.queries.provenance import every_assertion, listings_asserting_edge
from tests.conftest import SAMPLE_PAGE

# The catalogue's nodes: not the load history (who loaded what, what each load replaced).
CATALOGUE = " AND ".join(f"NOT n:{label}" for label in HISTORY_LABELS)

SEED_COUNTS = {
    "Show": 6,
    "Person": 7,
    "Company": 1,
    "Genre": 1,
    "DIRECTED": 1,
    "PRODUCED": 4,
    "WROTE": 1,
    "ACTED_IN": 4,
    "MADE_BY": 6,
    "IN_GENRE": 1,
    "WORKED_ON": 0,
    "EPISODE_OF": 0,
}


def load(backend, *sources, **options):
    return Loader(backend, **options).load(list(sources))


def named(name, text):
    """A source with a name of its own (as `load --source NAME` gives): a later load
    with the same name updates its listings."""
    return SourceText(name, text, identity=named_identity(name))


def page(text=None, name="the-bureau.txt"):
    return named(name, text if text is not None else SAMPLE_PAGE.read_text(encoding="utf-8"))


def snapshot(backend):
    """Everything a user could notice: every node and edge with all properties
    except the load time."""
    nodes = backend.run_read(
        f"MATCH (n) WHERE {CATALOGUE} RETURN labels(n)[0] AS label, n.key AS key, "
        "properties(n) AS props ORDER BY label, key",
        max_rows=0,
    ).rows
    edges = backend.run_read(
        "MATCH (a)-[r]->(b) RETURN a.key, type(r), b.key, properties(r) AS props "
        "ORDER BY a.key, type(r), b.key, r.role",
        max_rows=0,
    ).rows
    for _label, _key, props in nodes:
        props.pop("loaded_at", None)
    return nodes, edges


def test_seed_page_loads_to_exactly_the_described_graph(backend):
    summary = load(backend, page())
    assert (summary.loaded, summary.rejected, summary.warnings) == (1, 0, [])
    assert backend.counts() == SEED_COUNTS
    roles = backend.run_read(
        "MATCH (:Person {key: 'alex-berger'})-[r:PRODUCED]->(:Show {key: 'the-bureau'}) "
        "RETURN r.role ORDER BY r.role"
    ).rows
    assert roles == [["executive producer"], ["producer"]]
    degrees = backend.run_read(
        "MATCH (p:Person {key: 'eric-rochant'}), (c:Company), (g:Genre) "
        "RETURN p.credit_count, c.show_count, g.show_count"
    ).rows
    assert degrees == [[3, 6, 1]]
    spiral = backend.run_read(
        "MATCH (s:Show {key: 'spiral-season-7'})-[:MADE_BY]->(c:Company) "
        "RETURN s.series, s.season, c.name"
    ).rows
    assert spiral == [["Spiral", 7, "Federation Entertainment"]]


def test_loading_twice_leaves_the_graph_identical(backend):
    load(backend, page())
    before = snapshot(backend)
    summary = load(backend, page())
    assert (summary.loaded, summary.unchanged) == (0, 1)
    assert snapshot(backend) == before


def test_every_node_and_edge_records_its_listing(backend):
    load(backend, page())
    shows, edges = every_assertion(backend)
    assert len(edges) == backend.run_read("MATCH ()-[r]->() RETURN count(r)").value() > 0
    assert set(map(tuple, edges.values())) == {("source:the-bureau.txt",)}
    assert (
        backend.run_read("MATCH ()-[r]->() WHERE r.asserted_by <> 1 RETURN count(r)").value() == 0
    )
    listing = backend.run_read(
        "MATCH (l:Listing {key: 'source:the-bureau.txt'}) "
        "RETURN l.file, l.line, l.loaded_at IS NOT NULL"
    ).rows
    assert listing == [["the-bureau.txt", 1, True]]


def test_a_changed_listing_replaces_what_it_asserted(backend):
    load(backend, page())
    changed = (
        SAMPLE_PAGE.read_text(encoding="utf-8")
        .replace(
            "Cast: Mathieu Kassovitz,Jean-Pierre Darroussin,Sara Giraudeau,Léa Drucker",
            "Cast: Mathieu Kassovitz,Sara Giraudeau,Léa Drucker,Florence Loiret Caille",
        )
        .replace("Jean-Pierre Darroussin, ", "Florence Loiret Caille, ")
    )
    summary = load(backend, page(changed))
    assert summary.updated == 1
    cast = backend.run_read(
        "MATCH (p:Person)-[:ACTED_IN]->(:Show {key: 'the-bureau'}) RETURN p.name ORDER BY p.name"
    ).rows
    assert [c[0] for c in cast] == [
        "Florence Loiret Caille",
        "Léa Drucker",
        "Mathieu Kassovitz",
        "Sara Giraudeau",
    ]
    # Nobody else asserted Jean-Pierre Darroussin: he is gone.
    assert (
        backend.run_read("MATCH (p:Person {key: 'jean-pierre-darroussin'}) RETURN count(p)").value()
        == 0
    )


def test_a_dropped_credit_stays_when_another_listing_asserts_it(backend):
    load(backend, page())
    other = {"title": "The Bureau", "cast": ["Jean-Pierre Darroussin"], "companies": []}
    load(backend, named("other.json", json.dumps(other)))
    without = SAMPLE_PAGE.read_text(encoding="utf-8").replace("Jean-Pierre Darroussin,", "")
    load(backend, page(without))
    assert listings_asserting_edge(backend, "ACTED_IN", "jean-pierre-darroussin", "the-bureau") == [
        "source:other.json#1"
    ]
    assert backend.run_read(
        "MATCH (:Person {key: 'jean-pierre-darroussin'})-[r:ACTED_IN]->(:Show {key: 'the-bureau'}) "
        "RETURN r.asserted_by"
    ).rows == [[1]]


def test_spellings_of_one_person_become_one_node_named_by_the_majority(backend):
    records = [
        {"title": f"Show {i}", "cast": [name]}
        for i, name in enumerate(["Léa Drucker", "Lea Drucker", "LÉA  DRUCKER", "Léa Drucker"])
    ]
    load(backend, SourceText("s.jsonl", "\n".join(json.dumps(r) for r in records)))
    assert backend.run_read("MATCH (p:Person) RETURN p.key, p.name").rows == [
        ["lea-drucker", "Léa Drucker"]
    ]


def test_csv_and_json_of_the_same_listing_give_the_same_graph(both_backends):
    [record] = list(parse(SAMPLE_PAGE.read_text(encoding="utf-8"), "the-bureau.txt"))
    data = listing_to_json(record.listing)
    lists = [
        "directors",
        "producers",
        "executive_producers",
        "writers",
        "cast",
        "genres",
        "companies",
        "related_shows",
    ]
    csv_text = (
        "title,"
        + ",".join(lists)
        + "\n"
        + '"The Bureau",'
        + ",".join('"' + ";".join(data.get(f, [])) + '"' for f in lists)
        + "\n"
    )
    embedded = both_backends["embedded"]
    load(embedded, SourceText("bureau.csv", csv_text))
    from_csv = snapshot(embedded)[1]
    embedded.clear()
    load(
        embedded,
        SourceText("bureau.csv", json.dumps({k: data[k] for k in ["title", *lists]})),
    ) if False else load(
        embedded,
        SourceText("bureau.json", json.dumps({k: data.get(k, []) for k in ["title", *lists]})),
    )
    from_json = snapshot(embedded)[1]

    def strip(edges):
        return [
            (a, t, b, {k: v for k, v in p.items() if k != "asserted_by"}) for a, t, b, p in edges
        ]

    assert strip(from_csv) == strip(from_json)
    assert len(from_csv) == 17


def films(count=3000, seed=11):
    """Real-looking film records: remakes, numeric titles, one record without a title."""
    rng = random.Random(seed)
    records = []
    for i in range(count):
        records.append(
            {
                "title": f"Film {i}",
                "year": 1930 + i % 90,
                "directors": [f"Director {rng.randrange(400)}"],
                "cast": [f"Actor {rng.randrange(3000)}" for _ in range(4)],
                "genres": [rng.choice(["Drama", "Comedy", "Horror"])],
                "companies": [f"Studio {rng.randrange(50)}"],
            }
        )
    records[10] = {
        "title": "King Kong",
        "year": 1933,
        "directors": ["Merian C. Cooper"],
        "cast": ["Fay Wray"],
        "companies": ["RKO"],
    }
    records[20] = {
        "title": "King Kong",
        "year": 1976,
        "directors": ["John Guillermin"],
        "cast": ["Jessica Lange"],
        "companies": ["Paramount"],
    }
    records[30] = {"title": 1941, "year": 1979, "directors": ["Steven Spielberg"]}
    records[40] = {"title": "300", "year": 2006, "directors": ["Zack Snyder"]}
    records[50] = {"directors": ["Nobody Knows"], "cast": ["Untitled Actor"]}
    return records


def test_thousands_of_films_load_with_remakes_apart_and_only_the_bad_record_rejected(
    backend, tmp_path
):
    path = tmp_path / "films.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in films()) + "\n")
    summary = Loader(backend, batch_size=400).load(read_all([str(path)]))
    assert summary.loaded == 2999 and summary.rejected == 1
    [reject] = summary.rejects
    assert (reject.line, reject.reason) == (51, "record 51 (line 51): the listing has no title")
    kongs = backend.run_read(
        "MATCH (s:Show {title_key: 'king-kong'})<-[:DIRECTED]-(p) "
        "RETURN s.key, s.year, p.name ORDER BY s.year"
    ).rows
    assert kongs == [
        ["king-kong--1933", 1933, "Merian C. Cooper"],
        ["king-kong--1976", 1976, "John Guillermin"],
    ]
    assert backend.run_read("MATCH (s:Show {key: '1941--1979'}) RETURN s.title").rows == [["1941"]]
    assert backend.counts()["Show"] == 2999


def test_a_yearless_title_joins_the_only_show_of_that_title_and_not_an_ambiguous_one(backend):
    load(
        backend,
        SourceText(
            "a.jsonl",
            json.dumps({"title": "Alien", "year": 1979})
            + "\n"
            + json.dumps({"title": "King Kong", "year": 1933})
            + "\n"
            + json.dumps({"title": "King Kong", "year": 1976}),
        ),
    )
    summary = load(
        backend,
        SourceText(
            "b.jsonl",
            json.dumps({"title": "Alien", "cast": ["Sigourney Weaver"]})
            + "\n"
            + json.dumps({"title": "King Kong", "cast": ["Someone"]}),
        ),
    )
    assert backend.run_read(
        "MATCH (p:Person)-[:ACTED_IN]->(s:Show) RETURN p.name, s.key ORDER BY p.name"
    ).rows == [["Sigourney Weaver", "alien--1979"], ["Someone", "king-kong"]]
    assert any("King Kong" in w and "could be any of" in w for w in summary.warnings)


def test_rejects_and_warnings_keep_input_order_across_batches(backend):
    lines = []
    for i in range(7):
        lines.append(
            json.dumps(
                {"title": f"Show {i}", "year": 2000, "cast": [f"Actor {i}"], "mood": "grim"}
                if i % 2
                else {"title": f"Show {i}"}
            )
        )
        if i % 3 == 0:
            lines.append("{broken")
    summary = Loader(backend, batch_size=2).load([SourceText("s.jsonl", "\n".join(lines))])
    assert (summary.loaded, summary.rejected) == (7, 3)
    assert [r.line for r in summary.rejects] == [2, 6, 10]
    assert [w.split(":")[0] for w in summary.warnings] == [
        "s.jsonl record 3 (line 3)",
        "s.jsonl record 5 (line 5)",
        "s.jsonl record 8 (line 8)",
    ]


def test_an_error_while_reading_the_input_reaches_the_caller(backend):
    def sources():
        yield page()
        raise OSError("disk gone")

    try:
        Loader(backend).load(sources())
    except OSError as exc:
        assert str(exc) == "disk gone"
    else:
        raise AssertionError("the error was swallowed")


def test_a_listing_given_twice_in_one_load_is_recorded_once_on_every_node_and_edge(backend):
    first = {"title": "Alien", "year": 1979, "cast": ["Sigourney Weaver"], "genres": ["Horror"]}
    second = {**first, "cast": ["Sigourney Weaver", "Tom Skerritt"]}
    # Same file and record number, so the same source id: the later version wins.
    summary = Loader(backend).load(
        [named("a.jsonl", json.dumps(first)), named("a.jsonl", json.dumps(second))]
    )
    assert (summary.loaded, summary.updated) == (1, 1)
    # Shows and edges count their listings; the listing's Assertions say which it asserts.
    counted = backend.run_read(
        f"MATCH (n) WHERE n.asserted_by IS NOT NULL AND {CATALOGUE} "
        "RETURN n.key, n.asserted_by ORDER BY n.key",
        max_rows=0,
    ).rows
    assert counted == [["alien--1979", 1]]
    assert backend.run_read("MATCH ()-[r]->() RETURN r.asserted_by", max_rows=0).rows == [[1]] * 3
    shows, edges = every_assertion(backend)
    assert shows == {"alien--1979": ["source:a.jsonl#1"]}
    assert sorted(edges.values()) == [["source:a.jsonl#1"]] * 3


def overlapping_listings():
    """Listings that meet: the same show from two files, related shows named by several
    listings, a person spelled three ways, busy people across many listings."""
    rng = random.Random(5)
    spellings = ["Léa Drucker", "Lea Drucker", "LÉA  DRUCKER"]
    records = []
    for i in range(40):
        records.append(
            {
                "title": f"Show {i % 30}",
                "year": 2000 + i % 30 // 10,
                "directors": [f"Director {rng.randrange(5)}"],
                "producers": [f"Producer {rng.randrange(4)}"],
                "executive_producers": [f"Producer {rng.randrange(4)}"],
                "cast": [rng.choice(spellings), f"Actor {rng.randrange(12)}"],
                "genres": [rng.choice(["Drama", "drama", "Crime"])],
                "companies": [f"Studio {rng.randrange(3)}"],
                "related_shows": [f"Other {rng.randrange(6)}"],
            }
        )
    return records


def jsonl(name, records):
    return named(name, "\n".join(json.dumps(r) for r in records))


def assert_degrees_match_edges(backend):
    """credit_count and show_count are what the edges say, on every entity."""
    wrong = backend.run_read(
        "MATCH (p:Person) OPTIONAL MATCH (p)-[r]->(:Show) WITH p, count(r) AS n "
        "WHERE p.credit_count <> n RETURN p.key, p.credit_count, n",
        max_rows=0,
    ).rows
    wrong += backend.run_read(
        "MATCH (c) WHERE c:Company OR c:Genre OPTIONAL MATCH (:Show)-[r]->(c) WITH c, count(r) AS n "
        "WHERE c.show_count <> n RETURN c.key, c.show_count, n",
        max_rows=0,
    ).rows
    assert wrong == []


def test_the_same_listings_give_the_same_graph_whatever_the_batches_and_loads(backend):
    records = overlapping_listings()
    first = records[:15]
    load(backend, jsonl("a.jsonl", first), jsonl("b.jsonl", records[15:]), batch_size=500)
    whole = snapshot(backend)
    assert_degrees_match_edges(backend)
    backend.clear()
    load(backend, jsonl("a.jsonl", first), batch_size=1)
    load(backend, jsonl("b.jsonl", records[15:]), batch_size=7)
    assert snapshot(backend) == whole
    assert_degrees_match_edges(backend)


def test_display_names_follow_the_majority_across_loads_and_changes(backend):
    def listing(i, name):
        return {"title": f"Film {i}", "year": 2001, "cast": [name], "companies": ["Studio"]}

    def name():
        return backend.run_read("MATCH (p:Person {key: 'lea-drucker'}) RETURN p.name").value()

    load(backend, jsonl("a.jsonl", [listing(1, "Lea Drucker"), listing(2, "Lea Drucker")]))
    load(backend, jsonl("b.jsonl", [listing(3, "Léa Drucker")]))
    assert name() == "Lea Drucker"  # two listings against one
    load(backend, jsonl("c.jsonl", [listing(4, "Léa Drucker")]))
    assert name() == "Léa Drucker"  # a tie goes to the accented spelling
    load(backend, jsonl("c.jsonl", [listing(4, "Paul Durand")]))
    assert name() == "Lea Drucker"  # the changed listing took its vote back
    load(backend, jsonl("a.jsonl", [listing(1, "LÉA DRUCKER"), listing(2, "Léa Drucker")]))
    assert name() == "Léa Drucker"
    assert_degrees_match_edges(backend)


def test_degrees_follow_changed_listings(backend):
    records = overlapping_listings()
    load(backend, jsonl("a.jsonl", records), batch_size=9)
    changed = [dict(r, cast=r["cast"][:1], genres=["Crime"]) for r in records[::2]]
    summary = load(backend, jsonl("a.jsonl", changed + records[len(changed) :]), batch_size=9)
    assert summary.updated > 0
    assert_degrees_match_edges(backend)


def _refuse_a_second_listing_titled_alike(backend):
    """A real refusal from the database: listing titles made unique, for this test only."""
    if backend.name == "neo4j":
        backend.run_write(
            "CREATE CONSTRAINT test_listing_title IF NOT EXISTS "
            "FOR (n:Listing) REQUIRE n.title IS UNIQUE"
        )
        return lambda: backend.run_write("DROP CONSTRAINT test_listing_title IF EXISTS")
    backend.run_write("CREATE INDEX FOR (n:Listing) ON (n.title)")
    backend._graph().client.execute_command(
        "GRAPH.CONSTRAINT",
        "CREATE",
        backend.graph_name,
        "UNIQUE",
        "NODE",
        "Listing",
        "PROPERTIES",
        1,
        "title",
    )
    for _ in range(100):  # FalkorDB builds a constraint in the background
        if (
            backend.run_read("CALL db.constraints() YIELD status RETURN status").value()
            == "OPERATIONAL"
        ):
            break
        time.sleep(0.05)
    return lambda: None


def test_a_listing_the_database_refuses_is_rejected_and_the_batches_around_it_load(backend):
    restore = _refuse_a_second_listing_titled_alike(backend)
    try:
        records = [
            {"title": "Alpha", "year": 2001, "cast": ["Ann Lee"]},
            {"title": "Beta", "year": 2002, "cast": ["Ann Lee"]},
            {"title": "Alpha", "year": 2003, "cast": ["Only In Refused"]},
            {"title": "Gamma", "year": 2004, "cast": ["Ann Lee", "Bo Kim"]},
            {"title": "Delta", "year": 2005, "cast": ["Only In Refused", "Bo Kim"]},
            {"title": "Epsilon", "year": 2006, "cast": ["Bo Kim"]},
        ]
        summary = load(backend, jsonl("r.jsonl", records), batch_size=2)
    finally:
        restore()
    assert (summary.loaded, summary.rejected) == (5, 1)
    [reject] = summary.rejects
    assert reject.line == 3 and reject.reason.startswith("the database refused this listing")
    credits = backend.run_read(
        "MATCH (p:Person)-[:ACTED_IN]->(s:Show) RETURN p.name, s.key ORDER BY s.key, p.name",
        max_rows=0,
    ).rows
    assert credits == [
        ["Ann Lee", "alpha--2001"],
        ["Ann Lee", "beta--2002"],
        ["Bo Kim", "delta--2005"],
        ["Only In Refused", "delta--2005"],
        ["Bo Kim", "epsilon--2006"],
        ["Ann Lee", "gamma--2004"],
        ["Bo Kim", "gamma--2004"],
    ]
    assert_degrees_match_edges(backend)


def test_the_benchmark_baseline_rebuilds_exactly_the_graph_the_loader_made(both_backends):
    """benchmarks/load_throughput.py compares the loader with a plain UNWIND of 'the same
    rows': they must be the same, or the comparison says nothing."""
    from benchmarks.bulk import graph_rows, write_graph_rows

    loaded, rebuilt = both_backends["embedded"], both_backends["neo4j"]
    load(loaded, page(), jsonl("o.jsonl", overlapping_listings()))
    write_graph_rows(rebuilt, *graph_rows(loaded), batch=7)
    assert snapshot(rebuilt) == snapshot(loaded)


def test_loads_into_one_graph_take_turns(backend):
    """A load remembers what it wrote, so a second load waits for the first (here: the
    lock held by the test stands for a load running elsewhere; on the embedded store it
    is a file lock, so other processes wait too)."""
    import threading

    done = []
    with backend.one_load_at_a_time():
        worker = threading.Thread(target=lambda: done.append(load(backend, page())))
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and backend.counts()["Show"] == 0
    worker.join(30)
    assert done and done[0].loaded == 1 and backend.counts()["Show"] == 6


def test_a_loader_holding_the_lock_loads_inside_it_and_other_loads_wait(backend):
    """Loader.exclusive(): what runs before its load (a check) and the load itself share one
    turn; the load does not wait for the lock its own block holds, and no other load writes
    in between."""
    import threading

    other = []
    loader = Loader(backend)
    before = backend.counts()["Show"]
    with loader.exclusive():
        worker = threading.Thread(target=lambda: other.append(load(backend, page())))
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and backend.counts()["Show"] == before
        summary = loader.load([SourceText("mine.json", '{"title": "Mine", "year": 2020}')])
        assert summary.loaded == 1 and backend.counts()["Show"] == before + 1
        try:
            with loader.exclusive():
                raise AssertionError("a loader took the lock it already holds")
        except RuntimeError as refused:
            assert "already holds" in str(refused)
    worker.join(30)
    assert other and other[0].loaded == 1 and backend.counts()["Show"] == before + 7
