"""The analysts' room: a read-only Cypher console and the canned-query gallery."""

from __future__ import annotations

import time

from flask import Blueprint, request

from graph.export_formats import FORMATS
from graph.schema import KEYED_LABELS, SCHEMA, Label
from queries.catalogue import catalogue
from queries.errors import QueryParameterError, UnknownQuery
from webapp.errors import ApiError
from webapp.graphview import graph_from_results
from webapp.inputs import parse_json_param, question_values
from webapp.security import cross_site_notice
from webapp.store import get_backend
from webapp.twins import page

bp = Blueprint("console", __name__)

EXAMPLE = (
    "MATCH (p:Person)-[r]->(s:Show)\n"
    "RETURN p.name AS person, type(r) AS role, s.title AS show\n"
    "ORDER BY show, person LIMIT 25"
)


def _limits() -> dict:
    backend = get_backend()
    return {
        "timeout_ms": backend.query_timeout_ms,
        "max_rows": backend.max_rows,
        "backend": backend.name,
    }


def parse_params(text: str) -> dict:
    if not text.strip():
        return {}
    params = parse_json_param("params", text, "bad_parameters")
    if not isinstance(params, dict):
        raise ApiError(
            400, "bad_parameters", 'Parameters must be a JSON object, like {"key": "the-bureau"}.'
        )
    return params


def run_console_query(query: str, params: dict) -> dict:
    if not query.strip():
        raise ApiError(400, "empty_query", "Write a Cypher query first.")
    started = time.perf_counter()
    results = get_backend().run_adhoc(query, params)
    elapsed_ms = (time.perf_counter() - started) * 1000
    return {
        **results.to_json(),
        "elapsed_ms": round(elapsed_ms, 1),
        "graph": graph_from_results(results, get_backend()),
    }


@page(bp, "/console", "console.html", methods=("GET", "POST"), links=False)
def console():
    query = request.form.get("query") if request.method == "POST" else request.args.get("query")
    params_text = (
        request.form.get("params") if request.method == "POST" else request.args.get("params")
    ) or ""
    data = {
        "query": query or EXAMPLE,
        "params_text": params_text,
        "limits": _limits(),
        "schema": schema_data(),
        "results": None,
        "error": None,
        "notice": None,
        "_entity_labels": [label.value for label in Label],
        "_export_formats": [{"name": f.name, "title": f.title} for f in FORMATS.values()],
    }
    if request.method == "GET" and query:
        data["notice"] = cross_site_notice()
    if (request.method == "POST" or query) and not data["notice"]:
        data["results"] = run_console_query(query or "", parse_params(params_text))
    return data


def schema_data() -> dict:
    backend = get_backend()
    keys: set[str] = set()
    for label in KEYED_LABELS:
        found = backend.run_read(
            f"MATCH (n:{label}) WITH n LIMIT 50 UNWIND keys(n) AS k RETURN DISTINCT k", max_rows=0
        )
        keys.update(row[0] for row in found.rows)
    for rel in SCHEMA.relationship_types:
        found = backend.run_read(
            f"MATCH ()-[r:{rel}]->() WITH r LIMIT 50 UNWIND keys(r) AS k RETURN DISTINCT k",
            max_rows=0,
        )
        keys.update(row[0] for row in found.rows)
    return {
        "labels": list(KEYED_LABELS),
        "relationshipTypes": list(SCHEMA.relationship_types),
        "propertyKeys": sorted(keys),
        "functions": [
            "count",
            "collect",
            "size",
            "coalesce",
            "toLower",
            "toUpper",
            "labels",
            "type",
            "keys",
            "nodes",
            "relationships",
            "length",
            "startNode",
            "endNode",
            "min",
            "max",
            "avg",
            "sum",
            "exists",
            "toString",
            "toInteger",
            "range",
            "reverse",
            "head",
            "last",
        ],
        "procedures": ["db.labels", "db.relationshipTypes", "db.propertyKeys"],
    }


@bp.get("/schema.json")
def schema_json():
    from flask import jsonify

    return jsonify(schema_data())


@page(bp, "/queries", "gallery.html")
def gallery():
    return {"queries": [q.to_json() for q in catalogue().runnable_on(get_backend())]}


@page(bp, "/queries/<name>", "canned.html", links=False)
def canned(name: str):
    try:
        asked = catalogue().get(name)
    except UnknownQuery as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    values = {k: ",".join(request.args.getlist(k)) for k in request.args if k != "run"}
    unknown = sorted(set(values) - {p.name for p in asked.parameters})
    if unknown:
        raise ApiError(
            400,
            "bad_parameter",
            f"'{name}' takes no parameter {', '.join(repr(u) for u in unknown)}; "
            f"it takes: {', '.join(p.name for p in asked.parameters) or 'none'}",
        )
    data = {"query": asked.to_json(), "values": values, "results": None}
    if values or not asked.parameters or request.args.get("run"):
        bound = question_values(asked, complete=False)
        missing = [p.name for p in asked.parameters if p.name not in bound]
        if missing:
            if request.args.get("run") or request.path.endswith(".json"):
                raise ApiError(400, "bad_parameter", f"'{name}' needs: {', '.join(missing)}")
            return data
        try:
            results = catalogue().run(get_backend(), name, bound, max_rows=get_backend().max_rows)
        except QueryParameterError as exc:
            raise ApiError(400, "bad_parameter", str(exc)) from None
        data["results"] = {**results.to_json(), "graph": graph_from_results(results, get_backend())}
    return data
