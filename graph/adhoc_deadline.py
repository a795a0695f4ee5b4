"""The hard deadline of an analyst's query: its time limit plus a short grace.

Neither engine always honours its own time limit: FalkorDB misses it on some shapes
(graph/falkor_sandbox.py), and Neo4j 5.26 checks a transaction's timeout between rows,
not inside an expression. An ad-hoc query must stop within its limit + 0.5 s whatever
its shape, so past `limit + GRACE_S` it is stopped: the embedded sandbox is killed
(graph/falkor_sandbox.py); on Neo4j (`within_deadline`) the caller stops waiting and
`on_overrun` terminates the transaction on the server by its tag. The loops Neo4j
cannot stop, even by TERMINATE, are refused before they run (graph/adhoc_loops.py).

Until the server has stopped an abandoned query it holds a slot, so that whatever
slips past those (a shape nobody measured yet) cannot pile up on the server: with
every slot taken, a query waits for one within its own limit and then fails.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from screengraph.graph.errors import BackendUnavailable

# Past its limit, how long a query may run before it is abandoned (or its sandbox
# killed): the bound is + 0.5 s; the stop and the reply take 0.1-0.3 s on
# two busy cores.
GRACE_S = 0.2

T = TypeVar("T")


class Slots:
    """How many ad-hoc queries of one process may be running on a server, abandoned or not."""

    def __init__(self, count: int):
        self.count = count
        self._semaphore = threading.BoundedSemaphore(count)

    def take(self, seconds: float) -> bool:
        return self._semaphore.acquire(timeout=max(0.0, seconds))

    def give_back(self) -> None:
        self._semaphore.release()


def within_deadline(
    work: Callable[[], T], timeout_ms: float, slots: Slots, on_overrun: Callable[[], BaseException]
) -> T:
    """Run `work` in a worker thread holding one of `slots`, and return its answer, or
    raise `on_overrun()` once the deadline passes (waiting for a slot included); the
    abandoned worker gives its slot back when the server answers or stops it."""
    deadline = time.monotonic() + timeout_ms / 1000.0 + GRACE_S
    if not slots.take(deadline - time.monotonic()):
        raise BackendUnavailable(
            f"{slots.count} earlier ad-hoc queries from this process are still running on the "
            "server (it stops some shapes only when they finish). Run this one again in a "
            "few seconds."
        )
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc
        finally:
            slots.give_back()

    worker = threading.Thread(target=run, name="screengraph-adhoc-query", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise on_overrun()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
