"""A store whose graph was deleted opens at every start after it (graph/falkor_log.py).

FalkorDB replays its log at each start and announces again every constraint the log
creates, even one of a graph a later entry deleted; the start after that replayed the
announcement and crashed, and so did every start after it. These tests start the server
three times after each way a graph is deleted here: the bulk load's deletion of an empty
graph (after `screengraph serve` made its constraints), a plain deletion, and a deletion
whose process stopped before the log was rewritten.
"""

from __future__ import annotations

from pathlib import Path

from screengraph.graph.backend import NodeRef
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.falkor_log import REWRITE_DUE, mark_rewrite_due

STARTS = 3


def _starts(folder: Path, graph: str) -> list[list]:
    """What the graph holds, read at each of STARTS fresh starts of the server."""
    seen = []
    for _ in range(STARTS):
        with FalkorBackend(folder, graph) as backend:
            seen.append(
                backend.run_read("MATCH (n) RETURN labels(n)[0], n.key ORDER BY n.key").rows
            )
    return seen


def test_a_bulk_load_into_a_graph_with_constraints_leaves_a_store_that_opens(tmp_path):
    """The flow that crashed (`serve`, then `load --bulk`), kept as a regression of the
    whole path; the two tests below are the ones that fail without the rewrite."""
    with FalkorBackend(tmp_path, "screengraph") as backend:
        backend.ensure_schema()  # what `screengraph serve` does on a new store
        backend.prepare_adhoc()
    with FalkorBackend(tmp_path, "screengraph") as backend:
        backend.bulk_import(
            iter([("Show", {"key": "alien--1979"}), ("Person", {"key": "sigourney-weaver"})]),
            iter(
                [
                    (
                        "ACTED_IN",
                        NodeRef("Person", "sigourney-weaver", 1),
                        NodeRef("Show", "alien--1979", 0),
                        {},
                    )
                ]
            ),
        )
    expected = [["Show", "alien--1979"], ["Person", "sigourney-weaver"]]
    assert _starts(tmp_path, "screengraph") == [expected] * STARTS


def test_a_deleted_graph_leaves_a_store_that_opens(tmp_path):
    with FalkorBackend(tmp_path, "kept") as kept:
        kept.ensure_schema()
        kept.run_write("CREATE (:Show {key: 'kept'})")
    with FalkorBackend(tmp_path, "dropped") as dropped:
        dropped.ensure_schema()
        dropped.run_write("CREATE (:Show {key: 'gone'})")
        dropped.drop_graph()
    assert not (tmp_path / REWRITE_DUE).exists()
    assert _starts(tmp_path, "kept") == [[["Show", "kept"]]] * STARTS


def test_a_deletion_stopped_before_the_rewrite_is_finished_by_the_next_start(tmp_path):
    """The process deleted the graph and stopped before rewriting the log: the marker it
    left has the next connection rewrite it."""
    with FalkorBackend(tmp_path, "kept") as kept:
        kept.run_write("CREATE (:Show {key: 'kept'})")
    with FalkorBackend(tmp_path, "dropped") as dropped:
        dropped.ensure_schema()
        dropped.run_write("CREATE (:Show {key: 'gone'})")
        mark_rewrite_due(tmp_path)
        dropped.run_read("RETURN 1")
        dropped._graph().delete()  # the deletion alone, as a stopped drop_graph left it
    assert _starts(tmp_path, "kept") == [[["Show", "kept"]]] * STARTS
    assert not (tmp_path / REWRITE_DUE).exists()
