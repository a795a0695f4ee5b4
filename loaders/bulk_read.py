"""A bulk load's inputs read in a second process while the first plans (loaders/bulk.py).

Reading, parsing and checking the records (and hashing each listing's content) is about
a third of a bulk load's planning, and needs nothing the planning holds: so a child
process does it, on the machine's other core, and hands the records over in chunks, in
the order read. The planner gets exactly what reading in its own process gives (the
same records, warnings, rejections and errors, in the same order), only sooner.

Inputs are handed to the child one at a time, and the next is asked for only once the
child has read the last record of the one before: an input that exists only while it is
read (standard input's temporary copy, loaders/sources.py) is gone only when read.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from screengraph.loaders.formats import read_records
from screengraph.loaders.history import input_digest
from screengraph.loaders.identity import Claims
from screengraph.loaders.model import (
    ParsedRecord,
    SourceRef,
    listing_from_parts,
    listing_parts,
)
from screengraph.loaders.plan import content_hash
from screengraph.loaders.sources import SourceText

_CHUNK = 200  # records handed over at a time
_AHEAD = 8  # chunks the child may read ahead of the planner (what it holds is bounded)
_WAIT_S = 1.0  # how often the planner checks, while waiting, that the child still runs
# Python's cyclic garbage collector while a bulk load reads and plans: a young collection
# per 200,000 new containers, not 700 (Python's default), and an older one per 50 of
# those. Reading and planning make millions of short-lived objects and hold a large,
# long-lived state (the memory of identities, the entries held in memory); with the
# default, the collector walked that state again every 70,000 objects: a quarter of the
# planner's CPU time at 10^5 credits (12.0 s instead of 17.1 s measured in one run).
# The planner also unpickles every record handed over (a dozen containers per credit):
# at (50,000, 20, 100) that took 0.92 s of the set-based planner's 4.3 s of CPU for
# 125,615 credits, 0.31 s at these, its peak memory the same (97 MB). Planning makes
# almost no cycles, so this costs no memory that stays.
GC_THRESHOLDS = (200_000, 50, 100)


@dataclass(frozen=True)
class InputRead:
    """An input, met before its records: what the load's summary and record say of it."""

    name: str
    digest: str  # loaders/history.py's input_digest
    note: str | None


@dataclass(frozen=True)
class Read:
    """One record; `digest` is its listing's content hash (None for a rejected record)."""

    record: ParsedRecord
    digest: str | None


@contextmanager
def collecting_less() -> Iterator[None]:
    """Python's garbage collector at GC_THRESHOLDS for the time of a block."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def read_inputs(
    sources: Iterable[SourceText],
    fmt: str | None,
    on_indexed: Callable[[int], None],
    claims: Claims | None = None,
) -> Iterator[InputRead | Read]:
    """Every input and its records, read here (the child's work)."""
    claims = claims or Claims()
    for source in sources:
        yield InputRead(source.name, input_digest(source), source.note)
        for record in read_records(source, fmt, claims, on_indexed):
            rejected = record.error or record.listing is None
            yield Read(record, None if rejected else content_hash(record.valid_listing))


def read_ahead(
    sources: Iterable[SourceText], fmt: str | None, on_indexed: Callable[[int], None]
) -> Iterator[InputRead | Read]:
    """What `read_inputs` gives, read by a child process while the caller works."""
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    tasks = context.Queue()
    results = context.Queue(maxsize=_AHEAD)
    child = context.Process(
        target=_child, args=(tasks, results, fmt), name="screengraph-bulk-reader", daemon=True
    )
    child.start()
    # From here the child holds the only writing end of its results: if it dies in the
    # middle of handing over a chunk (killed for memory), reading that chunk ends at once
    # (EOFError) instead of waiting forever for the rest of it.
    results._writer.close()  # type: ignore[attr-defined]
    try:
        for source in sources:
            tasks.put(source)
            while True:
                kind, payload = _next(results, child)
                if kind == "items":
                    yield from (_decoded(item) for item in payload)
                elif kind == "indexed":
                    on_indexed(payload)
                elif kind == "failed":
                    raise payload
                else:  # "done": the input's last record was handed over
                    break
        tasks.put(None)
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
        tasks.close()
        results.close()


def _next(results: Any, child: Any) -> tuple[str, Any]:
    while True:
        try:
            return results.get(timeout=_WAIT_S)
        except queue.Empty:
            if not child.is_alive():
                raise _stopped(child) from None
        except (EOFError, OSError):  # it died while handing a chunk over
            child.join()
            raise _stopped(child) from None


def _stopped(child: Any) -> RuntimeError:
    return RuntimeError(
        f"the bulk load's reading process stopped (exit code {child.exitcode}) before the "
        "end of its input: if the system ran out of memory, free some and load again"
    )


def _child(tasks: Any, results: Any, fmt: str | None) -> None:
    _end_with_planner()
    claims = Claims()  # one for the whole load, as in the planner's own process
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        while (source := tasks.get()) is not None:
            chunk: list[tuple] = []
            for item in read_inputs(
                [source], fmt, lambda lines: results.put(("indexed", lines)), claims
            ):
                chunk.append(_encoded(item))
                if len(chunk) >= _CHUNK:
                    results.put(("items", chunk))
                    chunk = []
            results.put(("items", chunk))
            results.put(("done", None))
    except BaseException as exc:  # noqa: BLE001 - every failure is the planner's to raise
        results.put(("failed", _picklable(exc)))


def _end_with_planner() -> None:
    """The reader ends when the planner does, however it ended: killed, the planner can
    neither say so nor take the records the reader waits to hand over."""
    planner = multiprocessing.parent_process()
    if planner is None:
        return
    sentinel = planner.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="planner-watch", daemon=True).start()


def _encoded(item: InputRead | Read) -> tuple:
    """A record as plain parts: a pickled ParsedRecord takes five times longer to load
    than its Listing alone, and a pickled Listing (Python code run for it and each of its
    credits, on both sides) about three times longer than its parts; the planner's
    process is the busy one."""
    if isinstance(item, InputRead):
        return (item,)
    record = item.record
    listing = None if record.listing is None else listing_parts(record.listing)
    return (dict(record.ref), listing, record.error, record.warnings, item.digest)


def _decoded(parts: tuple) -> InputRead | Read:
    if len(parts) == 1:
        return parts[0]
    ref, listing, error, warnings, digest = parts
    record = ParsedRecord.model_construct(
        ref=SourceRef.model_construct(**ref),
        listing=None if listing is None else listing_from_parts(listing),
        error=error,
        warnings=warnings,
    )
    return Read(record, digest)


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any exception that cannot cross is told in words
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
