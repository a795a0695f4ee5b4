"""The duplicate finder as a background job of the web app: at 10^5 people it takes ~22 s
(README, "Duplicate finder"), far longer than a request may hold a worker thread.

A holder of the ingest token starts a search (label and least score); it runs in a thread
of its own while the page shows how long it has run (beside how long the last one took)
and reloads itself until it is done. One search runs at a time per web process (a second
one is refused while it runs: each reads every name of a label into memory), and the last
finished search of each label is kept, with when it ran, how long it took, and the store's
write generation then (Backend.generation): the page says when the store has changed
since. What is kept is bounded: one report per label, each of at most `shown` pairs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from screengraph.graph.backend import Backend
from screengraph.queries.duplicates import find_duplicates

_KEY = "screengraph.duplicates_jobs"

RUNNING, DONE, FAILED = "running", "done", "failed"


class SearchRunning(RuntimeError):
    """A search is running already: one at a time."""

    def __init__(self, run: DuplicatesRun):
        self.run = run
        super().__init__(
            f"a search for likely duplicates among {run.label} is running already (started "
            f"{run.started_at}): wait for it, then start another"
        )


@dataclass
class DuplicatesRun:
    label: str
    min_score: float
    generation: int | str | None  # the store's, when the search started
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    status: str = RUNNING
    finished_at: str | None = None
    seconds: float | None = None
    report: dict[str, Any] | None = None
    error: str | None = None
    _clock: float = field(default_factory=time.monotonic, repr=False)

    def to_json(self, generation: int | str | None = None) -> dict[str, Any]:
        """The run as a page shows it; `generation` is the store's now (None: not asked)."""
        return {
            "label": self.label,
            "min_score": self.min_score,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "seconds": self.seconds,
            "running_for": (
                round(time.monotonic() - self._clock, 1) if self.status == RUNNING else None
            ),
            "store_changed": (
                None
                if generation is None or self.generation is None
                else generation != self.generation
            ),
            "error": self.error,
            "report": self.report,
        }


class DuplicatesJobs:
    """The web process's searches: the one running, and the last of each label."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running: DuplicatesRun | None = None
        self.last: dict[str, DuplicatesRun] = {}

    def start(self, backend: Backend, label: str, min_score: float, shown: int) -> DuplicatesRun:
        """Start a search in a thread of its own; SearchRunning if one runs already."""
        with self._lock:
            if self.running is not None:
                raise SearchRunning(self.running)
            run = DuplicatesRun(label, min_score, backend.generation())
            self.running = run
        thread = threading.Thread(
            target=self._search,
            args=(backend, run, shown),
            name=f"duplicates-{label}",
            daemon=True,
        )
        thread.start()
        return run

    def _search(self, backend: Backend, run: DuplicatesRun, shown: int) -> None:
        try:
            run.report = find_duplicates(backend, run.label, run.min_score, shown).to_json()
            run.status = DONE
        except Exception as exc:  # shown on the page: the search must not die silently
            run.error = str(exc) or type(exc).__name__
            run.status = FAILED
        run.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
        run.seconds = round(time.monotonic() - run._clock, 1)
        with self._lock:
            self.last[run.label] = run
            self.running = None

    def wait(self, timeout_s: float) -> bool:
        """Whether no search runs, waiting up to `timeout_s` for one to end (tests, and a
        process shutting down)."""
        deadline = time.monotonic() + timeout_s
        while self.running is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.running is None


def jobs() -> DuplicatesJobs:
    """This app's searches (made on first use: a dict's setdefault is atomic)."""
    return current_app.extensions.setdefault(_KEY, DuplicatesJobs())
