"""Reading a whole label in key order when keys are in many scripts.

Keys keep non-Latin scripts (graph/keys.py strips accents only), so a catalogue holds
ASCII, Latin-1, Greek, Cyrillic and CJK keys side by side. Every reader of a whole label
(the checksum, the export, the duplicate finder) pages through it by key: each node must
come exactly once, in one order both engines agree on, wherever the pages end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screengraph.graph import checksum, falkor_key_pages
from screengraph.graph.checksum import describe_difference, graph_checksum
from screengraph.graph.export_formats import write_export
from screengraph.graph.export_jsonl import parse_lines
from screengraph.graph.export_read import ExportReader
from screengraph.graph.graph_import import GraphImport
from screengraph.graph.neo4j_lease import LEASE_LABEL
from screengraph.queries import duplicates
from tests.conftest import open_backend

# Pages of 3 end on either side of the ASCII / non-ASCII boundary and inside runs that
# share an ASCII prefix ("a-z", "a-é"). A fullwidth form (U+FF54) and a character beyond
# the BMP (U+20BB7) sort differently by code point and by UTF-16 unit.
KEYS = [
    "anna",
    "yo",
    "zed",
    "zz",
    "ß",
    "éa",
    "бор",
    "東京",
    "a-z",
    "a-é",
    "a",
    "a-",
    "mélanie",
    "melanie",
    "ørsted",
    "δήμος",
    "ivan-petrov",
    "иван-петров",
    "黒澤-明",
    "zoë",
    "z",
    "ÿ",
    "ǆ",
    "ṃ",
    "ｔｏｋｙｏ",
    "𠮷野家",
]
SHOWS = ["show-1", "шоу-2", "番組-3", "émission-4"]
PAGE = 3


@pytest.fixture(autouse=True)
def small_runs(monkeypatch):
    """The embedded store sorts keys in runs, read in windows of engine ids: make several
    of each (no effect on Neo4j)."""
    monkeypatch.setattr(falkor_key_pages, "RUN_KEYS", 4)
    monkeypatch.setattr(falkor_key_pages, "WINDOW_KEYS", 2)


def build(backend) -> None:
    backend.run_write(
        "UNWIND $keys AS k CREATE (:Person {key: k, name: 'Name ' + k})", {"keys": KEYS}
    )
    backend.run_write(
        "UNWIND $keys AS k CREATE (:Show {key: k, title: 'Title ' + k})", {"keys": SHOWS}
    )
    backend.run_write(
        "UNWIND $pairs AS p MATCH (a:Person {key: p[0]}), (s:Show {key: p[1]}) "
        "CREATE (a)-[:ACTED_IN]->(s)",
        {"pairs": [[key, SHOWS[i % len(SHOWS)]] for i, key in enumerate(KEYS)]},
    )


def _without_lease(backend) -> None:
    # The Neo4j load lease says who loads now, not what the graph holds: not exported.
    if backend.name == "neo4j":
        backend.run_write(f"MATCH (l:{LEASE_LABEL}) DELETE l")


def test_keyed_pages_give_every_node_once_in_code_point_order(backend):
    build(backend)
    pages = list(backend.keyed_pages("Person", "n.name", PAGE))
    keys = [row[0] for page in pages for row in page]
    assert keys == sorted(KEYS)
    assert [len(page) for page in pages] == [
        len(sorted(KEYS)[i : i + PAGE]) for i in range(0, len(KEYS), PAGE)
    ]
    assert all(name == f"Name {key}" for page in pages for key, name in page)


def test_checksum_sees_every_node_and_tells_graphs_apart_across_scripts(backend, monkeypatch):
    monkeypatch.setattr(checksum, "PAGE", PAGE)
    build(backend)
    whole = graph_checksum(backend)
    assert whole.counts == {
        "node:Person": len(KEYS),
        "node:Show": len(SHOWS),
        "rel:ACTED_IN": len(KEYS),
    }
    people = whole.sections["node:Person"]
    assert [page.first_key for page in people.pages] == sorted(KEYS)[::PAGE]
    assert sum(page.count for page in people.pages) == len(KEYS)
    backend.run_write("MATCH (n:Person {key: 'бор'}) DETACH DELETE n")
    smaller = graph_checksum(backend)
    assert smaller != whole
    assert f"node:Person: a {len(KEYS)}, b {len(KEYS) - 1}" in describe_difference(whole, smaller)


def test_export_holds_every_node_once_and_imports_to_the_same_graph(backend, tmp_path: Path):
    build(backend)
    _without_lease(backend)
    expected = graph_checksum(backend)
    path = tmp_path / "graph.jsonl"
    reader = ExportReader(backend, page=PAGE)
    result = write_export("jsonl", path, reader.nodes(), reader.relationships(), backend.name)
    assert (result.nodes, result.relationships) == (len(KEYS) + len(SHOWS), len(KEYS))
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    people = [
        line["properties"]["key"]
        for line in lines
        if line["type"] == "node" and line["labels"] == ["Person"]
    ]
    assert people == sorted(KEYS)  # once each, in the order screengraph chose
    backend.clear()
    with path.open(encoding="utf-8") as text:
        summary = GraphImport(backend, 5).run(parse_lines(text, str(path)))
    assert (summary.rejects, summary.problems) == ([], [])
    _without_lease(backend)
    found = graph_checksum(backend)
    assert found == expected, describe_difference(expected, found, ("exported", "imported"))


def test_duplicate_finder_reads_every_name_once(backend, monkeypatch):
    monkeypatch.setattr(duplicates, "PAGE", PAGE)
    build(backend)
    assert [node.key for node in duplicates.read_named(backend, "Person")] == sorted(KEYS)


def test_both_engines_page_one_graph_alike(request, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(checksum, "PAGE", PAGE)
    engines = [open_backend(name, request) for name in ("embedded", "neo4j")]
    exports = []
    for index, engine in enumerate(engines):
        build(engine)
        _without_lease(engine)
        path = tmp_path / f"{index}.jsonl"
        reader = ExportReader(engine, page=PAGE)
        write_export("jsonl", path, reader.nodes(), reader.relationships(), engine.name)
        exports.append(path.read_text(encoding="utf-8").splitlines()[1:])
    embedded, neo4j = (graph_checksum(engine) for engine in engines)
    assert embedded == neo4j
    for name, section in embedded.sections.items():
        assert [(p.first_key, p.count, p.digest) for p in section.pages] == [
            (p.first_key, p.count, p.digest) for p in neo4j.sections[name].pages
        ], name
    assert exports[0] == exports[1]


@pytest.mark.parametrize("size", [0, -1])
def test_a_page_holds_at_least_one_node(backend, size):
    with pytest.raises(ValueError, match="at least one node"):
        next(backend.keyed_pages("Person", "n.name", size))
