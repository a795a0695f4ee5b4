"""Load history: every load into a graph leaves a `Load` node saying when it ran, who ran
it and from where (the CLI, the web app's ingest, a bulk load), which inputs it read (names
and SHA-256 of their bytes), its counts, its duration and its outcome.

A load is recorded as started before it writes anything, then as finished or failed: a
load killed outright stays `running` until the next load into the graph (loads take turns,
Backend.one_load_at_a_time) finds it and marks it `interrupted`. What each batch of a load
changed is recorded beside it (loaders/changes.py). Not connected by edges; left out of the
canonical checksum (graph/checksum.py).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import secrets
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screengraph.graph.backend import Backend, Results
from screengraph.graph.errors import GraphError
from screengraph.graph.schema import LAYOUT_LABEL, LOAD_LABEL
from screengraph.loaders.decisions import check_no_unfinished_decision
from screengraph.loaders.sources import SourceText

# Where a load came from (`via`).
VIA_CLI, VIA_WEB, VIA_BULK = "cli", "web", "bulk"
# Its outcome (`status`).
RUNNING, FINISHED, FAILED, INTERRUPTED = "running", "finished", "failed", "interrupted"
# An undo (loaders/undo.py) is recorded in the history too, as a Load of this `kind`;
# the loads it undid keep `undone_by` (its id).
UNDO_KIND = "undo"
SEP = "\t"  # a recorded input: "<name>\t<sha256>"
_HASH_CHUNK = 1 << 20
LISTED = 50  # `screengraph loads` shows the newest 50 by default

# The counts a load records, as LoadSummary names them.
COUNTS = ("files", "loaded", "updated", "unchanged", "rejected", "credits")
COLUMNS = ("id", "started_at", "by", "via", "status", *COUNTS, "seconds", "kind", "undone_by")

_MARK_INTERRUPTED = (
    f"MATCH (l:{LOAD_LABEL} {{status: '{RUNNING}'}}) WHERE l.key <> $key "
    f"AND coalesce(l.kind, '') <> '{UNDO_KIND}' "
    f"SET l.status = '{INTERRUPTED}', "
    "l.error = 'it did not finish: its process was killed or lost its connection' "
    "RETURN count(l)"
)
_START = f"CREATE (l:{LOAD_LABEL}) SET l = $properties"
_FINISH = f"MATCH (l:{LOAD_LABEL} {{key: $key}}) SET l += $properties"
_LIST = (
    f"MATCH (l:{LOAD_LABEL}) RETURN {', '.join(f'l.{name}' for name in COLUMNS[1:])}, "
    "l.key ORDER BY l.started_at DESC, l.key DESC LIMIT $limit"
)
# An undo that has not finished (killed, or stopped by an error) must be finished before
# anything else writes: the store is between two states until then.
_UNFINISHED_UNDO = (
    f"MATCH (l:{LOAD_LABEL} {{kind: '{UNDO_KIND}'}}) WHERE l.status <> '{FINISHED}' "
    "RETURN l.key, l.undoes ORDER BY l.key LIMIT 1"
)
# Which labels have identified nodes (loaders/identities.py): a load may add some, and an
# undo puts the list back as the load found it.
_IDENTIFIED = f"MATCH (l:{LAYOUT_LABEL} {{key: 'layout'}}) RETURN l.identified"
_FIND = (
    f"MATCH (l:{LOAD_LABEL}) WHERE l.key STARTS WITH $id "
    "RETURN properties(l) ORDER BY l.key LIMIT 2"
)


class LoadNotFound(LookupError):
    """No load, or more than one, has the id the user gave."""


class UndoUnfinished(GraphError):
    """An undo did not finish: nothing may load into the store until it is run again (a
    GraphError, so the CLI and the web app say it as they say other refusals)."""

    def __init__(self, undo_id: str, undoes: list[str]):
        self.undo_id = undo_id
        self.undoes = undoes
        super().__init__(
            f"undo {undo_id} (of load {', '.join(undoes)}) did not finish: run "
            f"`screengraph undo {undoes[-1] if undoes else undo_id}` again to finish it, "
            "then load"
        )


def unfinished_undo(backend: Backend) -> tuple[str, list[str]] | None:
    """The undo that did not finish, if one did not: (its id, the loads it undoes)."""
    rows = backend.run_read(_UNFINISHED_UNDO, max_rows=0).rows
    return (rows[0][0], list(rows[0][1] or [])) if rows else None


def identified_labels(backend: Backend) -> list[str] | None:
    """The store layout's list of labels with identified nodes (None: not recorded)."""
    rows = backend.run_read(_IDENTIFIED, max_rows=0).rows
    return list(rows[0][0]) if rows and rows[0][0] is not None else None


def new_load_id(now: datetime | None = None) -> str:
    """A load's id: when it started, to the millisecond (loads take turns, so ids sort in
    the order loads ran: loaders/changes.py relies on it), and four random hex digits
    (loads of two stores, or machines, never share one)."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%d-%H%M%S-%f}"[:-3] + f"-{secrets.token_hex(2)}"


def os_user() -> str:
    """Who runs this process, as the OS names them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's arbitrary uid)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def input_digest(source: SourceText) -> str:
    """SHA-256 of what a load read from one input: its file's bytes, or its text. IMDb's
    files count as one input whose digest covers each of its files in turn."""
    digest = hashlib.sha256()
    paths = (
        [Path(path) for _, path in sorted(source.dataset.files.items())]
        if source.dataset is not None
        else [source.path]
        if source.text is None and source.path is not None
        else []
    )
    if not paths:
        digest.update((source.text or "").encode("utf-8", "surrogatepass"))
    for path in paths:
        with path.open("rb") as stream:
            while block := stream.read(_HASH_CHUNK):
                digest.update(block)
    return digest.hexdigest()


@dataclass
class LoadOrigin:
    """Who runs a load and from where: the OS user at the CLI, the name given to the
    ingest token on the web."""

    via: str = VIA_CLI
    by: str = field(default_factory=os_user)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class LoadRecorder:
    """Keeps one load's `Load` node: written when it starts, completed when it ends."""

    def __init__(self, backend: Backend, load_id: str, origin: LoadOrigin | None = None):
        self.backend = backend
        self.load_id = load_id
        self.origin = origin or LoadOrigin()
        self.inputs: list[str] = []
        self._clock = time.monotonic()

    def met(self, source: SourceText) -> None:
        """An input the load read (called as the load meets it)."""
        self.inputs.append(f"{source.name}{SEP}{input_digest(source)}")

    def started(self) -> int:
        """Record the load as running; mark those that never finished as interrupted
        (run with the load lock held: no other load can be running). Returns how many.
        Refuses (UndoUnfinished) while an undo that did not finish waits to be run again.
        Keeps the layout's list of identified labels as the load found it: an undo puts
        it back."""
        waiting = unfinished_undo(self.backend)
        if waiting is not None:
            raise UndoUnfinished(*waiting)
        check_no_unfinished_decision(self.backend)
        identified = identified_labels(self.backend)
        found = self.backend.run_write(_MARK_INTERRUPTED, {"key": self.load_id}).value(0) or 0
        self._clock = time.monotonic()
        self.backend.run_write(
            _START,
            {
                "properties": {
                    "key": self.load_id,
                    "via": self.origin.via,
                    "by": self.origin.by,
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "started_at": _now(),
                    "status": RUNNING,
                    "changes": True,
                    "identified_before": json.dumps(identified),
                }
            },
        )
        return found

    def finished(self, summary: Any, error: BaseException | None = None) -> None:
        """Record the outcome, the inputs and the counts (those of the listings written
        before an error, when it failed)."""
        self.backend.run_write(
            _FINISH,
            {
                "key": self.load_id,
                "properties": {
                    **outcome(summary, error),
                    "inputs": self.inputs,
                    "seconds": round(time.monotonic() - self._clock, 3),
                    "finished_at": _now(),
                },
            },
        )


def outcome(summary: Any, error: BaseException | None) -> dict[str, Any]:
    """Status, error and counts of a LoadSummary, as a Load node keeps them."""
    found = {name: getattr(summary, name) for name in COUNTS}
    found["warnings"] = len(summary.warnings)
    if error is None:
        return {**found, "status": FINISHED, "error": None}
    reason = str(error) or type(error).__name__
    if isinstance(error, (KeyboardInterrupt, SystemExit)):
        reason = f"stopped ({type(error).__name__})"
    return {**found, "status": FAILED, "error": reason}


def bulk_record(
    summary: Any,
    inputs: Iterable[str],
    origin: LoadOrigin | None = None,
    started_at: str | None = None,
) -> dict[str, Any]:
    """The `Load` node of a bulk load, imported with the graph it made (a bulk load fills
    an empty graph in one go: its record is there exactly when its graph is). A bulk
    load keeps no per-batch changes: everything in the graph is what it added."""
    origin = origin or LoadOrigin(VIA_BULK)
    return {
        "key": new_load_id(),
        "via": origin.via,
        "by": origin.by,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started_at": started_at or _now(),
        "finished_at": _now(),
        "inputs": list(inputs),
        "seconds": round(summary.seconds, 3),
        "changes": False,
        **{name: value for name, value in outcome(summary, None).items() if value is not None},
    }


# -- reading the history ------------------------------------------------------------


def list_loads(backend: Backend, limit: int = LISTED) -> Results:
    """The newest loads first, one row each (COLUMNS)."""
    found = backend.run_read(_LIST, {"limit": limit}, max_rows=0)
    rows = [[row[-1], *row[:-1]] for row in found.rows]
    return Results(list(COLUMNS), rows)


def find_load(backend: Backend, load_id: str) -> dict[str, Any]:
    """One load's record, by its id or a prefix of it that names only one."""
    wanted = load_id.strip()
    if not wanted:
        raise LoadNotFound("give a load's id (`screengraph loads` lists them)")
    found = [row[0] for row in backend.run_read(_FIND, {"id": wanted}, max_rows=0).rows]
    if not found:
        raise LoadNotFound(f"no load has the id '{wanted}': `screengraph loads` lists them")
    if len(found) > 1:
        raise LoadNotFound(
            f"'{wanted}' begins the ids of several loads ({found[0]['key']}, "
            f"{found[1]['key']}...): give more of the id"
        )
    record = dict(found[0])
    record["id"] = record.pop("key")
    record["inputs"] = [
        dict(zip(("name", "sha256"), text.split(SEP, 1))) for text in record.get("inputs") or []
    ]
    return record
