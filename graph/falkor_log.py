"""The embedded store's append-only log, rewritten whenever a graph is deleted.

At every start, the server replays its log. FalkorDB 4.22 (falkordblite 0.11) builds
again each unique constraint the log creates and, once built, appends an announcement
of it to the log. It does that even when a later entry of the log deleted the graph.
The next start replays that announcement against a graph that does not have the
constraint's label (or a new graph of the same name) and the server crashes
(SIGSEGV in GraphContext_GetSchemaByID), at every start after that: the store no longer
opens. This is FalkorDB/FalkorDB#2201; the fix proposed upstream is #2794.

Here it took `screengraph serve` on a new store (which creates the constraints), then
`screengraph load --bulk` (which deletes the empty graph to import into it): the second
start after that crashed.

So a deleted graph does not stay in the log:
- `drop_graph` deletes a graph once its constraints are built (none is pending, to be
  announced after the deletion) and rewrites the log from memory right after
  (BGREWRITEAOF: a snapshot without that graph, and an empty log after it);
- a log that still holds a deletion when its server starts (the process stopped before
  the rewrite, or an earlier screengraph deleted the graph) is rewritten once that start's
  replay is over and its constraints announced (`rewrite_after_start`). It is a scan of
  the log's files for the command, at start only.
A log this start cannot replay any more (the announcement is already in it) is not
repaired here: restore a backup (docs/operations.md).
"""

from __future__ import annotations

import logging
import mmap
import threading
import time
from pathlib import Path
from typing import Any

import redis

from screengraph.graph.errors import BackendUnavailable
from screengraph.graph.falkor_indexes import CONSTRAINT_STATUSES

_log = logging.getLogger(__name__)
_DELETION = b"GRAPH.DELETE"
_POLL_S = 0.05
_FIRST_POLL_S = 0.002
# A rewrite that shows no progress for this long has stalled (it reports progress
# while it runs).
_STALL_S = 600.0
# After a start, constraint builds the replay began may still announce themselves once
# the live graphs' are built: they are given this long more.
_ANNOUNCEMENTS_S = 1.0
_CONSTRAINTS_WAIT_S = 600.0


def persistence(client: redis.Redis) -> dict[str, Any]:
    return client.info("persistence")


def wait_for_rewrite(client: redis.Redis, rewrites_before: int, failed: str) -> None:
    """Wait until a rewrite begun after `rewrites_before` finished; raise BackendUnavailable
    with `failed` if it failed or never started."""
    deadline = time.monotonic() + _STALL_S
    pause = _FIRST_POLL_S  # a small store's rewrite takes milliseconds
    while True:
        state = persistence(client)
        if (
            state["aof_rewrites"] > rewrites_before
            and not state["aof_rewrite_in_progress"]
            and not state["aof_rewrite_scheduled"]
        ):
            return
        if state["aof_last_bgrewrite_status"] != "ok":
            raise BackendUnavailable(failed)
        if state["aof_rewrite_in_progress"]:
            deadline = time.monotonic() + _STALL_S
        elif time.monotonic() > deadline:
            raise BackendUnavailable(failed)
        time.sleep(pause)
        pause = min(pause * 2, _POLL_S)


def rewrite_log(client: redis.Redis, folder: Path) -> None:
    """Rewrite the log from the server's memory, and wait until it is done."""
    rewrites = persistence(client)["aof_rewrites"]
    try:
        client.bgrewriteaof()
    except redis.exceptions.ResponseError as exc:
        # One already running began before the deletion: another must follow it.
        if "already in progress" not in str(exc):
            raise
        wait_for_rewrite(client, rewrites, _failed(folder))
        rewrites = persistence(client)["aof_rewrites"]
        client.bgrewriteaof()
    wait_for_rewrite(client, rewrites, _failed(folder))


def log_deletes_a_graph(log_dir: Path) -> bool:
    """Whether the log's incremental files (those replayed after its snapshot) hold a
    graph's deletion."""
    for path in log_dir.glob("*.incr.aof"):
        if path.stat().st_size == 0:
            continue
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as log:
            if log.find(_DELETION) >= 0:
                return True
    return False


def rewrite_after_start(client: redis.Redis, folder: Path) -> threading.Thread:
    """Rewrite the log of a server that has just replayed a deletion, in the background:
    once every graph's constraints are built (and announced) and a little more, so that
    the announcements this start made are in the log the rewrite replaces."""

    def rewrite() -> None:
        try:
            deadline = time.monotonic() + _CONSTRAINTS_WAIT_S
            while time.monotonic() < deadline and not _constraints_built(client):
                time.sleep(_POLL_S)
            time.sleep(_ANNOUNCEMENTS_S)
            rewrite_log(client, folder)
        except (redis.exceptions.RedisError, BackendUnavailable) as exc:
            # The server stopped meanwhile, or could not write: its next start finds the
            # deletion in the log again and tries again.
            _log.warning("The log of the embedded store in %s was not rewritten: %s", folder, exc)
        finally:
            client.close()

    thread = threading.Thread(target=rewrite, name="screengraph-log-rewrite", daemon=True)
    thread.start()
    return thread


def _constraints_built(client: redis.Redis) -> bool:
    for name in client.execute_command("GRAPH.LIST"):
        rows = client.execute_command("GRAPH.RO_QUERY", name, CONSTRAINT_STATUSES)[1]
        if any(status != b"OPERATIONAL" for (status,) in rows):
            return False
    return True


# What redis writes when it crashes while it replays the log at its start.
_CRASHED = b"crashed by signal"
_REPLAYING = b"loadSingleAppendOnlyFile"
_LOG_TAIL = 256 * 1024


def replay_crash_advice(server_log: Path) -> str:
    """What to do, when the server's last crash happened while it replayed its log (the
    log no longer replays: restarting cannot help); "" otherwise."""
    try:
        with server_log.open("rb") as file:
            file.seek(max(0, server_log.stat().st_size - _LOG_TAIL))
            tail = file.read()
    except OSError:
        return ""
    crash = tail.rfind(_CRASHED)
    if crash < 0 or tail.find(_REPLAYING, crash) < 0:
        return ""
    return (
        " It crashed while replaying its append-only log, which it cannot replay any more "
        "(docs/operations.md, 'A deleted graph is rewritten out of the log'): restore the "
        "store's latest backup (`screengraph restore PATH`)."
    )


def _failed(folder: Path) -> str:
    return (
        f"The embedded store in {folder} could not rewrite its append-only log after a "
        f"graph was deleted (a full disk? see {folder / 'server.log'}). Free space; the "
        "next start of the store rewrites it."
    )
