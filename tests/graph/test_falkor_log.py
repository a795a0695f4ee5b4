"""A store whose graph was deleted opens at every start after it (graph/falkor_log.py).

FalkorDB replays its log at each start and announces again every constraint the log
creates, even one of a graph a later entry deleted; the start after that replayed the
announcement and crashed, and so did every start after it. These tests start the server
three times after each way a graph is deleted here: the bulk load's deletion of an empty
graph (after `screengraph serve` made its constraints), a plain deletion, and a deletion
left in the log (by a process stopped before the rewrite, or an earlier screengraph).
"""

from __future__ import annotations

import time
from pathlib import Path

from screengraph.graph.backend import NodeRef
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.falkor_log import log_deletes_a_graph, replay_crash_advice

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
        assert not log_deletes_a_graph(tmp_path / "appendonly")  # rewritten already
    assert _starts(tmp_path, "kept") == [[["Show", "kept"]]] * STARTS


def test_a_deletion_left_in_the_log_is_rewritten_after_the_next_start(tmp_path):
    """The graph was deleted and the log not rewritten (the process stopped in between, or
    an earlier screengraph deleted it): the next start finds the deletion in the log and
    rewrites it once its replay has announced the constraints."""
    with FalkorBackend(tmp_path, "kept") as kept:
        kept.run_write("CREATE (:Show {key: 'kept'})")
    with FalkorBackend(tmp_path, "dropped") as dropped:
        dropped.ensure_schema()
        dropped.run_write("CREATE (:Show {key: 'gone'})")
        dropped._graph().delete()  # the deletion alone, as an earlier version left it
    assert log_deletes_a_graph(tmp_path / "appendonly")
    with FalkorBackend(tmp_path, "kept") as kept:
        kept.run_read("RETURN 1")
        deadline = time.monotonic() + 60
        while log_deletes_a_graph(tmp_path / "appendonly") and time.monotonic() < deadline:
            time.sleep(0.1)
    assert _starts(tmp_path, "kept") == [[["Show", "kept"]]] * STARTS


REPLAY_CRASH = """\
8423:M 01 Dec 2026 03:58:53.452 * DB loaded from base file appendonly.aof.1.base.rdb: 0.000 seconds
8423:M 01 Dec 2026 03:58:53.500 # Redis 8.10.2 crashed by signal: 11, si_code: 1
------ STACK TRACE ------
falkordb.so(GraphContext_GetSchemaByID+0x4b)[0x7faf4a67fabb]
falkordb.so(ApplyCreateConstraint+0x19b)[0x7faf4a647d5b]
redis-server 127.0.0.1:41061(loadSingleAppendOnlyFile+0x543)[0x56147e713cb3]
"""


def test_a_server_that_crashes_replaying_its_log_is_reported_with_what_to_do(tmp_path):
    """Such a store does not open again by restarting it: the message says to restore."""
    log = tmp_path / "server.log"
    log.write_text("earlier starts...\n" + REPLAY_CRASH)
    assert "restore the store's latest backup" in replay_crash_advice(log)
    # A crash while serving is another matter: restarting it is the keeper's job.
    log.write_text(
        REPLAY_CRASH + "8433:M 01 Dec 2026 * Ready to accept connections\n"
        "8433:M 01 Dec 2026 # Redis 8.10.2 crashed by signal: 11\n"
        "falkordb.so(Effects_Apply+0x13b)\n"
    )
    assert replay_crash_advice(log) == ""
    assert replay_crash_advice(tmp_path / "no-such.log") == ""
