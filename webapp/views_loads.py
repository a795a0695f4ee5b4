"""The load history on the web, for holders of the ingest token: the loads into this graph,
and what one of them changed (the CLI's `screengraph loads`, `loads show` and `diff`).

The ingest token is sent once, in a POST (CSRF-checked, and throttled as on the ingest
page); the session then remembers that this browser holds it, so the list can link to each
load's page. Without it a page asks for the token, and its JSON twin answers 403. Nothing
here is cached.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, session

from loaders.changes import diff_counts, diff_rows, load_diff
from loaders.history import LISTED, LoadNotFound, list_loads
from webapp.errors import ApiError, wants_json
from webapp.store import get_backend
from webapp.twins import page
from webapp.views_ingest import _check_token

bp = Blueprint("loads", __name__)
# Session flag: this browser sent the ingest token (the duplicates page reads it too).
HOLDER = "load_history_reader"
SHOWN_CHANGES = 1000  # rows of a diff on the page; its JSON twin has every change


def _enabled() -> bool:
    return bool(current_app.config.get("INGEST_TOKEN"))


def _holder() -> bool:
    """Whether this request may read the history; asks for the token otherwise."""
    if not _enabled():
        raise ApiError(
            403,
            "ingest_disabled",
            "The load history is for holders of the ingest token, and none is set: "
            "set SCREENGRAPH_INGEST_TOKEN on the server.",
        )
    if session.get(HOLDER):
        return True
    if wants_json():
        raise ApiError(
            403,
            "token_needed",
            "Send the ingest token first: POST it as `token` to /loads.json "
            "(with the CSRF token), then read the history in that session.",
        )
    return False


@page(bp, "/loads", "loads.html", methods=("GET", "POST"))
def loads():
    data = {"enabled": _enabled(), "holder": False, "loads": []}
    if not data["enabled"]:
        if request.method == "POST":
            _holder()  # raises: switched off
        return data
    if request.method == "POST":
        _check_token(request.form.get("token", ""))
        session[HOLDER] = True
    if not _holder():
        return data
    results = list_loads(get_backend(), LISTED)
    data.update(holder=True, loads=[dict(zip(results.columns, row)) for row in results.rows])
    return data


@page(bp, "/loads/<load_id>", "load.html")
def load(load_id: str):
    if not _holder():
        return {"holder": False, "enabled": True, "load_id": load_id}
    try:
        diff = load_diff(get_backend(), load_id)
    except LoadNotFound as exc:
        raise ApiError(404, "load_unknown", str(exc)) from exc
    rows = diff_rows(diff).rows
    return {
        "holder": True,
        "enabled": True,
        "load_id": load_id,
        "diff": diff,
        "counts": diff_counts(diff),
        "_rows": rows[:SHOWN_CHANGES],
        "_hidden": max(0, len(rows) - SHOWN_CHANGES),
    }


@bp.after_request
def _never_stored(response):
    response.headers["Cache-Control"] = "no-store"
    return response
