"""Run a generator in a thread, a few items ahead of its consumer (the loader's batches)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import Any


class Prefetched:
    """Runs a generator in a thread, a couple of items ahead of its consumer.

    The consumer spends most of its time waiting on the database (a socket read,
    which releases the GIL), so the producer's Python runs meanwhile. Errors in
    the producer are raised in the consumer, in order; a consumer that stops
    early (an error of its own) stops the producer too.
    """

    _END = object()

    def __init__(self, items: Iterator[Any], depth: int = 2):
        self._items = items
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._produce, name="screengraph-prefetch", daemon=True
        )

    def __enter__(self) -> Iterator[Any]:
        self._thread.start()
        return self._consume()

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        # Unblock a producer waiting for room; one still reading its input (a slow
        # stdin) is a daemon and stops at its next item, so never wait on it forever.
        deadline = time.monotonic() + 5
        while self._thread.is_alive() and time.monotonic() < deadline:
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                pass

    def _produce(self) -> None:
        try:
            for item in self._items:
                if not self._put((True, item)):
                    return
            self._put((True, self._END))
        except BaseException as exc:  # handed to the consumer, raised there
            self._put((False, exc))

    def _put(self, entry: tuple[bool, Any]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _consume(self) -> Iterator[Any]:
        while True:
            ok, item = self._queue.get()
            if not ok:
                raise item
            if item is self._END:
                return
            yield item
