"""Curation decisions: a maintainer's merge of two entities, kept in the graph as a
`Decision` node (docs/data-model.md, "Curation decisions").

A decision says who made it (the OS user at the CLI, the name given to the ingest token
on the web), when, why, what kind (`merge`), the two entities, and, as JSON text, the
before-images of everything the merge rewrote: what a split (loaders/merge.py) restores.
`screengraph decisions` and the web's /decisions list them; an entity's page lists those
that made it or took from it (queries/provenance.py).
"""

from __future__ import annotations

from typing import Any

from screengraph.graph.backend import Backend, Results
from screengraph.graph.errors import GraphError
from screengraph.graph.schema import DECISION_LABEL

MERGE = "merge"
MERGED = "merged"  # a merge in force
SPLIT = "split"  # a merge undone
# A decision's statements are journalled (on the Decision node) before the first applies:
# while they apply its status says which way it is going, so one stopped midway (killed,
# or an error) is finished by the next merge or split (loaders/merge.py).
MERGING = "merging"
SPLITTING = "splitting"
FAILED = "failed"  # a merge stopped by an error and taken back: the graph is as before it
UNFINISHED = (MERGING, SPLITTING)

LISTED = 100
# What a listing of decisions shows, in order (every JSON answer has them all).
COLUMNS = (
    "id",
    "at",
    "by",
    "via",
    "kind",
    "status",
    "label",
    "survivor",
    "survivor_name",
    "merged",
    "merged_name",
    "why",
    "split_at",
    "split_by",
)
# The properties a listing reads: not the images, which may be large.
_SHOWN = ", ".join(f"d.{name}" for name in ("key", *COLUMNS[1:]))

_LIST = f"MATCH (d:{DECISION_LABEL}) RETURN {_SHOWN} ORDER BY d.at DESC, d.key DESC LIMIT $limit"
_FIND = (
    f"MATCH (d:{DECISION_LABEL}) WHERE d.key STARTS WITH $id "
    "RETURN properties(d) ORDER BY d.key LIMIT 2"
)
# The decisions about one entity, each column named as COLUMNS names it.
_SHOWN_AS = ", ".join(f"{shown} AS {name}" for shown, name in zip(_SHOWN.split(", "), COLUMNS))
ABOUT = (
    f"MATCH (d:{DECISION_LABEL} {{label: $label, survivor: $key}}) RETURN {_SHOWN_AS} "
    f"UNION MATCH (d:{DECISION_LABEL} {{label: $label, merged: $key}}) RETURN {_SHOWN_AS}"
)


_UNFINISHED = (
    f"MATCH (d:{DECISION_LABEL}) WHERE d.status IN $statuses "
    "RETURN d.key, d.status, d.merged, d.survivor ORDER BY d.key LIMIT 1"
)


class DecisionUnfinished(GraphError):
    """A merge or split stopped midway: nothing may load, merge or split until it is
    finished (a GraphError, so the CLI and the web app say it as they say other refusals).
    `then`: what waits for it ("load", "merge"...)."""

    def __init__(
        self, decision_id: str, status: str, merged: str, survivor: str, then: str = "load"
    ):
        self.decision_id, self.status = decision_id, status
        self.merged, self.survivor = merged, survivor
        super().__init__(
            f"decision {decision_id} ({merged} into {survivor}) stopped midway while "
            f"{status}: run `screengraph decisions --finish` (or Finish on the web app's "
            f"/decisions page) to finish it, then {then}"
        )

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.decision_id,
            "status": self.status,
            "merged": self.merged,
            "survivor": self.survivor,
            "message": str(self),
        }


def unfinished_decision(backend: Backend, then: str = "load") -> DecisionUnfinished | None:
    """The merge or split stopped midway that waits to be finished, if one does (the
    oldest), as the refusal it causes."""
    rows = backend.run_read(_UNFINISHED, {"statuses": list(UNFINISHED)}, max_rows=0).rows
    if not rows:
        return None
    decision_id, status, merged, survivor = rows[0]
    return DecisionUnfinished(decision_id, status, merged, survivor, then)


def check_no_unfinished_decision(backend: Backend) -> None:
    """Refuse (DecisionUnfinished) while a merge or split waits to be finished."""
    pending = unfinished_decision(backend)
    if pending is not None:
        raise pending


class DecisionNotFound(LookupError):
    """No decision, or more than one, has the id the user gave."""


def list_decisions(backend: Backend, limit: int = LISTED) -> Results:
    """The newest decisions first, without their images."""
    rows = backend.run_read(_LIST, {"limit": limit}, max_rows=0).rows
    return Results(list(COLUMNS), [list(row) for row in rows])


def decisions_about(backend: Backend, label: str, key: str) -> list[dict[str, Any]]:
    """The decisions that merged into this entity or merged it away, newest first."""
    rows = backend.run_read(ABOUT, {"label": label, "key": key}, max_rows=0).rows
    return newest_first([dict(zip(COLUMNS, row)) for row in rows])


def newest_first(decisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(decisions, key=lambda item: (item["at"] or "", item["id"]), reverse=True)


def find_decision(backend: Backend, decision_id: str) -> dict[str, Any]:
    """One decision, images included, by its id or the start of it."""
    text = (decision_id or "").strip()
    if not text:
        raise DecisionNotFound("give a decision's id (`screengraph decisions` lists them)")
    rows = backend.run_read(_FIND, {"id": text}, max_rows=0).rows
    if not rows:
        raise DecisionNotFound(
            f"no decision has an id beginning with {text!r}: `screengraph decisions` lists them"
        )
    if len(rows) > 1:
        raise DecisionNotFound(
            f"{text!r} begins the ids of several decisions ({rows[0][0]['key']}, "
            f"{rows[1][0]['key']}...): give more of the id"
        )
    found = dict(rows[0][0])
    found["id"] = found.pop("key")
    return found
