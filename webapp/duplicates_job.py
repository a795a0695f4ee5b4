"""The duplicate finder as a background job of the web app: at 10^5 people it takes ~22 s
(README, "Duplicate finder"), far longer than a request may hold a worker thread.

A holder of the ingest token starts a search (label and least score); it runs in a thread
of its own while the page shows how long it has run (beside how long the last one took)
and reloads itself until it is done. One search runs at a time across every web process
on the store (a second one is refused while it runs: each reads every name of a label into
memory), and the last finished search of each label is kept, with when it ran, how long it
took, and what the catalogue had been through then: the page says when the store has
changed since. Both live in the store (webapp/duplicates_state.py), so a search started
through one process is seen running, then done, through all. What is kept is bounded: one
report per label, each of at most `shown` pairs.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from screengraph.graph.backend import Backend
from screengraph.graph.errors import GraphError
from screengraph.queries.duplicates import find_duplicates
from screengraph.webapp.duplicates_state import (
    RENEW_EVERY_S,
    catalogue_version,
    new_holder,
    release_lease,
    renew_lease,
    save_last,
    search_state,
    take_lease,
)

_KEY = "screengraph.duplicates_jobs"
log = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"


class SearchRunning(RuntimeError):
    """A search is running already, through this process or another: one at a time."""

    def __init__(self, held: dict[str, Any]):
        self.held = held
        super().__init__(
            f"a search for likely duplicates among {held['label']} is running already "
            f"(started {held['started_at']}): wait for it, then start another"
        )


@dataclass
class DuplicatesRun:
    """A finished search as the store keeps it (webapp/duplicates_state.py)."""

    label: str
    min_score: float
    catalogue: str | None  # catalogue_version when the search started
    started_at: str
    status: str = DONE
    finished_at: str | None = None
    seconds: float | None = None
    report: dict[str, Any] | None = None
    error: str | None = None

    @classmethod
    def from_store(cls, stored: dict[str, Any]) -> DuplicatesRun:
        fields: dict[str, Any] = {name: stored.get(name) for name in cls.__dataclass_fields__}
        return cls(**fields)

    def to_json(self, catalogue: str | None = None) -> dict[str, Any]:
        """The run as a page shows it; `catalogue` is the store's version now (None: not
        asked)."""
        return {
            "label": self.label,
            "min_score": self.min_score,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "seconds": self.seconds,
            "running_for": None,
            "store_changed": (
                None if catalogue is None or self.catalogue is None else catalogue != self.catalogue
            ),
            "error": self.error,
            "report": self.report,
        }


class DuplicatesJobs:
    """This process's side of the searches: it starts them and runs its own in a thread;
    what runs and what was found is read from the store, whoever started it."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []

    def start(self, backend: Backend, label: str, min_score: float, shown: int) -> None:
        """Start a search in a thread of its own; SearchRunning if one runs already, through
        this process or another."""
        me = new_holder()
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        taken, held = take_lease(backend, me, label, min_score, started_at)
        if not taken:
            raise SearchRunning(held)
        run = DuplicatesRun(label, min_score, catalogue_version(backend), started_at)
        thread = threading.Thread(
            target=self._search,
            args=(backend, run, shown, me),
            name=f"duplicates-{label}",
            daemon=True,
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def state(self, backend: Backend) -> tuple[dict[str, Any] | None, dict[str, DuplicatesRun]]:
        """The search running now, through any process (label, min_score, started_at,
        running_for), and the last finished search of each label: as of one moment, so
        that a search is seen running or done, never both nor neither."""
        running, lasts = search_state(backend)
        return running, {label: DuplicatesRun.from_store(stored) for label, stored in lasts.items()}

    def _search(self, backend: Backend, run: DuplicatesRun, shown: int, me: str) -> None:
        clock = time.monotonic()
        done = threading.Event()
        renewer = threading.Thread(
            target=_keep_renewing, args=(backend, me, done), name="duplicates-lease", daemon=True
        )
        renewer.start()
        try:
            try:
                try:
                    report = find_duplicates(backend, run.label, run.min_score, shown)
                    run.report, run.status = report.to_json(), DONE
                except Exception as exc:  # shown on the page: the search must not die silently
                    run.error = str(exc) or type(exc).__name__
                    run.status = FAILED
                run.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
                run.seconds = round(time.monotonic() - clock, 1)
            finally:
                done.set()
                renewer.join()
            save_last(backend, run.label, run.__dict__, releasing=me)
        finally:
            release_lease(backend, me)  # if saving failed (after it, there is nothing to give)

    def wait(self, timeout_s: float) -> bool:
        """Whether no search this process started runs, waiting up to `timeout_s` for them
        to end (tests, and a process shutting down)."""
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)


def _keep_renewing(backend: Backend, me: str, done: threading.Event) -> None:
    while not done.wait(RENEW_EVERY_S):
        try:
            if not renew_lease(backend, me):
                log.warning("the duplicate search's lease expired: another search may start")
        except GraphError as exc:  # the store is away for now: the next renewal may do
            log.warning("could not renew the duplicate search's lease: %s", exc)


def jobs() -> DuplicatesJobs:
    """This app's searches (made on first use: a dict's setdefault is atomic)."""
    return current_app.extensions.setdefault(_KEY, DuplicatesJobs())
