"""Whether a FalkorDB graph is ready for reads: its indexes usable, its matrices whole.

When its server starts, FalkorDB loads each graph and then builds its indexes in the
background, answering PING (and queries, by scanning every node) meanwhile. A loader's
key lookups then overran the 2 s read limit and the load aborted right after a restart,
so whoever connects to a server waits here until `CALL db.indexes()` reports every
index of its graph OPERATIONAL.

A graph read from disk (or just bulk imported) also finishes its relationship matrices
on the first query that walks a relationship: 0.3 s at 10^6 edges, 4.7-5.3 s at 12.5
million, all charged to whoever asks first. A one-off command on a 10^7-credit store then
timed out at its 2 s limit after the server's start, every time. So once the indexes are
ready, whoever connects walks one relationship (`settle`) with the same long limit.
"""

from __future__ import annotations

import time

import redis.exceptions

_OPERATIONAL = "OPERATIONAL"
# Each constraint's state (graph/falkor_log.py and drop_graph read it too).
CONSTRAINT_STATUSES = "CALL db.constraints() YIELD status RETURN status"


def wait_for_indexes(graph, timeout_ms: int) -> bool:
    """True once every index of `graph` is operational (or it has none), False if not
    within `timeout_ms`."""
    return _all_operational(graph, "CALL db.indexes() YIELD status RETURN status", timeout_ms)


def wait_for_constraints(graph, timeout_ms: int) -> bool:
    """True once every constraint of `graph` is built (or it has none), False if not within
    `timeout_ms`: one still being built is announced again when it is (graph/falkor_log.py)."""
    return _all_operational(graph, CONSTRAINT_STATUSES, timeout_ms)


def _all_operational(graph, statuses: str, timeout_ms: int) -> bool:
    deadline = time.monotonic() + timeout_ms / 1000.0
    while True:
        try:
            rows = graph.ro_query(statuses, timeout=max(1, timeout_ms)).result_set
        except redis.exceptions.ResponseError as exc:
            if "empty key" in str(exc):
                return True  # the graph was never written: nothing to wait for
            raise
        if all(status == _OPERATIONAL for (status,) in rows):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


# Walking any one relationship makes FalkorDB finish every relationship matrix.
_ONE_RELATIONSHIP = "MATCH ()-[r]->() RETURN id(r) LIMIT 1"


def settle(graph, timeout_ms: int) -> None:
    """Have the server finish the graph's relationship matrices now, within `timeout_ms`,
    instead of in the first user's query (a few ms once done)."""
    graph.ro_query(_ONE_RELATIONSHIP, timeout=max(1, timeout_ms))
