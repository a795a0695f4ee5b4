"""A bulk first load gives exactly the graph the incremental loader gives (both backends).

The input mixes what makes the writer's rules matter: IMDb-shaped files (identifiers,
namesakes, episodes credited on their series, characters, jobs, billing, details), a
catalogue page (companies, related shows, seasons), TMDB JSON (identified companies,
jobs), and JSON listings with spelling
variants (votes), yearless titles (one and several candidates), extra fields, a repeated
listing and one rejected record. Batches are small so that a show and a person are met
in several batches; both loads cut them alike (the embedded store's time-budgeted batch
sizes are fixed here, as Neo4j's always are).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from benchmarks.synthetic_imdb import generate
from screengraph.graph.backend import NodeRef
from screengraph.graph.checksum import (
    LOAD_TIMES,
    describe_difference,
    first_differences,
    graph_checksum,
)
from screengraph.graph.errors import BulkImportRefused, QueryError
from screengraph.graph.falkor_bulk import BulkSender, SendAhead
from screengraph.graph.neo4j_import import ImportFiles
from screengraph.graph.neo4j_lease import LEASE_LABEL
from screengraph.graph.schema import LISTING_LABEL
from screengraph.loaders.bulk import BulkLoader
from screengraph.loaders.pacing import Pace
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText, expand, read_all
from tests.conftest import REPO, SAMPLE_PAGE
from tests.loaders.test_imdb_tmdb_same_graph import tmdb_file

BATCH = 7

EXTRA_LISTINGS = [
    {
        "title": "Night Shift",
        "year": 2001,
        "directors": ["Anna Berger"],
        "cast": ["Léa Drucker", "Omar Haddad"],
        "genres": ["Drama"],
        "companies": ["Canal+"],
        "network": "Arte",
        "Episodes": 12,
        "source_url": "https://example.org/night-shift",
    },
    {"title": "Night Shift", "cast": ["LÉA DRUCKER"], "genres": ["drama"]},
    {
        "title": "Night Shift",
        "year": 2014,
        "cast": ["Lea Drucker"],
        "companies": ["CANAL+"],
        "related_shows": ["Day Shift", "Night Shift"],
    },
    {"title": "Night Shift", "cast": ["Omar  Haddad"]},
    {
        "title": "Day Shift",
        "synopsis": "A remake.",
        "cast": ["Léa Drucker"],
        "writers": ["Anna Berger"],
        "producers": ["Omar Haddad"],
        "executive_producers": ["Anna Berger"],
    },
    {"title": "The Bureau", "year": 2015, "country": "France", "cast": ["Lea Drucker"]},
    {"title": "", "cast": ["Nobody"]},
]


def _inputs(folder: Path) -> list[Path]:
    imdb = folder / "imdb"
    generate(imdb, 80, seed=11)
    extra = folder / "extra.jsonl"
    lines = [json.dumps(listing, ensure_ascii=False) for listing in EXTRA_LISTINGS]
    extra.write_text("\n".join([*lines, lines[0]]) + "\n", encoding="utf-8")
    shutil.copy(SAMPLE_PAGE, folder / SAMPLE_PAGE.name)
    return [folder / SAMPLE_PAGE.name, extra, tmdb_file(folder / "tmdb"), imdb]


def _sources(paths: list[Path]):
    return read_all(expand([str(p) for p in paths]), None, any(p.name == "imdb" for p in paths))


def _incremental(backend, paths):
    loader = Loader(backend, batch_size=BATCH)
    loader.writer.batch_pace = Pace(BATCH, None)  # the same cuts on both engines
    return loader.load(_sources(paths))


def _schema(backend) -> set[str]:
    if backend.name == "neo4j":
        indexes = backend.run_read(
            "SHOW INDEXES YIELD name, type, labelsOrTypes, properties "
            "RETURN type, labelsOrTypes, properties",
            max_rows=0,
        ).rows
        constraints = backend.run_read(
            "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
            "RETURN type, labelsOrTypes, properties",
            max_rows=0,
        ).rows
    else:
        indexes = [
            row[:3]
            for row in backend.run_read(
                "CALL db.indexes() YIELD label, properties, types RETURN label, properties, types",
                max_rows=0,
            ).rows
        ]
        constraints = [
            row[:3]
            for row in backend.run_read(
                "CALL db.constraints() YIELD type, label, properties RETURN type, label, properties",
                max_rows=0,
            ).rows
        ]
    return {json.dumps(row, sort_keys=True) for row in [*indexes, *constraints]}


def _assert_same(expected, expected_schema, backend, other=None):
    found = graph_checksum(backend, LOAD_TIMES)
    detail = describe_difference(expected, found, ("incremental", "bulk"))
    if other is not None and expected != found:
        detail += "\n" + "\n".join(first_differences(other, backend, 5, LOAD_TIMES))
    assert found == expected, detail
    assert _schema(backend) == expected_schema


def test_bulk_load_gives_the_incremental_graph_on_the_embedded_store(tmp_path, request):
    from tests.conftest import open_backend

    paths = _inputs(tmp_path)
    incremental, bulk = open_backend("embedded", request), open_backend("embedded", request)
    summary = _incremental(incremental, paths)
    assert summary.rejected == 1 and summary.unchanged == 1
    bulk_summary = BulkLoader(batch_size=BATCH).load(bulk, _sources(paths))
    assert (
        bulk_summary.loaded,
        bulk_summary.rejected,
        bulk_summary.unchanged,
        bulk_summary.credits,
    ) == (summary.loaded, 1, 1, summary.credits)
    assert sorted(bulk_summary.warnings) == sorted(summary.warnings)
    _assert_same(graph_checksum(incremental, LOAD_TIMES), _schema(incremental), bulk, incremental)


def test_a_bulk_load_that_spills_to_disk_gives_the_incremental_graph(tmp_path, request):
    """With room in memory for two shows, people, companies or genres, every node is
    written to the scratch file and read back, most of them many times, between batches;
    the edges asserted twice or more are merged from the file."""
    from tests.conftest import open_backend

    paths = _inputs(tmp_path)
    incremental, bulk = open_backend("embedded", request), open_backend("embedded", request)
    _incremental(incremental, paths)
    loader = BulkLoader(batch_size=BATCH, spill_dir=tmp_path / "spill", cached=2)
    loader.load(bulk, _sources(paths))
    assert loader.graph.node_table.spilled > 1000
    assert list((tmp_path / "spill").iterdir()) == []  # the scratch file is gone
    _assert_same(graph_checksum(incremental, LOAD_TIMES), _schema(incremental), bulk, incremental)


def test_nodes_of_alternating_shapes_keep_their_places_in_graph_bulk(embedded):
    """GRAPH.BULK numbers nodes blob by blob; relationships name their ends by place."""
    nodes = [
        ("Person", {"key": "a", "name": "A"}),
        ("Show", {"key": "s", "title": "S"}),
        ("Person", {"key": "b", "name": "B", "credit_count": 1}),
        ("Person", {"key": "c", "name": "C"}),
        ("Show", {"key": "t", "year": 2001}),
    ]
    relationships = [
        ("ACTED_IN", NodeRef("Person", key, at), NodeRef("Show", show, to), {})
        for key, at, show, to in (("a", 0, "t", 4), ("b", 2, "s", 1), ("c", 3, "t", 4))
    ]
    embedded.bulk_import(iter(nodes), iter(relationships))
    found = embedded.run_read(
        "MATCH (p:Person)-[:ACTED_IN]->(s:Show) RETURN p.key, s.key, p.name ORDER BY p.key",
        max_rows=0,
    ).rows
    assert found == [["a", "t", "A"], ["b", "s", "B"], ["c", "t", "C"]]


def _alternating_credits(people: int) -> list[tuple]:
    """Credits of `people` people on one show, with and without a character, in turn."""
    return [
        (
            "ACTED_IN",
            NodeRef("Person", f"p{i}", i),
            NodeRef("Show", "s", people),
            {"asserted_by": 1, **({"characters": [f"C{i}"]} if i % 2 else {})},
        )
        for i in range(people)
    ]


def test_relationships_of_alternating_shapes_share_one_blob_per_shape():
    """The engine's work per blob grows with the graph: a blob every few relationships
    made GRAPH.BULK quadratic (26,384 blobs for 124,595 relationships at 10^5 credits)."""
    calls: list[list] = []
    sender = BulkSender(calls.append)
    sender.send_nodes(
        iter([*(("Person", {"key": f"p{i}"}) for i in range(1000)), ("Show", {"key": "s"})])
    )
    sender.send_relationships(iter(_alternating_credits(1000)))
    # each call: [BEGIN], nodes, relationships, node blobs, relationship blobs, blobs...
    counts = [args[1:5] if args[0] == "BEGIN" else args[:4] for args in calls]
    assert [(sent, blobs) for nodes, sent, _, blobs in counts if not nodes] == [(1000, 2)]


def test_relationships_regrouped_by_shape_keep_their_own_properties(embedded):
    nodes = [*(("Person", {"key": f"p{i}"}) for i in range(6)), ("Show", {"key": "s"})]
    embedded.bulk_import(iter(nodes), iter(_alternating_credits(6)))
    found = embedded.run_read(
        "MATCH (p:Person)-[r:ACTED_IN]->(:Show {key: 's'}) "
        "RETURN p.key, r.characters, r.asserted_by ORDER BY p.key",
        max_rows=0,
    ).rows
    assert found == [[f"p{i}", [f"C{i}"] if i % 2 else None, 1] for i in range(6)]


def test_a_graph_sent_in_many_calls_arrives_whole(embedded, monkeypatch):
    """Calls are sent from a thread while the next is encoded: every one arrives, in
    order (a relationship's ends are places among the nodes sent before it)."""
    monkeypatch.setattr("screengraph.graph.falkor_bulk.CALL_BYTES", 200)
    people = 300
    nodes = [*(("Person", {"key": f"p{i}"}) for i in range(people)), ("Show", {"key": "s"})]
    embedded.bulk_import(iter(nodes), iter(_alternating_credits(people)))
    found = embedded.run_read(
        "MATCH (p:Person)-[r:ACTED_IN]->(:Show {key: 's'}) RETURN p.key, r.characters",
        max_rows=0,
    ).rows
    assert sorted(found) == sorted([f"p{i}", [f"C{i}"] if i % 2 else None] for i in range(people))


def test_the_next_call_is_encoded_while_one_is_in_flight():
    in_flight, release, sent = threading.Event(), threading.Event(), []

    def slow_send(args):
        in_flight.set()
        release.wait(10)
        sent.append(args)

    with SendAhead(slow_send) as send:
        send(["first"])
        assert in_flight.wait(10)
        send(["second"])  # returns while the first is still being sent
        assert sent == []
        release.set()
    assert sent == [["first"], ["second"]]


def test_a_failed_call_is_raised_to_the_loader_and_nothing_after_it_is_sent():
    sent = []

    def send(args):
        if args == ["bad"]:
            raise QueryError("the engine refused the call")
        sent.append(args)

    with pytest.raises(QueryError, match="refused"):
        with SendAhead(send) as ahead:
            for args in (["good"], ["bad"], ["after"], ["later"]):
                ahead(args)
    assert sent == [["good"]]


def test_a_loader_error_ends_the_sending_without_waiting_forever():
    with pytest.raises(ValueError, match="a bad value"):
        with SendAhead(lambda args: None) as ahead:
            ahead(["one"])
            raise ValueError("a bad value")


def test_names_the_load_forgot_resolve_as_against_the_store(tmp_path, request, monkeypatch):
    """Past remembered.REMEMBERED names a load forgets the oldest and the
    incremental loader asks the store again; the bulk path asks the graph it holds."""
    from tests.conftest import open_backend

    monkeypatch.setattr("screengraph.loaders.remembered.REMEMBERED", 16)
    # A name-only David Smith, who then gets nm0000229; a namesake nm0000230 becomes
    # david-smith--nm0000230; forgotten, he must still be found by his identifier.
    smith = [{"title": "First", "year": 1990, "cast": ["David Smith"]}] + [
        {
            "title": title,
            "year": 1991,
            "credits": [{"name": "David Smith", "category": "director", "ids": [f"imdb:{nconst}"]}],
        }
        for title, nconst in (("Second", "nm0000229"), ("Third", "nm0000230"))
    ]
    fillers = [
        {
            "title": f"Filler {i}",
            "year": 2000,
            "credits": [
                {
                    "name": f"Person {i} {j}",
                    "category": "actor",
                    "ids": [f"imdb:nm{1000000 + 5 * i + j}"],
                }
                for j in range(5)
            ],
        }
        for i in range(12)
    ]
    listings = [
        *smith,
        *fillers,
        {
            "title": "Later",
            "year": 2011,
            "credits": [{"name": "David Smith", "category": "actor", "ids": ["imdb:nm0000230"]}],
        },
    ]
    (tmp_path / "forgotten.jsonl").write_text(
        "\n".join(json.dumps(listing) for listing in listings) + "\n", encoding="utf-8"
    )
    paths = [tmp_path / "forgotten.jsonl", *_inputs(tmp_path)]
    incremental, bulk = open_backend("embedded", request), open_backend("embedded", request)
    _incremental(incremental, paths)
    BulkLoader(batch_size=BATCH).load(bulk, _sources(paths))
    _assert_same(graph_checksum(incremental, LOAD_TIMES), _schema(incremental), bulk, incremental)


def test_bulk_load_refuses_a_graph_that_is_not_empty(backend, tmp_path):
    paths = _inputs(tmp_path)
    _incremental(backend, paths[:1])
    before = graph_checksum(backend)
    with pytest.raises(BulkImportRefused, match="not empty.*without --bulk"):
        BulkLoader(batch_size=BATCH).load(backend, _sources(paths), folder=tmp_path / "csv")
    assert graph_checksum(backend) == before


def test_a_listing_given_twice_with_different_contents_is_rejected_as_incrementally(embedded):
    url = "https://example.org/night-shift"
    first = json.dumps({"title": "Night Shift", "year": 2001, "cast": ["A B"], "source_url": url})
    second = json.dumps({"title": "Night Shift", "year": 2001, "cast": ["C D"], "source_url": url})
    text = f"{first}\n{second}\n"
    bulk = BulkLoader()
    bulk.plan([SourceText("twice.jsonl", text)])
    incremental = Loader(embedded).load([SourceText("twice.jsonl", text)])
    assert bulk.summary.rejects == incremental.rejects and len(bulk.summary.rejects) == 1
    listings = [node["key"] for label, node in bulk.graph.nodes() if label == LISTING_LABEL]
    bulk.close()
    assert listings == [f"url:{url}"]


# -- Neo4j: neo4j-admin, on the server scripts/neo4j-local runs ---------------------------


def _local_neo4j():
    """The environment of the scripts/neo4j-local server NEO4J_URI points at, or skip."""
    port = os.environ.get("NEO4J_LOCAL_BOLT_PORT", "7687")
    if not os.environ.get("NEO4J_URI", "").endswith(f":{port}"):
        pytest.skip(
            "needs the Neo4j of scripts/neo4j-local (NEO4J_LOCAL_BOLT_PORT and "
            "NEO4J_URI) to stop it and import with its neo4j-admin"
        )
    return dict(os.environ)


def _neo4j_local(command: str, env) -> None:
    subprocess.run(
        [str(REPO / "scripts" / "neo4j-local"), command],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )


def test_bulk_load_gives_the_incremental_graph_on_neo4j(neo4j, tmp_path):
    assert_neo4j_admin_import_gives_the_incremental_graph(neo4j, _inputs(tmp_path), tmp_path)


def assert_neo4j_admin_import_gives_the_incremental_graph(neo4j, paths, tmp_path) -> None:
    """`paths` loaded incrementally, then bulk loaded through neo4j-admin: the same graph."""
    env = _local_neo4j()
    _incremental(neo4j, paths)
    # The load lease (graph/neo4j_lease.py) is how loads take turns, not listings' data:
    # an offline import takes no turn.
    neo4j.run_write(f"MATCH (l:{LEASE_LABEL}) DELETE l")
    expected, expected_schema = graph_checksum(neo4j, LOAD_TIMES), _schema(neo4j)
    neo4j.clear()
    loader = BulkLoader(batch_size=BATCH)
    loader.load(neo4j, _sources(paths), folder=tmp_path / "csv")
    _neo4j_admin_import(tmp_path, tmp_path / "csv", env)
    _assert_same(expected, expected_schema, neo4j)


def _neo4j_admin_import(tmp_path, folder, env) -> None:
    """What a user runs for a bulk load on Neo4j: stop the server, neo4j-admin's import of
    `folder`, start it, then `screengraph load --bulk FOLDER` to finish."""
    files = ImportFiles.read(folder)
    _neo4j_local("stop", env)
    try:
        subprocess.run(
            [
                str(REPO / "scripts" / "neo4j-local"),
                "admin",
                *files.arguments(os.environ.get("NEO4J_DATABASE", "neo4j")),
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
    finally:
        _neo4j_local("start", env)
    finished = _cli(tmp_path, "load", "--bulk", str(folder), backend="neo4j")
    assert finished.exit_code == 0, finished.output


# -- the command ---------------------------------------------------------------------------


def _cli(tmp_path, *args, backend="embedded"):
    from click.testing import CliRunner

    from screengraph.cli import main

    options = ["--backend", backend]
    if backend == "embedded":
        options += ["--data-dir", str(tmp_path / "store")]
    return CliRunner().invoke(main, [*options, *args], catch_exceptions=False)


def test_load_bulk_loads_an_empty_store_and_refuses_a_second_time(tmp_path):
    first = _cli(tmp_path, "load", "--bulk", str(SAMPLE_PAGE))
    assert first.exit_code == 0, first.output
    assert first.output.startswith("loaded 1, updated 0, unchanged 0, rejected 0")
    stats = json.loads(_cli(tmp_path, "stats", "--json").output)
    assert (stats["Show"], stats["Person"], stats["Company"], stats["Genre"]) == (6, 7, 1, 1)
    again = _cli(tmp_path, "load", "--bulk", str(SAMPLE_PAGE))
    assert again.exit_code == 1
    assert "is not empty" in again.output and "Load without --bulk" in again.output


def test_load_bulk_on_neo4j_writes_the_files_and_says_what_to_run(neo4j, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _cli(tmp_path, "load", "--bulk", str(SAMPLE_PAGE), backend="neo4j")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "screengraph-import"
    assert (folder / "screengraph-import.json").is_file()
    for needed in (
        "Stop the database",
        "neo4j-admin database import full",
        f"--nodes=Show={folder}",
        "scripts/neo4j-local admin",
        "docker compose run",
        f"screengraph load --bulk {folder}",
    ):
        assert needed in result.output, needed
    assert neo4j.run_read("MATCH (n) RETURN count(n)", max_rows=0).value(0) == 0
