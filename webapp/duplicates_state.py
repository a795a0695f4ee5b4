"""The duplicate finder's state in the store, so that every web process sees it: the web
app runs as several stateless processes (one machine or many, in front of one store), and
a search started through one must be seen running, and then its result, through any.

- The search running is a lease, `(:DuplicatesSearch {key: 'running'})`: one search at a
  time across processes and machines (each reads every name of a label into memory). Its
  holder renews it while the search runs; a holder that dies loses it LEASE_TTL_MS later
  (the server's clock decides, as for graph/neo4j_lease.py's load lease).
- The last finished search of each label is `(:DuplicatesSearch {key: 'last:<label>'})`,
  its report kept as JSON (at most the pairs shown).

Whether the store changed since a search is judged by what loads and curation decisions
have done (`catalogue_version`), not by Backend.generation: this state is itself written
to the store, so every renewal and saved result would move the generation.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.schema import CHANGE_LABEL, DECISION_LABEL, LOAD_LABEL, SEARCH_LABEL

LEASE_TTL_MS = 60_000
RENEW_EVERY_S = LEASE_TTL_MS / 3000
_RUNNING = "running"
_LAST = "last:"

# Setting a property first takes the node's write lock on Neo4j (FalkorDB writes one
# query at a time), so two processes asking at once cannot both see the lease free.
_TAKE = (
    f"MERGE (s:{SEARCH_LABEL} {{key: '{_RUNNING}'}}) SET s.asked_at = timestamp() "
    "WITH s, s.holder IS NULL OR s.expires_at < timestamp() AS free "
    "SET s.holder = CASE WHEN free THEN $me ELSE s.holder END, "
    "    s.label = CASE WHEN free THEN $label ELSE s.label END, "
    "    s.min_score = CASE WHEN free THEN $min_score ELSE s.min_score END, "
    "    s.started_at = CASE WHEN free THEN $started_at ELSE s.started_at END, "
    "    s.started_ms = CASE WHEN free THEN timestamp() ELSE s.started_ms END, "
    "    s.expires_at = CASE WHEN free THEN timestamp() + $ttl_ms ELSE s.expires_at END "
    "RETURN free, s.label, s.min_score, s.started_at, (timestamp() - s.started_ms) / 1000.0"
)
_RENEW = (
    f"MATCH (s:{SEARCH_LABEL} {{key: '{_RUNNING}'}}) WHERE s.holder = $me "
    "SET s.expires_at = timestamp() + $ttl_ms RETURN count(s)"
)
_RELEASE = (
    f"MATCH (s:{SEARCH_LABEL} {{key: '{_RUNNING}'}}) WHERE s.holder = $me "
    "SET s.holder = null, s.expires_at = null"
)
_SAVE = f"MERGE (s:{SEARCH_LABEL} {{key: $key}}) SET s += $properties"
# The search running (if one holds the lease) and the last of each label, read in one
# query: read apart, a search that ended between the two reads was seen both running and
# done (its result and the lease's release are one write, `save_last`).
_STATE = (
    f"OPTIONAL MATCH (h:{SEARCH_LABEL} {{key: '{_RUNNING}'}}) "
    "WHERE h.holder IS NOT NULL AND h.expires_at >= timestamp() "
    f"WITH h OPTIONAL MATCH (s:{SEARCH_LABEL}) WHERE s.key STARTS WITH '{_LAST}' "
    "RETURN h.label, h.min_score, h.started_at, (timestamp() - h.started_ms) / 1000.0, "
    "collect(properties(s))"
)
# What loads, undos and merges have done: a load started or ended, a batch written, a
# decision made, finished or split.
_LOADS = f"MATCH (l:{LOAD_LABEL}) RETURN l.status, count(l), max(l.key) ORDER BY l.status"
_BATCHES = f"MATCH (c:{CHANGE_LABEL}) RETURN count(c)"
_DECISIONS = f"MATCH (d:{DECISION_LABEL}) RETURN d.status, count(d), max(d.key) ORDER BY d.status"


def catalogue_version(backend: Backend) -> str:
    """A value that changes whenever a load, an undo, a merge or a split changes the
    catalogue (compared for equality only)."""
    parts = [backend.run_read(query, max_rows=0).rows for query in (_LOADS, _BATCHES, _DECISIONS)]
    return json.dumps(parts, sort_keys=True, default=str)


def new_holder() -> str:
    """Who holds the lease: which machine and process, told apart within it."""
    return f"{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"


def take_lease(
    backend: Backend, me: str, label: str, min_score: float, started_at: str
) -> tuple[bool, dict[str, Any]]:
    """Take the lease for a search (True), or say whose search holds it (False), with the
    search holding it as `search_state` returns it."""
    row = backend.run_write(
        _TAKE,
        {
            "me": me,
            "label": label,
            "min_score": min_score,
            "started_at": started_at,
            "ttl_ms": LEASE_TTL_MS,
        },
    ).rows[0]
    return bool(row[0]), _held(row[1:])


def renew_lease(backend: Backend, me: str) -> bool:
    """Keep the lease a while longer; False if it was lost (expired, and taken)."""
    return bool(backend.run_write(_RENEW, {"me": me, "ttl_ms": LEASE_TTL_MS}).value(0))


def release_lease(backend: Backend, me: str) -> None:
    backend.run_write(_RELEASE, {"me": me})


def search_state(
    backend: Backend,
) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """The search holding the lease now, from whichever process (label, min_score,
    started_at, running_for in seconds; None when none runs), and the last finished
    search of each label, by label: both as of one moment."""
    label, min_score, started_at, running_for, lasts = backend.run_read(_STATE, max_rows=0).rows[0]
    found = {}
    for properties in lasts:
        result = dict(properties)
        result.pop("key", None)
        result["report"] = json.loads(result.get("report") or "null")
        found[result["label"]] = result
    return (None if label is None else _held([label, min_score, started_at, running_for])), found


def _held(row: list[Any]) -> dict[str, Any]:
    label, min_score, started_at, running_for = row
    return {
        "label": label,
        "min_score": min_score,
        "started_at": started_at,
        "running_for": round(running_for or 0.0, 1),
    }


def save_last(backend: Backend, label: str, result: dict[str, Any], releasing: str) -> None:
    """Keep a finished search as the last of its label (its report as JSON text) and give
    back the lease `releasing` holds, in one write: every process sees the search either
    running or done, never both nor neither."""
    properties = {k: v for k, v in result.items() if k != "report"}
    properties["report"] = json.dumps(result.get("report"), ensure_ascii=False)
    backend.run_write(
        f"{_SAVE} WITH count(*) AS _ {_RELEASE}",
        {"key": f"{_LAST}{label}", "properties": properties, "me": releasing},
    )
