"""The load history on the web, for holders of the ingest token: the loads into this graph,
what one of them changed, or a run of them ("compare with"), and undoing one (the CLI's
`screengraph loads`, `loads show`, `diff` and `undo`). An undo is previewed first (what it
would remove, restore and revert, or why it refuses), then confirmed in a second POST.

The ingest token is sent once, in a POST (CSRF-checked, and throttled as on the ingest
page); the session then remembers that this browser holds it, so the list can link to each
load's page. Without it a page asks for the token, and its JSON twin answers 403. Nothing
here is cached.
"""

from __future__ import annotations

from flask import Blueprint, request

from screengraph.loaders.changes import diff_counts, diff_rows, load_diff
from screengraph.loaders.history import LISTED, LoadNotFound, list_loads, unfinished_undo
from screengraph.loaders.undo import Undo, UndoRefused, preview_undo, undo_rows
from screengraph.webapp.errors import ApiError
from screengraph.webapp.store import get_backend
from screengraph.webapp.token_pages import token_enabled, token_holder
from screengraph.webapp.twins import page
from screengraph.webapp.views_ingest import _web_origin as web_origin

bp = Blueprint("loads", __name__)
SHOWN_CHANGES = 1000  # rows of a diff on the page; its JSON twin has every change


def _holder() -> bool:
    """Whether this request may read the history; asks for the token otherwise."""
    return token_holder("The load history is", "/loads.json")


@page(bp, "/loads", "loads.html", methods=("GET", "POST"))
def loads():
    data = {"enabled": token_enabled(), "holder": False, "loads": []}
    if not data["enabled"] and request.method == "GET":
        return data
    if not _holder():
        return data
    results = list_loads(get_backend(), LISTED)
    data.update(holder=True, loads=[dict(zip(results.columns, row)) for row in results.rows])
    return data


@page(bp, "/loads/<load_id>", "load.html")
def load(load_id: str):
    if not _holder():
        return {"holder": False, "enabled": True, "load_id": load_id}
    backend = get_backend()
    compare = request.args.get("compare") or None
    try:
        diff = load_diff(backend, load_id, compare)
    except LoadNotFound as exc:
        raise ApiError(404, "load_unknown", str(exc)) from exc
    rows = diff_rows(diff).rows
    results = list_loads(backend, LISTED)
    return {
        "holder": True,
        "enabled": True,
        "load_id": load_id,
        "compare": compare,
        "diff": diff,
        "counts": diff_counts(diff),
        "_rows": rows[:SHOWN_CHANGES],
        "_hidden": max(0, len(rows) - SHOWN_CHANGES),
        "_others": [row[0] for row in results.rows if row[0] != load_id],
    }


@page(bp, "/loads/<load_id>/undo", "undo.html", methods=("POST",))
def undo(load_id: str):
    """The preview of an undo (what it would take back, or why it refuses); with
    action=confirm, the undo itself."""
    if not token_holder("Undoing a load is", f"/loads/{load_id}/undo.json", token_posted=False):
        return {"holder": False, "enabled": True, "load_id": load_id}
    backend = get_backend()
    cascade = request.form.get("cascade") == "yes"
    try:
        preview = preview_undo(backend, load_id, cascade)
        diffs = [load_diff(backend, target["id"]) for target in preview.targets]
    except LoadNotFound as exc:
        raise ApiError(404, "load_unknown", str(exc)) from exc
    waiting = unfinished_undo(backend)
    resumable = waiting is not None and preview.load["id"] in waiting[1]
    refusal = None if resumable else preview.refusal
    rows = [row for diff in diffs for row in undo_rows(diff).rows]
    data = {
        "holder": True,
        "enabled": True,
        "load_id": preview.load["id"],
        "cascade": cascade,
        "preview": {**preview.to_json(), "refused": refusal},
        "counts": [diff_counts(diff) for diff in diffs],
        "done": None,
        "_rows": rows[:SHOWN_CHANGES],
        "_hidden": max(0, len(rows) - SHOWN_CHANGES),
    }
    if request.form.get("action") != "confirm":
        return data
    if refusal:
        raise ApiError(409, "undo_refused", refusal)
    try:
        result = Undo(backend, web_origin()).run(preview.load["id"], cascade)
    except UndoRefused as exc:
        raise ApiError(409, "undo_refused", str(exc)) from exc
    data["done"] = result.to_json()
    return data


@bp.after_request
def _never_stored(response):
    response.headers["Cache-Control"] = "no-store"
    return response
