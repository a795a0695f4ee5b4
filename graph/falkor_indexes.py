"""Whether a FalkorDB graph's indexes are usable yet.

When its server starts, FalkorDB loads each graph and then builds its indexes in the
background, answering PING (and queries, by scanning every node) meanwhile. A loader's
key lookups then overran the 2 s read limit and the load aborted right after a restart,
so whoever connects to a server waits here until `CALL db.indexes()` reports every
index of its graph OPERATIONAL.
"""

from __future__ import annotations

import time

import redis.exceptions

_OPERATIONAL = "OPERATIONAL"


def wait_for_indexes(graph, timeout_ms: int) -> bool:
    """True once every index of `graph` is operational (or it has none), False if not
    within `timeout_ms`."""
    deadline = time.monotonic() + timeout_ms / 1000.0
    while True:
        try:
            rows = graph.ro_query(
                "CALL db.indexes() YIELD status RETURN status", timeout=max(1, timeout_ms)
            ).result_set
        except redis.exceptions.ResponseError as exc:
            if "empty key" in str(exc):
                return True  # the graph was never written: no index to wait for
            raise
        if all(status == _OPERATIONAL for (status,) in rows):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
