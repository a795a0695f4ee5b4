"""IMDb's files planned over whole tables (loaders/bulk_sets.py) give exactly the graph the
incremental loader gives, on both backends.

The input has what makes the rules matter: namesakes (people and titles of one name, kept
apart by their ids), titles without a year (loaders/yearless.py: one candidate, several,
none), episodes credited on their series, a person credited twice on one title, and bad
lines (rejected with their file and line, as the incremental load rejects them). Batches
are small so that a series, a person and a genre are met in many batches.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from benchmarks.synthetic_imdb import generate
from screengraph.graph.checksum import LOAD_TIMES, graph_checksum
from screengraph.loaders.bulk import BulkLoader
from screengraph.loaders.bulk_sets import SetGraph
from screengraph.loaders.sources import expand, read_all
from tests.loaders.test_bulk import (
    BATCH,
    _assert_same,
    _incremental,
    _schema,
    assert_neo4j_admin_import_gives_the_incremental_graph,
)

# Titles without a year, added to the generated files: one whose title only one dated
# title has (it resolves to it), one whose title two have (kept apart, with a warning),
# one met before the dated title of its name (a show of its own), and an episode of the
# yearless series.
_YEARLESS = (
    "tt9900001\tmovie\tTwin Title\tTwin Title\t0\t\\N\t\\N\t90\tDrama",
    "tt9900002\ttvSeries\tTwin Title\tTwin Title\t0\t1999\t\\N\t45\tDrama",
    "tt9900003\tmovie\tTwin Title\tTwin Title\t0\t2001\t\\N\t90\tComedy",
    "tt9900004\tmovie\tTwin Title\tTwin Title\t0\t\\N\t\\N\t90\tDrama",
    "tt9900005\tmovie\tLone Title\tLone Title\t0\t1987\t\\N\t90\tDrama",
    "tt9900006\ttvSeries\tLone Title\tLone Title\t0\t\\N\t\\N\t90\tDrama",
    "tt9900007\ttvEpisode\tEpisode #1.1\tEpisode #1.1\t0\t\\N\t\\N\t30\tDrama",
)
_PRINCIPALS = (
    # Credited twice on one title (two producer jobs): one edge, both jobs.
    "tt9900001\t1\tnm0000001\tproducer\tproducer\t\\N",
    "tt9900001\t2\tnm0000001\tproducer\tline producer\t\\N",
    'tt9900001\t3\tnm0000002\tactor\t\\N\t["Ann"]',
    'tt9900004\t1\tnm0000002\tactor\t\\N\t["Bea"]',
    'tt9900007\t1\tnm0000002\tactor\t\\N\t["Cy"]',
    "tt9900007\t2\tnm0000003\tactress\t\\N\tnot json",  # a bad line
)


def _add(path: Path, lines: tuple[str, ...], people: list[str] | None = None) -> None:
    """Rows added to one of IMDb's files, kept sorted by their first column as IMDb's are;
    `nm000000N` in them becomes the Nth person of `people`."""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        header, *rows = file.read().splitlines()
    for number, nconst in enumerate(people or [], start=1):
        lines = tuple(line.replace(f"nm000000{number}", nconst) for line in lines)
    rows = sorted([*rows, *lines], key=lambda row: row.split("\t", 1)[0].encode())
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write("".join(row + "\n" for row in [header, *rows]))


def _people(path: Path, count: int) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return [line.split("\t", 1)[0] for line in file.read().splitlines()[1 : count + 1]]


def _imdb(folder: Path, titles: int = 300) -> list[Path]:
    imdb = folder / "imdb"
    generate(imdb, titles, seed=5, compress=True, malformed=True)
    _add(imdb / "title.basics.tsv.gz", _YEARLESS)
    _add(imdb / "title.principals.tsv.gz", _PRINCIPALS, _people(imdb / "name.basics.tsv.gz", 3))
    _add(imdb / "title.episode.tsv.gz", ("tt9900007\ttt9900006\t1\t1",))
    return [imdb]


def _sources(paths: list[Path]):
    return read_all(expand([str(p) for p in paths]), None, True)


def test_imdb_files_planned_over_tables_give_the_incremental_graph(tmp_path, request):
    from tests.conftest import open_backend

    paths = _imdb(tmp_path)
    incremental = open_backend("embedded", request)
    expected = _incremental(incremental, paths)
    bulk = open_backend("embedded", request)
    loader = BulkLoader(batch_size=BATCH)
    planned: list[type] = []
    plan = loader.plan

    def watched(sources, fmt=None):
        graph = plan(sources, fmt)
        planned.append(type(graph))
        return graph

    loader.plan = watched  # type: ignore[method-assign]
    summary = loader.load(bulk, _sources(paths))
    assert planned == [SetGraph]
    assert expected.rejected > 0 and any("without a year" in w for w in expected.warnings)
    assert (summary.loaded, summary.credits, summary.rejected) == (
        expected.loaded,
        expected.credits,
        expected.rejected,
    )
    assert summary.rejects == expected.rejects
    assert summary.warnings == expected.warnings
    _assert_same(graph_checksum(incremental, LOAD_TIMES), _schema(incremental), bulk, incremental)


# The server is stopped and started again around neo4j-admin's import: minutes on a busy machine.
@pytest.mark.timeout(900)
def test_imdb_files_planned_over_tables_give_the_incremental_graph_on_neo4j(neo4j, tmp_path):
    assert_neo4j_admin_import_gives_the_incremental_graph(neo4j, _imdb(tmp_path, 100), tmp_path)


def test_a_plan_larger_than_duckdbs_memory_is_merged_and_streamed_within_it(tmp_path):
    """The merge spills or works in parts instead of running out of memory: 10^7 credits
    ran out of 512 MB in DuckDB before (aggregates with an ORDER BY of their own, a dozen
    aggregates per edge, the sort of every hub's joined row), and this tenth of a
    million ran out of 64 MB the same way. Its rows are those of a roomy merge."""
    imdb = tmp_path / "imdb"
    generate(imdb, 10_000, seed=5, compress=True)
    streams = []
    for memory_limit in ("64MB", "1GB"):
        with BulkLoader() as loader:
            loader.graph.loaded_at = "2026-11-30T12:00:00+00:00"  # both plans alike
            graph = loader.plan(_sources([imdb]))
            assert isinstance(graph, SetGraph)
            graph.memory_limit = memory_limit
            # A relationship names its ends, so their order is free.
            streams.append((list(graph.nodes()), sorted(graph.relationships(), key=repr)))
    (nodes, relationships), roomy = streams
    assert len(relationships) > 100_000
    assert (nodes, relationships) == roomy
