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

So a deleted graph never stays in the log. The graph's constraints are built before it is
deleted (none is pending, to be announced after the deletion), and right after the
deletion the log is rewritten from memory (BGREWRITEAOF: a snapshot without that graph,
and an empty log after it). While this is due, a marker file stays in the store's folder,
so that if the process stops in between, whoever connects next finishes the rewrite
(`finish_due_rewrite`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import redis

from screengraph.graph.errors import BackendUnavailable

REWRITE_DUE = "log-rewrite-due"
_POLL_S = 0.05
# A rewrite that shows no progress for this long has stalled (it reports progress
# while it runs).
_STALL_S = 600.0
# After a start, constraint builds the replay began may still announce themselves:
# they are given this long (after the live graphs' constraints are built) first.
_ANNOUNCEMENTS_S = 1.0


def persistence(client: redis.Redis) -> dict[str, Any]:
    return client.info("persistence")


def wait_for_rewrite(client: redis.Redis, rewrites_before: int, failed: str) -> None:
    """Wait until a rewrite begun after `rewrites_before` finished; raise BackendUnavailable
    with `failed` if it failed or never started."""
    deadline = time.monotonic() + _STALL_S
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
        time.sleep(_POLL_S)


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


def mark_rewrite_due(folder: Path) -> None:
    (folder / REWRITE_DUE).touch()


def rewrite_done(folder: Path) -> None:
    (folder / REWRITE_DUE).unlink(missing_ok=True)


def rewrite_due(folder: Path) -> bool:
    return (folder / REWRITE_DUE).exists()


def finish_due_rewrite(client: redis.Redis, folder: Path, graphs_ready) -> None:
    """A graph was deleted and the log not rewritten after it (the process stopped): this
    start replayed it, so let the constraint builds the replay began announce themselves
    (`graphs_ready()` waits for the live graphs'), then rewrite the log."""
    graphs_ready()
    time.sleep(_ANNOUNCEMENTS_S)
    rewrite_log(client, folder)
    rewrite_done(folder)


def _failed(folder: Path) -> str:
    return (
        f"The embedded store in {folder} could not rewrite its append-only log after a "
        f"graph was deleted (a full disk? see {folder / 'server.log'}). Free space, then run "
        "any screengraph command on this store: it rewrites the log first."
    )
