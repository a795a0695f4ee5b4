"""Export and import: the graph out in three formats and back in, on both engines.

The graph is a real load of every kind of input (IMDb's files, TMDB records, a catalogue
page, listings that disagree on spellings and years: tests/loaders/test_bulk.py's inputs),
so identifiers, votes, provenance, episodes and namesakes are all in it.
"""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import networkx as nx
import pytest

from screengraph.graph.checksum import describe_difference, first_differences, graph_checksum
from screengraph.graph.errors import BulkImportRefused, ExportRefused
from screengraph.graph.export_formats import export_store, write_export
from screengraph.graph.export_jsonl import parse_lines
from screengraph.graph.export_read import ExportReader
from screengraph.graph.graph_import import GraphImport
from screengraph.graph.neo4j_lease import LEASE_LABEL
from screengraph.graph.schema import HISTORY_LABELS
from tests.conftest import open_backend
from tests.loaders.test_bulk import _cli, _incremental, _inputs, _local_neo4j, _neo4j_admin_import


def _export(backend, path: Path, fmt: str = "jsonl", page: int = 1000):
    reader = ExportReader(backend, page=page)
    return write_export(fmt, path, reader.nodes(), reader.relationships(), backend.name)


def _import(backend, path: Path, batch: int = 1000):
    with path.open(encoding="utf-8") as lines:
        return GraphImport(backend, batch).run(parse_lines(lines, str(path)))


def _checksum(backend):
    # The Neo4j load lease says who loads now, not what the graph holds: not exported.
    if backend.name == "neo4j":
        backend.run_write(f"MATCH (l:{LEASE_LABEL}) DELETE l")
    return graph_checksum(backend)


def _assert_same(expected, backend, names=("exported", "imported"), other=None):
    found = _checksum(backend)
    detail = describe_difference(expected, found, names)
    if other is not None and found != expected:
        detail += "\n" + "\n".join(first_differences(other, backend, 5))
    assert found == expected, detail


@pytest.fixture
def loaded(backend, tmp_path):
    _incremental(backend, _inputs(tmp_path / "inputs"))
    return backend


def _history(backend) -> int:
    """Nodes of the load history: the store's own account, neither checksummed nor exported."""
    return sum(
        backend.run_read(f"MATCH (n:{label}) RETURN count(n)", max_rows=0).value(0)
        for label in HISTORY_LABELS
    )


def test_jsonl_export_imports_to_the_identical_graph(loaded, tmp_path):
    expected = _checksum(loaded)
    history = _history(loaded)
    assert expected.counts["node:Listing"] > 80 and expected.counts["rel:ACTED_IN"] > 100
    assert history > 0
    result = _export(loaded, tmp_path / "graph.jsonl", page=37)  # pages end mid-label
    assert result.nodes == sum(n for name, n in expected.counts.items() if name.startswith("node:"))
    loaded.clear()
    summary = _import(loaded, tmp_path / "graph.jsonl", batch=50)
    assert (summary.rejects, summary.problems) == ([], [])
    assert (summary.nodes, summary.relationships) == (result.nodes, result.relationships)
    _assert_same(expected, loaded)
    assert _history(loaded) == 0  # the history is the old store's: the import starts anew


def test_export_does_not_depend_on_page_size(embedded, tmp_path):
    _incremental(embedded, _inputs(tmp_path / "inputs"))
    _export(embedded, tmp_path / "small.jsonl", page=5)
    _export(embedded, tmp_path / "large.jsonl")
    small, large = (
        (tmp_path / name).read_text(encoding="utf-8").splitlines()[1:]
        for name in ("small.jsonl", "large.jsonl")
    )
    assert sorted(small) == sorted(large) and len(small) > 500


def test_an_export_waits_for_a_load_in_progress_so_no_listing_is_half_in_it(backend, tmp_path):
    backend.run_write("CREATE (:Show {key: 'a', title: 'A'})")
    done = threading.Event()
    with backend.one_load_at_a_time():  # a load writing
        worker = threading.Thread(
            target=lambda: (export_store(backend, "jsonl", tmp_path / "graph.jsonl"), done.set())
        )
        worker.start()
        assert not done.wait(1.5)
        backend.run_write("CREATE (:Show {key: 'b', title: 'B'})")
    worker.join(60)
    assert done.is_set()
    keys = [
        json.loads(line)["properties"]["key"]
        for line in (tmp_path / "graph.jsonl").read_text(encoding="utf-8").splitlines()[1:-1]
    ]
    assert keys == ["a", "b"]


def test_embedded_to_neo4j_to_embedded_round_trip_keeps_the_graph(request, tmp_path):
    source, neo4j = open_backend("embedded", request), open_backend("neo4j", request)
    _incremental(source, _inputs(tmp_path / "inputs"))
    expected = _checksum(source)
    _export(source, tmp_path / "from-embedded.jsonl")
    assert _import(neo4j, tmp_path / "from-embedded.jsonl").rejects == []
    _assert_same(expected, neo4j, ("embedded", "neo4j"), source)
    _export(neo4j, tmp_path / "from-neo4j.jsonl")
    embedded_lines, neo4j_lines = (
        (tmp_path / name).read_text(encoding="utf-8").splitlines()[1:]
        for name in ("from-embedded.jsonl", "from-neo4j.jsonl")
    )
    assert neo4j_lines == embedded_lines  # one graph, one export, whichever engine
    back = open_backend("embedded", request)
    assert _import(back, tmp_path / "from-neo4j.jsonl").rejects == []
    _assert_same(expected, back, ("embedded", "embedded again"), source)


def _decoded(value):
    """GraphML has no lists: they are written as their JSON text."""
    if isinstance(value, str) and value.startswith("["):
        return json.loads(value)
    return value


def test_graphml_opens_in_networkx_with_every_node_edge_and_property(loaded, tmp_path):
    _export(loaded, tmp_path / "graph.jsonl")
    _export(loaded, tmp_path / "graph.graphml", "graphml")
    graph = nx.read_graphml(tmp_path / "graph.graphml")
    assert isinstance(graph, nx.MultiDiGraph)
    lines = [
        json.loads(line)
        for line in (tmp_path / "graph.jsonl").read_text(encoding="utf-8").splitlines()[1:-1]
    ]
    nodes = [line for line in lines if line["type"] == "node"]
    edges = [line for line in lines if line["type"] == "relationship"]
    assert graph.number_of_nodes() == len(nodes) and graph.number_of_edges() == len(edges)
    for node in nodes:
        label, properties = node["labels"][0], node["properties"]
        attributes = dict(graph.nodes[f"{label}:{properties['key']}"])
        assert attributes.pop("labels") == label
        assert {name: _decoded(value) for name, value in attributes.items()} == properties
    found = sorted(
        json.dumps([start, end, {n: _decoded(v) for n, v in data.items()}], sort_keys=True)
        for start, end, data in graph.edges(data=True)
    )
    wanted = sorted(
        json.dumps(
            [
                f"{e['start']['label']}:{e['start']['key']}",
                f"{e['end']['label']}:{e['end']['key']}",
                {"label": e["label"], **e["properties"]},
            ],
            sort_keys=True,
        )
        for e in edges
    )
    assert found == wanted


def test_graphml_keeps_text_that_looks_like_a_number_and_awkward_characters(embedded, tmp_path):
    embedded.run_write(
        "CREATE (:Show {key: 'x', title: '1941', synopsis: 'a <b> & \"c\"\\r\\nd', "
        "year: 1941, rating: 7.5, ok: true, sources: ['s:1'], "
        "labels: 'taken'})"
    )
    embedded.run_write("CREATE (:Show {key: 'y', title: 1942})")  # mixed types: text
    _export(embedded, tmp_path / "g.graphml", "graphml")
    graph = nx.read_graphml(tmp_path / "g.graphml")
    x = graph.nodes["Show:x"]
    assert (x["title"], x["year"], x["rating"], x["ok"]) == ("1941", 1941, 7.5, True)
    assert x["synopsis"] == 'a <b> & "c"\r\nd' and x["property.labels"] == "taken"
    assert graph.nodes["Show:y"]["title"] == "1942"


def test_csv_export_is_the_bulk_loads_neo4j_admin_format(loaded, tmp_path):
    result = _export(loaded, tmp_path / "csv", "csv")
    assert "neo4j-admin database import full" in result.next_steps
    assert (tmp_path / "csv" / "screengraph-import.json").is_file()
    headers = {
        path.read_text(encoding="utf-8").splitlines()[0]
        for path in (tmp_path / "csv").glob("*.csv")
    }
    assert any(
        h.startswith('"key:ID(Show)"') and '"year:long"' in h and '"asserted_by:long"' in h
        for h in headers
    )
    assert any(h.startswith('"key:ID(Assertion)"') and '"edges:string[]"' in h for h in headers)
    assert any(h.startswith('":START_ID(Person)",":END_ID(Show)"') for h in headers)


def test_csv_export_imported_by_neo4j_admin_gives_the_embedded_graph(request, tmp_path):
    """The whole path a user follows: export on the embedded store, neo4j-admin's offline
    import (the server stopped), then `screengraph load --bulk FOLDER` to finish."""
    env = _local_neo4j()
    source, neo4j = open_backend("embedded", request), open_backend("neo4j", request)
    _incremental(source, _inputs(tmp_path / "inputs"))
    expected = _checksum(source)
    _export(source, tmp_path / "csv", "csv")
    _neo4j_admin_import(tmp_path, tmp_path / "csv", env)
    _assert_same(expected, neo4j, ("embedded", "neo4j-admin import"), source)


def test_csv_export_refuses_a_folder_that_is_not_its_own(embedded, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("keep me")
    with pytest.raises(ExportRefused, match="is not an export folder"):
        _export(embedded, tmp_path / "mine", "csv")
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "keep me"


# -- importing a file that is not a whole, valid export --------------------------------------


def test_import_reports_bad_lines_by_number_and_imports_the_rest(backend, tmp_path):
    backend.run_write(
        "CREATE (:Show {key: 'a', title: 'A'})-[:IN_GENRE {sources: ['s']}]->"
        "(:Genre {key: 'g', name: 'G'})"
    )
    _export(backend, tmp_path / "good.jsonl")
    lines = (tmp_path / "good.jsonl").read_text(encoding="utf-8").splitlines()
    bad = [
        lines[0],
        "{not json",
        lines[1],
        lines[1],
        '{"type": "node", "labels": ["Show`) DETACH DELETE (x"], "properties": {"key": "z"}}',
        '{"type": "relationship", "label": "MADE_BY", "start": {"label": "Show", "key": "a"},'
        ' "end": {"label": "Company", "key": "nowhere"}, "properties": {}}',
        *lines[2:-1],
    ]
    (tmp_path / "bad.jsonl").write_text("\n".join(bad) + "\n", encoding="utf-8")
    backend.clear()
    summary = _import(backend, tmp_path / "bad.jsonl")
    reasons = {reject.line: reject.reason for reject in summary.rejects}
    assert sorted(reasons) == [2, 4, 5, 6], reasons
    assert reasons[2].startswith("not JSON")
    assert "already imported" in reasons[4]
    assert "must be a name of letters" in reasons[5]
    assert "no node line gives its start" in reasons[6] and "'nowhere'" in reasons[6]
    assert summary.problems == [
        "the file has no end line: it was cut short (an export that "
        "did not finish, or a partial copy), so the graph imported is "
        "not the whole export"
    ]
    assert (summary.nodes, summary.relationships) == (2, 1)


def test_import_refuses_a_store_that_is_not_empty_and_a_file_that_is_not_an_export(
    backend, tmp_path
):
    backend.run_write("CREATE (:Show {key: 'a', title: 'A'})")
    _export(backend, tmp_path / "graph.jsonl")
    before = _checksum(backend)
    with pytest.raises(BulkImportRefused, match="is not empty"):
        _import(backend, tmp_path / "graph.jsonl")
    assert _checksum(backend) == before
    listings = tmp_path / "listings.jsonl"
    listings.write_text('{"title": "A"}\n', encoding="utf-8")
    backend.clear()
    with pytest.raises(ExportRefused, match="not a screengraph graph export.*screengraph load"):
        _import(backend, listings)


# -- the commands -------------------------------------------------------------------------------


def test_export_and_import_commands(tmp_path):
    from tests.conftest import SAMPLE_PAGE

    assert _cli(tmp_path, "load", str(SAMPLE_PAGE)).exit_code == 0
    out = tmp_path / "graph.jsonl.gz"
    exported = _cli(tmp_path, "export", str(out), "--progress")
    assert exported.exit_code == 0, exported.output
    # 11 catalogue nodes, the Listing, the layout node, and the Assertions of the page's
    # show and of the five shows it names as related.
    assert "exported 23 nodes and 17 relationships" in exported.output
    piped = _cli(tmp_path, "export", "-")
    assert piped.exit_code == 0
    assert (
        gzip.decompress(out.read_bytes()).decode().splitlines()[1:] == piped.stdout.splitlines()[1:]
    )
    assert "to standard output" in piped.stderr
    unknown = _cli(tmp_path, "export", str(tmp_path / "graph.txt"))
    assert unknown.exit_code == 2 and "give --format" in unknown.output
    refused = _cli(tmp_path, "import", str(out))
    assert refused.exit_code == 1 and "is not empty" in refused.output
    other = tmp_path / "other"
    other.mkdir()
    assert _cli(other, "init").exit_code == 0  # a store with only its layout node
    imported = _cli(other, "import", str(out), "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output) == {
        "nodes": 23,
        "relationships": 17,
        "rejected": [],
        "rejected_count": 0,
        "problems": [],
    }
    again = _cli(other, "export", "-")
    assert again.stdout.splitlines()[1:] == piped.stdout.splitlines()[1:]
