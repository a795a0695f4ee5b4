"""Counting what a request asks the database: a wrapper around the app's REAL backend.

`counting(backend)` replaces the backend's `run_read` on the instance with one that counts
each call and then makes it (the query runs for real); `count_while(backend, do)` gives
how many reads `do()` made. Every other backend method is left alone: a page reads the
store through run_read only (the page cache's generation aside, which is no query).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def counting(backend) -> Iterator[list[str]]:
    """The queries run_read is given while the block runs, in order (their text)."""
    asked: list[str] = []
    real = backend.run_read

    def run_read(cypher, params=None, **options):
        asked.append(cypher)
        return real(cypher, params, **options)

    backend.run_read = run_read
    try:
        yield asked
    finally:
        del backend.run_read  # the class's method again


def count_while(backend, do: Callable[[], Any]) -> int:
    with counting(backend) as asked:
        do()
    return len(asked)
