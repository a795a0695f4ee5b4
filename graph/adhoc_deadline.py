"""The hard deadline of an analyst's query: its time limit plus a short grace.

Neither engine always honours its own time limit: FalkorDB misses it on some shapes
(graph/falkor_sandbox.py), and Neo4j 5.26 checks a transaction's timeout between rows,
not inside an expression (measured with a 1 s limit: `UNWIND range(1, 20000) AS x
RETURN size(reduce(s = '', i IN range(1, 20000) | s + 'abcdefgh'))` ran 15-20 s in
every runtime). An ad-hoc query must stop within its limit + 0.5 s whatever its shape,
so past `limit + GRACE_S` the caller stops waiting for it.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

# Past its limit, how long a query may run before it is abandoned (or its sandbox
# killed): the bound is + 0.5 s, and the stop and the reply take ~0.1 s.
GRACE_S = 0.3

T = TypeVar("T")


def within_deadline(work: Callable[[], T], timeout_ms: int,
                    on_overrun: Callable[[], BaseException]) -> T:
    """Run `work` in a worker thread and return its answer, or raise `on_overrun()` once
    the deadline passes; the abandoned worker ends when the server answers or stops it."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="screengraph-adhoc-query", daemon=True)
    worker.start()
    worker.join(timeout_ms / 1000.0 + GRACE_S)
    if worker.is_alive():
        raise on_overrun()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
