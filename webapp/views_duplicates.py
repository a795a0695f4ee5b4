"""Likely duplicates on the web, for holders of the ingest token (the CLI's
`screengraph duplicates`): pairs the key rules kept apart, best first, with the evidence.

The token is sent once, in a POST (CSRF-checked, throttled as on the ingest page); the
session then remembers that this browser holds it, as the load history's pages do (one
session flag for both). Without it the page asks for the token and its JSON twin answers 403.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, session

from queries.duplicates import DEFAULT_MIN_SCORE, LABELS, MAX_BONUS, find_duplicates
from queries.search import entity_url
from webapp.errors import ApiError, wants_json
from webapp.store import get_backend
from webapp.twins import page
from webapp.views_ingest import _check_token
from webapp.views_loads import HOLDER

bp = Blueprint("duplicates", __name__)
SHOWN_PAIRS = 200


def _holder() -> bool:
    if not current_app.config.get("INGEST_TOKEN"):
        raise ApiError(
            403,
            "ingest_disabled",
            "Likely duplicates are for holders of the ingest token, and none is set: "
            "set SCREENGRAPH_INGEST_TOKEN on the server.",
        )
    if request.method == "POST":
        _check_token(request.form.get("token", ""))
        session[HOLDER] = True
    if session.get(HOLDER):
        return True
    if wants_json():
        raise ApiError(
            403,
            "token_needed",
            "Send the ingest token first: POST it as `token` to /duplicates.json "
            "(with the CSRF token), then ask again in that session.",
        )
    return False


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
    enabled = bool(current_app.config.get("INGEST_TOKEN"))
    data = {
        "enabled": enabled,
        "holder": False,
        "labels": LABELS,
        "label": LABELS[0],
        "min_score": DEFAULT_MIN_SCORE,
        "report": None,
    }
    if not enabled and request.method == "GET" and not wants_json():
        return data
    if not _holder():
        return data
    label, min_score = _label(), _min_score()
    report = find_duplicates(get_backend(), label, min_score, SHOWN_PAIRS).to_json()
    for pair in report["pairs"]:
        for node in (pair["a"], pair["b"]):
            node["url"] = entity_url(label, node["key"])
    data.update(holder=True, label=label, min_score=min_score, report=report, shown_max=SHOWN_PAIRS)
    return data
