"""What the app does, as events: every database call timed, every load finished.

Backends are timed where they are declared (`Backend.__init_subclass__` wraps the
methods in TIMED), so neither engine repeats the timing and no call escapes it; only
the outermost call counts (an analyst's query run through `run_read` is one call).
Whoever cares subscribes: the slow-query log (graph/oplog.py), the web app's metrics
(webapp/telemetry.py). Nothing here imports a metrics library, so one-off commands
pay nothing for it.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import FrameType
from typing import Any

# Backend method -> the kind of call it is (the `kind` label of the metric).
TIMED = {
    "run_read": "read",
    "int_rows": "read",
    "_run_isolated": "adhoc",
    "run_write": "write",
    "run_write_many": "write",
}


@dataclass(frozen=True)
class DatabaseCall:
    backend: str
    kind: str  # read, adhoc or write
    name: str  # the canned query's name, else the function that asked
    seconds: float
    failed: bool


@dataclass(frozen=True)
class LoadFinished:
    origin: str  # cli, web, bulk
    outcome: str  # loaded, dry run, failed
    seconds: float
    counts: dict[str, int]


_database_listeners: list[Callable[[DatabaseCall], None]] = []
_load_listeners: list[Callable[[LoadFinished], None]] = []
_query_name: ContextVar[str | None] = ContextVar("screengraph_query_name", default=None)
_depth = threading.local()


def on_database_call(listener: Callable[[DatabaseCall], None]) -> None:
    if listener not in _database_listeners:
        _database_listeners.append(listener)


def on_load(listener: Callable[[LoadFinished], None]) -> None:
    if listener not in _load_listeners:
        _load_listeners.append(listener)


def forget(listener: Callable) -> None:
    for listeners in (_database_listeners, _load_listeners):
        if listener in listeners:
            listeners.remove(listener)


@contextmanager
def query_named(name: str) -> Iterator[None]:
    """Name the database calls made inside (a canned query's name) for logs and metrics."""
    token = _query_name.set(name)
    try:
        yield
    finally:
        _query_name.reset(token)


def load_finished(event: LoadFinished) -> None:
    for listener in tuple(_load_listeners):
        listener(event)


LOAD_COUNTS = ("loaded", "updated", "unchanged", "rejected", "credits")


@contextmanager
def load_reported(origin: str, summary: Any) -> Iterator[None]:
    """Report the load run inside when it ends, failed or not, with its summary's counts
    (a LoadSummary: loaders/pipeline.py)."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "dry run" if summary.dry_run else "loaded"
    finally:
        counts = {name: getattr(summary, name) for name in LOAD_COUNTS}
        counts["warnings"] = len(summary.warnings)
        load_finished(LoadFinished(origin, outcome, time.perf_counter() - started, counts))


_GRAPH = __name__.rpartition(".")[0]  # this layer's package: screengraph.graph


def _caller() -> str:
    """The first function outside graph/ on the stack: who asked the database."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith(f"{_GRAPH}.") and module != _GRAPH:
            return f"{module}.{frame.f_code.co_name}"
        frame = frame.f_back
    return "unknown"


def timed(kind: str, method: Callable) -> Callable:
    @functools.wraps(method)
    def call(self, *args: Any, **kwargs: Any) -> Any:
        depth = getattr(_depth, "value", 0)
        if depth or not _database_listeners:
            return method(self, *args, **kwargs)
        _depth.value = 1
        started = time.perf_counter()
        failed = True
        try:
            result = method(self, *args, **kwargs)
            failed = False
            return result
        finally:
            _depth.value = 0
            event = DatabaseCall(
                getattr(self, "name", "?"),
                kind,
                _query_name.get() or _caller(),
                time.perf_counter() - started,
                failed,
            )
            for listener in tuple(_database_listeners):
                listener(event)

    setattr(call, "__screengraph_timed__", True)  # noqa: B010 (a mark mypy cannot type); read by instrument()
    return call


def instrument(cls: type) -> None:
    """Wrap the class's own database methods (called by Backend.__init_subclass__)."""
    for attribute, kind in TIMED.items():
        method = cls.__dict__.get(attribute)
        if (
            method is not None
            and not getattr(method, "__screengraph_timed__", False)
            and not getattr(method, "__isabstractmethod__", False)
        ):
            setattr(cls, attribute, timed(kind, method))
