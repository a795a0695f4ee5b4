"""Putting restored append-only files in place of a store's, so that a process killed
midway leaves nothing to repair by hand.

A restore renames the store's folder aside, then the restored one into its place. Killed
between the two renames, the store would have no files: the next server would start
empty and its first write would begin a new history beside the real one. So the swap is
journalled first, and whoever next starts the store's server (graph/embedded_server.py,
holding the folder's lock) finishes it before the server reads anything: forward when the
restored files are still there (they were checked before the swap began), back to the
previous files otherwise."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

JOURNAL = "restore-swap.json"

log = logging.getLogger("screengraph.restore")


def swap_in(data_dir: Path, live_name: str, staged: Path) -> Path | None:
    """Make `staged` the store's `live_name` folder; returns where the previous one was
    kept (None when there was none)."""
    current = data_dir / live_name
    kept = None
    if current.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = data_dir / f"{live_name}.before-restore-{stamp}"
    _write_journal(
        data_dir,
        {
            "live": live_name,
            "staged": os.path.relpath(staged, data_dir),
            "kept": kept.name if kept else None,
        },
    )
    try:
        if kept is not None:
            os.rename(current, kept)
        os.rename(staged, current)
    except OSError:
        if kept is not None and kept.exists() and not current.exists():
            os.rename(kept, current)  # the store as it was
        _remove_journal(data_dir)
        raise
    _sync_folder(data_dir)
    _remove_journal(data_dir)
    return kept


def finish_interrupted_swap(data_dir: Path) -> str | None:
    """Complete a swap a killed restore left halfway; what was done, or None when there
    was nothing to do. Call it holding the folder's lock, before a server starts."""
    journal = data_dir / JOURNAL
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    current = data_dir / entry["live"]
    staged = data_dir / entry["staged"]
    kept = data_dir / entry["kept"] if entry.get("kept") else None
    if current.exists():
        done = (
            f"a restore interrupted before it changed anything left {journal.name}; "
            "the store is as it was"
            if kept is None or not kept.exists()
            else "a restore interrupted after its last step: nothing to finish"
        )
    elif staged.exists():
        os.rename(staged, current)
        done = "finished a restore that was interrupted midway: the restored files are in place" + (
            f", the previous ones in {kept}" if kept else ""
        )
    elif kept is not None and kept.exists():
        os.rename(kept, current)
        done = (
            "a restore interrupted midway had lost its restored files: the store's "
            "previous files are back in place"
        )
    else:
        done = "a restore interrupted midway left neither its files nor the previous ones"
    _sync_folder(data_dir)
    _remove_journal(data_dir)
    log.warning("%s: %s", data_dir, done)
    return done


def _write_journal(data_dir: Path, entry: dict) -> None:
    """Whole or absent: written aside, flushed, renamed into place."""
    partial = data_dir / f"{JOURNAL}.partial"
    with open(partial, "w", encoding="utf-8") as out:
        json.dump(entry, out)
        out.flush()
        os.fsync(out.fileno())
    os.rename(partial, data_dir / JOURNAL)
    _sync_folder(data_dir)


def _remove_journal(data_dir: Path) -> None:
    (data_dir / JOURNAL).unlink(missing_ok=True)
    _sync_folder(data_dir)


def _sync_folder(folder: Path) -> None:
    """Renames are durable once the folder holding them is flushed."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
