"""neo4j-admin's files for a bulk load: what they remember for the finishing step does not
grow with the input (graph/neo4j_import.py)."""

from __future__ import annotations

from screengraph.graph.neo4j_import import FINISH_BATCH, MANIFEST, ImportFiles, write_import_files


def _nodes(count: int):
    for i in range(count):
        yield "Person", {"key": f"person-{i}", "name": f"Person {i}", "ids": []}
        yield "Show", {"key": f"show-{i}", "title": f"Show {i}", "ids": ["imdb:tt1"], "aliases": []}


def test_empty_lists_to_set_after_the_import_are_kept_on_disk_not_in_memory(tmp_path):
    small = write_import_files(tmp_path / "small", _nodes(10), [])
    big = write_import_files(tmp_path / "big", _nodes(FINISH_BATCH + 5), [])
    small.save()
    big.save()
    # one entry per (label, property), whatever the number of nodes
    assert len(big.empty_lists) == len(small.empty_lists) == 2
    manifest = (tmp_path / "big" / MANIFEST).stat().st_size
    assert manifest == (tmp_path / "small" / MANIFEST).stat().st_size
    statements = list(ImportFiles.read(tmp_path / "big").finish_statements())
    keys = {(statement.split("`")[1], statement.split("`")[3]): [] for statement, _ in statements}
    for statement, params in statements:
        assert len(params["keys"]) <= FINISH_BATCH
        keys[(statement.split("`")[1], statement.split("`")[3])].extend(params["keys"])
    assert keys == {
        ("Person", "ids"): [f"person-{i}" for i in range(FINISH_BATCH + 5)],
        ("Show", "aliases"): [f"show-{i}" for i in range(FINISH_BATCH + 5)],
    }
