"""Likely duplicates on the web, for holders of the ingest token (the CLI's
`screengraph duplicates`): pairs the key rules kept apart, best first, with the evidence,
each with a Merge button: a preview first (`screengraph merge`), then the merge on
confirmation, recorded as a decision (loaders/merge.py). /decisions lists the decisions,
each merge with a Split button (`screengraph split`).

A search runs in the background (webapp/duplicates_job.py: ~22 s at 10^5 people): the
page starts one, shows it running, then its result, kept with when it ran and whether the
store has changed since; kept in the store, so every web process shows the same
(webapp/duplicates_state.py).

The token is sent once, in a POST (CSRF-checked, throttled as on the ingest page); the
session then remembers that this browser holds it, as the load history's pages do (one
session flag for both). Without it the page asks for the token and its JSON twin answers 403.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request, session

from screengraph.loaders.decisions import (
    SPLIT,
    DecisionNotFound,
    list_decisions,
    unfinished_decision,
)
from screengraph.loaders.merge import (
    MERGEABLE,
    MergeRefused,
    finish_decisions,
    merge_entities,
    plan_merge,
    split_decision,
    split_preview,
)
from screengraph.queries.duplicates import DEFAULT_MIN_SCORE, LABELS, MAX_BONUS
from screengraph.webapp.duplicates_job import SearchRunning, jobs
from screengraph.webapp.duplicates_state import catalogue_version
from screengraph.webapp.errors import ApiError, wants_json
from screengraph.webapp.links import entity_url
from screengraph.webapp.store import get_backend
from screengraph.webapp.token_pages import HOLDER, token_enabled, token_holder
from screengraph.webapp.twins import page
from screengraph.webapp.views_ingest import _web_origin

bp = Blueprint("duplicates", __name__)
SHOWN_PAIRS = 200
_PRESENT = "UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN k"


def _holder() -> bool:
    return token_holder("Likely duplicates are", "/duplicates.json")


def _label() -> str:
    label = request.values.get("label", LABELS[0])
    found = {name.lower(): name for name in LABELS}.get(label.strip().lower())
    if found is None:
        raise ApiError(400, "bad_label", f"label must be one of {', '.join(LABELS)}")
    return found


def _min_score() -> float:
    text = request.values.get("min_score", str(DEFAULT_MIN_SCORE))
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value <= 1.0 + MAX_BONUS:
        raise ApiError(
            400,
            "bad_min_score",
            f"min_score must be a number above 0 and at most {1 + MAX_BONUS:g}",
        )
    return value


@page(bp, "/duplicates", "duplicates.html", methods=("GET", "POST"))
def duplicates():
    """The last search of a label (and the one running, if one is), for a holder."""
    enabled = bool(current_app.config.get("INGEST_TOKEN"))
    data: dict[str, Any] = {
        "enabled": enabled,
        "holder": False,
        "labels": LABELS,
        "label": LABELS[0],
        "min_score": DEFAULT_MIN_SCORE,
        "running": None,
        "last": None,
    }
    if not enabled and request.method == "GET" and not wants_json():
        return data
    if not _holder():
        return data
    return data | _search_state(_label())


def _search_state(label: str) -> dict[str, Any]:
    searches, backend = jobs(), get_backend()
    running, lasts = searches.state(backend)
    last = lasts.get(label)
    shown = last.to_json(catalogue_version(backend)) if last is not None else None
    if shown is not None and shown["report"] is not None:
        pairs = shown["report"]["pairs"]
        _mark_gone(label, pairs, shown["store_changed"])
        for pair in pairs:
            for node in (pair["a"], pair["b"]):
                node["url"] = entity_url(label, node["key"])
    return {
        "holder": True,
        "label": label,
        "min_score": last.min_score if last is not None else DEFAULT_MIN_SCORE,
        "running": running,
        "last": shown,
        "last_of_others": sorted(name for name in lasts if name != label),
        "shown_max": SHOWN_PAIRS,
        "mergeable": label in MERGEABLE,
        "pending_decision": _pending("merge"),
    }


def _mark_gone(label: str, pairs: list[dict[str, Any]], store_changed: bool | None) -> None:
    """A kept result outlives the merges made from it: each pair says which of its
    entities the graph no longer has (merged away or undone since), and offers no merge
    of them. Read only once the store has changed since the search."""
    present: set[str] | None = None
    if store_changed is not False and pairs:
        keys = sorted({node["key"] for pair in pairs for node in (pair["a"], pair["b"])})
        rows = get_backend().run_read(_PRESENT.format(label=label), {"keys": keys}, max_rows=0)
        present = {row[0] for row in rows.rows}
    for pair in pairs:
        pair["gone"] = [
            node["key"]
            for node in (pair["a"], pair["b"])
            if present is not None and node["key"] not in present
        ]


@page(bp, "/duplicates/search", "duplicates.html", methods=("POST",))
def search():
    """Start a search for likely duplicates in the background; the page then shows it
    running, and its result once done."""
    _require_holder()
    label, min_score = _label(), _min_score()
    try:
        jobs().start(get_backend(), label, min_score, SHOWN_PAIRS)
    except SearchRunning as exc:
        raise ApiError(409, "search_running", str(exc)) from None
    return {"enabled": True, "labels": LABELS} | _search_state(label)


def _require_holder() -> None:
    """A merge or split is asked for from a page that was given the token: the session
    remembers it (the form itself does not carry the token)."""
    if not token_enabled() or not session.get(HOLDER):
        raise ApiError(
            403,
            "token_needed",
            "Give the ingest token first, on /duplicates or /decisions, then ask again.",
        )


def _pending(then: str) -> dict[str, str] | None:
    """The merge or split stopped midway (killed) that waits to be finished, if any: the
    pages say so and offer to finish it (`screengraph decisions --finish`)."""
    pending = unfinished_decision(get_backend(), then)
    return pending.to_json() if pending is not None else None


def _refuse_while_unfinished(then: str) -> None:
    """A merge or split previewed or made over one stopped midway would read or write a
    half-merged graph: refuse, on the merges page, which offers to finish it."""
    pending = unfinished_decision(get_backend(), then)
    if pending is not None:
        raise ApiError(
            409,
            "decision_unfinished",
            str(pending),
            page=("decisions.html", _decisions_page()),
            pending_decision=pending.to_json(),
        )


def _form_text(name: str, what: str) -> str:
    value = (request.form.get(name) or "").strip()
    if not value:
        raise ApiError(400, f"missing_{name}", f"the form needs `{name}`: {what}")
    return value


@page(bp, "/duplicates/merge", "merge.html", methods=("POST",))
def merge():
    """The preview of a merge; with `confirm=yes`, the merge itself."""
    _require_holder()
    label = _label()
    survivor = _form_text("survivor", "the key of the entity that stays")
    merged = _form_text("merged", "the key of the entity merged into it")
    _refuse_while_unfinished("merge")
    why = (request.form.get("why") or "").strip()[:500] or None
    backend = get_backend()
    try:
        if request.form.get("confirm") == "yes":
            decision = merge_entities(backend, label, survivor, merged, _web_origin(), why)
            data: dict[str, Any] = {"done": True, "decision": decision, "preview": decision}
        else:
            preview = plan_merge(backend, label, survivor, merged).preview()
            data = {"done": False, "decision": None, "preview": preview}
    except MergeRefused as exc:
        raise ApiError(409, "merge_refused", str(exc)) from None
    for side in ("survivor", "merged"):
        data["preview"][side]["url"] = entity_url(label, data["preview"][side]["key"])
    data.update(label=label, why=why)
    return data


def _decisions_page(notice: str | None = None) -> dict[str, Any]:
    results = list_decisions(get_backend())
    rows = [dict(zip(results.columns, row)) for row in results.rows]
    for row in rows:
        row["survivor_url"] = entity_url(row["label"], row["survivor"])
        # A merged entity has a page again only once split.
        row["merged_url"] = (
            entity_url(row["label"], row["merged"]) if row["status"] == SPLIT else None
        )
    return {
        "enabled": True,
        "holder": True,
        "decisions": rows,
        "notice": notice,
        "split_preview": None,
        "pending_decision": _pending("merge or split"),
    }


@page(bp, "/decisions", "decisions.html", methods=("GET", "POST"))
def decisions():
    enabled = token_enabled()
    if not enabled and request.method == "GET" and not wants_json():
        return {"enabled": False, "holder": False, "decisions": [], "notice": None}
    if not token_holder("Curation decisions are", "/decisions.json"):
        return {"enabled": True, "holder": False, "decisions": [], "notice": None}
    return _decisions_page()


@page(bp, "/decisions/split", "decisions.html", methods=("POST",))
def split():
    """What undoing one merge would give back; with `confirm=yes`, the split itself
    (`screengraph split`), then the list again."""
    _require_holder()
    decision_id = _form_text("decision", "the id of the merge to undo")
    why = (request.form.get("why") or "").strip()[:500] or None
    _refuse_while_unfinished("split")
    backend = get_backend()
    try:
        if request.form.get("confirm") != "yes":
            preview = split_preview(backend, decision_id)
            for side in ("survivor", "merged"):
                preview[side]["url"] = entity_url(preview["label"], preview[side]["key"])
            return _decisions_page() | {"split_preview": preview}
        done = split_decision(backend, decision_id, _web_origin(), why)
    except DecisionNotFound as exc:
        raise ApiError(404, "unknown_decision", str(exc)) from None
    except MergeRefused as exc:
        raise ApiError(409, "split_refused", str(exc)) from None
    return _decisions_page(
        f"Split: {done['merged_name']} and {done['survivor_name']} are two again "
        f"(decision {done['id']})."
    )


@page(bp, "/decisions/finish", "decisions.html", methods=("POST",))
def finish():
    """Finish the merges and splits stopped midway, as they were going (`screengraph
    decisions --finish`), then the list again."""
    _require_holder()
    finished = finish_decisions(get_backend())
    notice = " ".join(
        f"Finished decision {done['id']}, stopped midway: {done.get('merged_name') or done['merged']}"
        f" and {done.get('survivor_name') or done['survivor']} are now {done['status']}."
        for done in finished
    )
    return _decisions_page(notice or "No merge or split was stopped midway: nothing to finish.") | {
        "finished": [done["id"] for done in finished]
    }
