"""The graph view's own requests: an entity's neighbours a page at a time, best connected
first (what "expand" and "more" fetch)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from screengraph.graph.schema import Label
from screengraph.queries.neighbours import NEIGHBOURS
from screengraph.webapp.errors import ApiError
from screengraph.webapp.graphview import neighbours_graph
from screengraph.webapp.inputs import question_values
from screengraph.webapp.store import get_backend

bp = Blueprint("graph", __name__)


def neighbours(label: str, key: str):
    values = question_values(NEIGHBOURS, complete=False)
    data = neighbours_graph(get_backend(), label, key, values["offset"], values["limit"])
    if data is None:
        raise ApiError(404, "not_found", f"There is no {label.lower()} with the key {key!r}.")
    return jsonify(data)


for _label in Label:
    bp.add_url_rule(
        f"/{_label.value.lower()}/<path:key>/neighbours.json",
        f"{_label.value.lower()}_neighbours",
        lambda key, label=_label.value: neighbours(label, key),
    )
