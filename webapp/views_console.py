"""The analysts' room: a read-only Cypher console and the canned-query gallery."""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Blueprint, request, url_for

from screengraph.graph.export_formats import FORMATS
from screengraph.graph.schema import KEYED_LABELS, SCHEMA, Label
from screengraph.graph.syntax_errors import QuerySyntaxError
from screengraph.queries.catalogue import catalogue
from screengraph.queries.entity_params import EntityParameterError, resolve_entity_params
from screengraph.queries.errors import AmbiguousEntity, QueryParameterError, UnknownQuery
from screengraph.webapp.errors import ANSWERED, ApiError, as_api_error
from screengraph.webapp.graphview import graph_from_results
from screengraph.webapp.inputs import check_text, parse_json_param, question_values
from screengraph.webapp.result_pages import run_page, window_params
from screengraph.webapp.security import cross_site_notice
from screengraph.webapp.store import get_backend
from screengraph.webapp.twins import page

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


# How the console shows results; a permalink names one (`view=Graph`).
VIEWS = ("Table", "Graph", "JSON")
PAGE_ARGS = ("run", "view")


def run_console_query(query: str, params: dict) -> dict:
    if not query.strip():
        raise ApiError(400, "empty_query", "Write a Cypher query first.")
    started = time.perf_counter()
    try:
        results = get_backend().run_adhoc(query, params)
    except QuerySyntaxError as exc:  # the editor marks the place
        raise ApiError(
            400, "syntax_error", str(exc), position={"line": exc.line, "column": exc.column}
        ) from None
    elapsed_ms = (time.perf_counter() - started) * 1000
    return {
        **results.to_json(),
        "elapsed_ms": round(elapsed_ms, 1),
        "graph": graph_from_results(results, get_backend()),
    }


def _asked() -> tuple[str | None, str, str]:
    """The query, its parameters (JSON text) and the view, however they were sent: a form,
    a link's query string, or a script's JSON body (`{"query", "params": {...}}`)."""
    if request.method == "POST" and request.is_json:
        body = parse_json_param("body", request.get_data(as_text=True), "bad_request")
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            raise ApiError(
                400,
                "bad_request",
                'Send a JSON object with the query as text: {"query": "MATCH (n) RETURN n '
                'LIMIT 1", "params": {}}.',
            )
        check_text("query", body["query"])
        params = body.get("params")
        if params is not None and not isinstance(params, dict):
            raise ApiError(
                400, "bad_parameters", 'Parameters must be a JSON object, like {"key": "x"}.'
            )
        return body["query"], json.dumps(params) if params else "", "Table"
    fields = request.form if request.method == "POST" else request.args
    view = _check_view(fields.get("view") or "Table")
    return fields.get("query"), fields.get("params") or "", view


def _check_view(view: str) -> str:
    if view not in VIEWS:
        raise ApiError(
            400, "bad_parameter", f"'view' must be one of {', '.join(VIEWS)}, got {view!r}"
        )
    return view


@page(bp, "/console", "console.html", methods=("GET", "POST"), links=False)
def console():
    query, params_text, view = _asked()
    data = {
        "query": query or EXAMPLE,
        "params_text": params_text,
        "view": view,
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
        try:
            data["results"] = run_console_query(query or "", parse_params(params_text))
        except (ApiError, *ANSWERED) as exc:
            error = as_api_error(exc)
            context = {k: v for k, v in data.items() if k != "error"}
            error.page = ("console.html", context)  # the form keeps what was written
            raise error from None
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
    # `run` and `view` (the tab the results open in) belong to the page, not the question.
    paging = {p.name for p in window_params(asked)}  # the page's own, like `run`
    values = {
        k: ",".join(request.args.getlist(k))
        for k in request.args
        if k not in PAGE_ARGS and k not in paging
    }
    _check_view(request.args.get("view") or "Table")
    unknown = sorted(set(values) - {p.name for p in asked.parameters})
    if unknown:
        raise ApiError(
            400,
            "bad_parameter",
            f"'{name}' takes no parameter {', '.join(repr(u) for u in unknown)}; "
            f"it takes: {', '.join(p.name for p in asked.parameters) or 'none'}",
        )
    data = {"query": asked.to_json(), "values": values, "results": None, "error": None}
    # A question whose parameters all have defaults runs as soon as it is opened.
    if values or request.args.get("run") or not any(p.required for p in asked.parameters):
        bound = question_values(asked, complete=False)
        missing = [p.name for p in asked.parameters if p.name not in bound]
        if missing:
            if request.args.get("run") or request.path.endswith(".json"):
                raise ApiError(400, "bad_parameter", f"'{name}' needs: {', '.join(missing)}")
            return data
        try:
            bound = resolve_entity_params(get_backend(), asked, bound)
        except EntityParameterError as exc:
            raise _unresolved(exc, name, data) from None
        try:
            paged = run_page(get_backend(), asked, bound)
        except QueryParameterError as exc:
            raise ApiError(400, "bad_parameter", str(exc)) from None
        results = paged.results
        data["results"] = {**results.to_json(), "graph": graph_from_results(results, get_backend())}
        data["page"] = paged.to_json()
    return data


def _unresolved(exc: EntityParameterError, name: str, data: dict) -> ApiError:
    """A name that is ambiguous or unknown: the form again, with the entities it may mean,
    each a link that runs the question with that one (by Label:key)."""
    ambiguous = isinstance(exc.cause, AmbiguousEntity)
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != exc.parameter}
    choices = [
        {
            **choice,
            "rerun": url_for(
                "console.canned",
                name=name,
                **(args | {exc.parameter: f"{choice['label']}:{choice['key']}"}),
            ),
        }
        for choice in exc.choices
    ]
    return ApiError(
        400 if ambiguous else 404,
        "ambiguous" if ambiguous else "not_found",
        str(exc),
        parameter=exc.parameter,
        candidates=choices,
        page=("canned.html", {k: v for k, v in data.items() if k != "error"}),
    )
